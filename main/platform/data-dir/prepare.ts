import fs from 'node:fs';
import path from 'node:path';

export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`data directory ${dir} ${reason}`);
    this.name = 'DataDirError';
  }
}

/** The folders every data directory has. */
export const DATA_SUBDIRS = ['tmp', 'logs'] as const;

/** Creates the data directory and its folders; a clear error when that is impossible. */
export function prepareDataDir(dir: string): void {
  try {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) throw new DataDirError(dir, 'exists but is not a directory');
    fs.mkdirSync(dir, { recursive: true });
    for (const sub of DATA_SUBDIRS) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  } catch (error) {
    if (error instanceof DataDirError) throw error;
    throw new DataDirError(dir, `cannot be created: ${(error as Error).message}`);
  }
}
