/** Full-window screens shown instead of the app when there is no usable backend. */

export function NeedsLinkScreen() {
  return (
    <main className="gate">
      <h1>Lightbox</h1>
      <p className="gate-message">
        This page needs the link printed by <code>lightbox serve</code> (it carries the access token).
      </p>
      <p className="muted">
        Start the host with <code>lightbox serve</code> and open the address it prints, which looks like{' '}
        <code>http://127.0.0.1:PORT/?token=…</code>. The token changes at every start.
      </p>
    </main>
  );
}

export function TokenRefusedScreen() {
  return (
    <main className="gate">
      <h1>Lightbox</h1>
      <p className="gate-message" role="alert">
        The host refused this link&apos;s access token.
      </p>
      <p className="muted">
        Each start of <code>lightbox serve</code> makes a new token, so a link from an earlier start no longer works. Open the
        link it printed most recently.
      </p>
    </main>
  );
}
