import fs from 'node:fs';
import path from 'node:path';

/** Kernel and device trees: never a place for data, and walking them can hang (/proc/self/…). */
const SYSTEM_ROOTS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

/**
 * Whether a path may become the data directory, checked without creating anything (the folders
 * are made at the next start) and without reading below a system tree, so it answers at once.
 * Returns the problem, naming the field and the value, or null when the path is usable.
 */
export function dataDirCandidateProblem(value: string, field = 'path'): string | null {
  const named = `${field} "${value}"`;
  if (value.includes('\0')) return `${named} contains a NUL byte`;
  if (!path.isAbsolute(value)) return `${named} is not an absolute path`;
  const resolved = path.resolve(value);
  const under = systemRoot(resolved);
  if (under) return `${named} is under ${under}, which cannot hold data`;
  // The nearest part of the path that exists: the directory itself, or where it would be made.
  let existing = resolved;
  let stat = statOrNull(existing);
  while (!stat) {
    const parent = path.dirname(existing);
    if (parent === existing) return `${named} has no existing parent folder`;
    existing = parent;
    stat = statOrNull(existing);
  }
  let real: string;
  try {
    real = fs.realpathSync(existing);
  } catch (error) {
    return `${named} cannot be resolved: ${(error as Error).message}`;
  }
  const realUnder = systemRoot(real);
  if (realUnder) return `${named} leads (through ${existing}) to ${real}, under ${realUnder}, which cannot hold data`;
  if (!stat.isDirectory()) {
    return existing === resolved ? `${named} is a file, not a folder` : `${named} is below ${existing}, which is a file, not a folder`;
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    return existing === resolved ? `${named} is not writable by this user` : `${named} cannot be created: ${existing} is not writable by this user`;
  }
  return null;
}

function systemRoot(p: string): string | null {
  return SYSTEM_ROOTS.find((root) => p === root || p.startsWith(`${root}/`)) ?? null;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    // ENOTDIR (a file on the way) and the like: treat as absent and look further up.
    return null;
  }
}
