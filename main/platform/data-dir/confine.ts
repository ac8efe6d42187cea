import path from 'node:path';
import { ApiFailure } from '../../../shared/contract';

/**
 * Resolves a path given relative to the data directory and refuses anything that would
 * land outside it (`..`, absolute paths, NUL bytes).
 */
export function confineToDataDir(dataDir: string, relative: string, field = 'path'): string {
  if (relative.includes('\0')) throw new ApiFailure('path_outside_data_dir', `${field} contains a NUL byte`, field);
  const root = path.resolve(dataDir);
  const resolved = path.resolve(root, relative);
  const rel = path.relative(root, resolved);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return resolved;
  throw new ApiFailure('path_outside_data_dir', `${field} "${relative}" is outside the data directory`, field);
}
