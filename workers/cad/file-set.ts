import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { CadIngestError } from './errors';

/** Operating-system litter that travels in folders and zips. */
const ignored = (name: string) => name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';

function addUnique(files: Map<string, Buffer>, name: string, data: Buffer, where: string, set: string): void {
  const base = path.basename(name);
  const clash = [...files.keys()].find((k) => k.toLowerCase() === base.toLowerCase());
  if (clash !== undefined) {
    throw new CadIngestError('CORRUPT', set, `holds two files named ${base} (${where}); the assembly's references name files without folders, so each name must be unique`);
  }
  files.set(base, data);
}

/**
 * The files of a zip, by base name (a reference in a STEP assembly names a file, not a folder).
 * The sizes the zip declares are checked before anything is inflated: a zip bomb is refused.
 */
export function readZipSet(data: Buffer, file: string, maxBytes: number): Map<string, Buffer> {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), {
      filter: (entry) => {
        const parts = entry.name.split('/');
        if (entry.name.endsWith('/') || parts.some((p) => p === '__MACOSX' || ignored(p))) return false;
        total += entry.originalSize;
        if (total > maxBytes) throw new CadIngestError('TOO_LARGE', file, `the zip's files add up to more than the ${maxBytes} bytes limit when unpacked`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof CadIngestError) throw error;
    throw new CadIngestError('CORRUPT', file, `zip file cannot be read: ${(error as Error).message}`);
  }
  const files = new Map<string, Buffer>();
  for (const [name, bytes] of Object.entries(entries)) addUnique(files, name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, file);
  return files;
}

/** The files of a folder and its subfolders, by base name, within `maxBytes` in all. */
export async function readFolderSet(dir: string, maxBytes: number): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let total = 0;
  const entries = await fs.promises.readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile() || ignored(entry.name)) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (path.relative(dir, full).split(path.sep).some(ignored)) continue;
    total += (await fs.promises.stat(full)).size;
    if (total > maxBytes) throw new CadIngestError('TOO_LARGE', dir, `the folder's files add up to more than the ${maxBytes} bytes limit`);
    addUnique(files, entry.name, await fs.promises.readFile(full), path.relative(dir, full), dir);
  }
  if (files.size === 0) throw new CadIngestError('EMPTY', dir, 'folder holds no files');
  return files;
}
