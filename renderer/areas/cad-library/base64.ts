/** Base64 of raw bytes, in slices so large chunks never overflow the argument list of fromCharCode. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

/**
 * A data: URL as a blob: URL. The CSP allows media only from blob:, and fetch() of a data: URL
 * would be refused by connect-src, so the bytes are decoded here.
 */
export function dataUrlToObjectUrl(dataUrl: string): string | null {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(dataUrl);
  if (!match) return null;
  const [, mime = 'application/octet-stream', isBase64, body = ''] = match;
  let bytes: Uint8Array;
  if (isBase64) {
    const binary = atob(body);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  } else {
    bytes = new TextEncoder().encode(decodeURIComponent(body));
  }
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
}
