const STORAGE_KEY = 'lightbox.token';

/**
 * The headless host's access token arrives once in the page URL (?token=). It is moved to
 * sessionStorage so a reload keeps working, and taken out of the visible URL so it does not end
 * up in screenshots, bookmarks or history.
 */
export function takeToken(win: Window = window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token') ?? tokenInHash(url);
  if (fromUrl) {
    store(win, fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * A token given after a deep link's route (`#/workflows/ID?token=…`, the printed link's token
 * added to a page address): taken, and removed from the route so the router sees the page alone.
 */
function tokenInHash(url: URL): string | null {
  const at = url.hash.indexOf('?');
  if (at === -1) return null;
  const params = new URLSearchParams(url.hash.slice(at + 1));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  url.hash = `${url.hash.slice(0, at)}${rest ? `?${rest}` : ''}`;
  return token;
}

/** A refused token is useless; forgetting it lets a reload show how to get a fresh link. */
export function forgetToken(win: Window = window): void {
  try {
    win.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled; nothing to forget then.
  }
}

function store(win: Window, token: string): void {
  try {
    win.sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Without storage the token lives only in memory; a reload then needs the link again.
  }
}
