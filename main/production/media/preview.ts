import { fileDataUrl } from '../../platform/files/data-url';

const MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', mp4: 'video/mp4', webm: 'video/webm' };
/** Previews travel as data: URLs inside one message: bigger files are opened where they are. */
const PREVIEW_MAX_BYTES = 24 * 1024 * 1024;

/** A file the UI can show as a data: URL, or null with the reason it cannot (format, size). */
export function previewOf(file: string, format: string, bytes: number, where: string): { dataUrl: string | null; mime: string; reason?: string } {
  const mime = MIME[format];
  if (!mime) return { dataUrl: null, mime: 'application/octet-stream', reason: `${format} files are not previewed; open ${where}` };
  if (bytes > PREVIEW_MAX_BYTES) return { dataUrl: null, mime, reason: `too big to preview (${bytes} bytes); open ${where}` };
  return { dataUrl: fileDataUrl(file, mime), mime };
}
