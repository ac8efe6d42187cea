import path from 'node:path';
import { CONTROL_CHARACTERS, type ImageFormat } from '../../../shared/nodes/settings-parts';

export type { ImageFormat };

export const IMAGE_EXTENSIONS: Record<ImageFormat, string> = { png: '.png', jpeg: '.jpg', webp: '.webp', exr: '.exr' };

/** Values of the output.filename placeholders (FORMAT.md). */
export interface FileNameValues {
  order: string;
  line: string;
  cad: string;
  preset: string;
}

export class FileNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileNameError';
  }
}

/** A placeholder value as a safe file-name piece: values come from users and CAD file names. */
function safePiece(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.{2,}/g, '_');
}

/**
 * The file name (no folder) for a template: placeholders replaced, unsafe characters in values
 * made `_`, the extension added. `frame` is a number (zero-padded to 4 digits like Blender's
 * frame files), a literal string kept as is (`{frame}` for Blender's out_pattern), or null to
 * drop the placeholder (a video named from a frame template).
 */
export function expandFileName(template: string, values: FileNameValues, extension: string, frame: number | string | null = 1): string {
  if (/[\\/]/.test(template) || template.includes('..')) throw new FileNameError(`file name template "${template}" must not contain / \\ or ..`);
  if (CONTROL_CHARACTERS.test(template)) throw new FileNameError(`file name template ${JSON.stringify(template)} must not contain control characters`);
  let base = template.replace(/\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'frame') return frame === null ? '' : typeof frame === 'number' ? String(frame).padStart(4, '0') : frame;
    if (name === 'order' || name === 'line' || name === 'cad' || name === 'preset') return safePiece(values[name]);
    throw new FileNameError(`file name template "${template}" uses unknown placeholder ${whole}`);
  });
  if (frame === null) base = base.replace(/[_\-. ]{2,}/g, (m) => m[0]!).replace(/^[_\-. ]+|[_\-. ]+$/g, '');
  // A leading dot would hide the file; an empty name would be just the extension.
  base = base.replace(/^\.+/, '');
  if (base === '') throw new FileNameError(`file name template "${template}" gives an empty name`);
  return `${base}${extension}`;
}

/** outDir joined with a file name, refusing anything that would land outside outDir. */
export function insideDir(outDir: string, fileName: string): string {
  const dir = path.resolve(outDir);
  const file = path.resolve(dir, fileName);
  if (path.dirname(file) !== dir) throw new FileNameError(`file name "${fileName}" escapes ${dir}`);
  return file;
}
