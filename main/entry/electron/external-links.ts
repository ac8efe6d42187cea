/**
 * The only places the app may send the user's browser to (shell.openExternal): the tools
 * Lightbox needs and their documentation. Anything else a page asks to open is refused, so a
 * hostile payload shown in the app can never open an arbitrary URL or another URL scheme.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['www.blender.org', 'docs.blender.org', 'ffmpeg.org', 'www.ffmpeg.org'];

/** Whether `url` may open in the user's browser: https, no credentials, a listed host, the default port. */
export function externalLinkAllowed(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && EXTERNAL_LINK_HOSTS.includes(parsed.hostname);
}
