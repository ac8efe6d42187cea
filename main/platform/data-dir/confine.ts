import path from 'node:path';
import { ApiFailure } from '../../../shared/contract';

/**
 * Resolves a path given relative to the data directory and refuses anything that would
 * land outside it (`..`, absolute paths, NUL bytes).
 */
export function confineToDataDir(dataDir: string, relative: string, field = 'path'): string {
  if (relative.includes('\0')) throw new ApiFailure('path_outside_data_dir', `${field} contains a NUL byte`, field);
  const resolved = path.resolve(dataDir, relative);
  if (isInsideDir(dataDir, resolved)) return resolved;
  throw new ApiFailure('path_outside_data_dir', `${field} "${relative}" is outside the data directory`, field);
}

/** Whether `file` (resolved) is `dir` itself or below it: no `..` out, no other root. */
export function isInsideDir(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
