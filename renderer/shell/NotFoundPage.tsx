import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at this address. Go to <Link to="/preflight">Preflight</Link>.
      </p>
    </>
  );
}
