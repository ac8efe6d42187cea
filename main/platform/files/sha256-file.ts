import crypto from 'node:crypto';
import fs from 'node:fs';

/** The sha256 of a file's bytes, hex; the file is streamed, so its size does not matter. */
export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256File for synchronous callers (the whole file is read at once). */
export function sha256FileSync(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
