import fs from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';

/** Zip entries carry a date; a fixed one makes the same files give the same bytes (the library deduplicates by sha256). */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

/**
 * A folder (a multi-file STEP assembly: the master and its part files) as one zip, so the library
 * keeps it as one entry. Files sorted by path; hidden files left out; at most `maxBytes` read.
 */
export async function zipFolder(dir: string, maxBytes: number): Promise<Uint8Array> {
  const entries = (await fs.promises.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((rel) => !rel.split(path.sep).some((part) => part.startsWith('.')))
    .sort();
  const files: Zippable = {};
  let total = 0;
  for (const rel of entries) {
    const data = await fs.promises.readFile(path.join(dir, rel));
    total += data.length;
    if (total > maxBytes) throw new Error(`the folder's files add up to more than ${maxBytes} bytes`);
    files[rel.split(path.sep).join('/')] = [new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { mtime: FIXED_MTIME }];
  }
  if (entries.length === 0) throw new Error('the folder holds no files');
  return zipSync(files, { level: 6 });
}
