import type { Area } from '../../shell/areas';

/** An area that is planned but not built: says so, and what it will hold. */
export function PlaceholderPage({ area }: { area: Area }) {
  return (
    <>
      <h1 tabIndex={-1}>{area.name}</h1>
      <p className="not-built">This area is not built yet. It will hold {area.planned}.</p>
    </>
  );
}
