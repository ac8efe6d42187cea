import fs from 'node:fs';

/** A file's bytes as a data: URL of the given MIME type; the file is read whole, so callers bound its size. */
export function fileDataUrl(file: string, mime: string): string {
  return `data:${mime};base64,${fs.readFileSync(file).toString('base64')}`;
}
