const STORAGE_KEY = 'lightbox.token';

/**
 * The headless host's access token arrives once in the page URL (?token=). It is moved to
 * sessionStorage so a reload keeps working, and taken out of the visible URL so it does not end
 * up in screenshots, bookmarks or history.
 */
export function takeToken(win: Window = window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
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
