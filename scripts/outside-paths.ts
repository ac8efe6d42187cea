import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds references from the repository's files to paths outside it, so a clone alone in an
 * empty folder needs nothing beside it. Three kinds are found:
 * - a relative path written with slashes whose `..` steps climb above the root (in code, docs or
 *   scripts), resolved against the folder of the file that holds it;
 * - a path.join/path.resolve of string segments with a `..` among them, resolved against the
 *   repository root when the base is named after it (repoRoot, REPO_ROOT, root), or against the
 *   file's folder when the base is the file's own location (import.meta.url, __dirname, here); a
 *   base that cannot be told (a temp folder, an argument) is skipped;
 * - an absolute path into the machine folder that holds clones and the shared folder beside them
 *   (ALWAYS_OUTSIDE).
 * A line that holds a path relative to something else (a linted file's made-up name, say) says so
 * with `outside-paths: allow` and the reason, and is not reported.
 * (These comments describe the forms rather than write them, or this file would be its own finding.)
 */

export interface OutsideReference {
  /** Relative to the repository root, with forward slashes. */
  file: string;
  line: number;
  /** The reference as written. */
  text: string;
  /** Where it leads. */
  resolved: string;
}

/**
 * Absolute locations no file may name: the machine folder that holds the clone and what sits
 * beside it (the shared folder among them). Only these: a clone in /tmp or a home folder may
 * still mention /tmp paths in its docs.
 */
const ALWAYS_OUTSIDE = [['', 'work', ''].join('/')];

/** Marks a line whose path is relative to something other than the file holding it. */
export const ALLOW = 'outside-paths: allow';

const isOutside = (root: string, target: string): boolean => {
  const rel = path.relative(root, target);
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
};

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** A relative path with at least one `../` step, not part of a longer path or word. */
const SLASH_PATH = /(?<![\w./$~@-])(?:\.\/)*\.\.\/[^\s'"`()[\]{}<>,;|*?]*/g;

/** `join(` / `resolve(`: a call whose string arguments are path segments. */
const JOIN_CALL = /\b(?:join|resolve)\(/g;

/** Splits the argument list starting at `open` (just after the parenthesis) at its top-level commas. */
function callArguments(text: string, open: number): string[] | null {
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = open;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
      depth -= 1;
    } else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

const STRING_LITERAL = /^(['"])([^'"\\]*)\1$/;

/** Where a join/resolve call's first argument points, when it can be told: the root, or the file's folder. */
function baseOf(expression: string, root: string, fileDir: string): string | null {
  if (/^(?:repo_?root|root)$/i.test(expression)) return root;
  if (/import\.meta\.(?:url|dirname)|__dirname|^here$/.test(expression)) return fileDir;
  return null;
}

/** Every outside reference in one file's text. `file` is relative to `root`. */
export function outsideReferences(file: string, text: string, root: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  const fileDir = path.dirname(path.join(root, file));
  const lines = text.split('\n');
  const add = (index: number, written: string, resolved: string) => {
    const line = lineAt(text, index);
    if (!lines[line - 1]?.includes(ALLOW)) found.push({ file: file.split(path.sep).join('/'), line, text: written, resolved });
  };

  for (const m of text.matchAll(SLASH_PATH)) {
    const target = path.resolve(fileDir, m[0]);
    if (isOutside(root, target)) add(m.index, m[0], target);
  }

  for (const m of text.matchAll(JOIN_CALL)) {
    const args = callArguments(text, m.index + m[0].length);
    if (!args || args.length < 2) continue;
    const [first, ...rest] = args as [string, ...string[]];
    const literal = STRING_LITERAL.exec(first);
    const base = literal ? root : baseOf(first, root, fileDir);
    if (base === null) continue;
    const segments = literal ? [literal[2] as string] : [];
    for (const arg of rest) {
      const seg = STRING_LITERAL.exec(arg);
      if (!seg) break;
      segments.push(seg[2] as string);
    }
    if (!segments.includes('..')) continue;
    const target = path.resolve(base, ...segments);
    if (isOutside(root, target)) add(m.index, `${m[0]}${args.join(', ')})`, target);
  }

  const reported = new Set<number>();
  for (const prefix of ALWAYS_OUTSIDE) {
    let at = text.indexOf(prefix);
    while (at !== -1) {
      const written = /^[^\s'"`()<>,;]*/.exec(text.slice(at))?.[0] ?? prefix;
      if (!reported.has(at)) {
        reported.add(at);
        add(at, written, written);
      }
      at = text.indexOf(prefix, at + prefix.length);
    }
  }
  return found;
}

/** A file with a NUL byte in its first 8 KiB is binary (images, .blend, archives) and is not read as text. */
function isBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8192).includes(0);
}

/** The repository's tracked files (git ls-files), or, outside a git checkout, every file but installed and built ones. */
export function repositoryFiles(root: string): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\0')
      .filter((f) => f !== '');
  } catch {
    const skip = new Set(['.git', 'node_modules', 'dist', 'release', 'test-results', 'playwright-report']);
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!skip.has(entry.name)) walk(rel);
        } else if (entry.isFile()) out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

/** Every outside reference in the repository's text files. */
export function scanRepository(root: string, files: string[] = repositoryFiles(root)): OutsideReference[] {
  const found: OutsideReference[] = [];
  for (const file of files) {
    const full = path.join(root, file);
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) continue; // deleted in the work tree
    const buffer = fs.readFileSync(full);
    if (isBinary(buffer)) continue;
    found.push(...outsideReferences(file, buffer.toString('utf8'), root));
  }
  return found;
}
