import type { ArtifactFile } from '../../../shared/comparison/api';
// File facts for the comparison: hashes, existence, OpenEXR header sizes, format classes.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../../platform/files/sha256-file';

/** A file to compare; a known sha256 (e.g. from the media library) saves hashing it again. */
export interface FileRef {
  file: string;
  sha256?: string;
  /** Used when the file's own size cannot be read (.blend, other formats, an unreadable header). */
  width?: number | null;
  height?: number | null;
}

export function toRef(input: string | FileRef): FileRef {
  return typeof input === 'string' ? { file: input } : input;
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file's sha256 (the known one when given), or null when the file does not exist. */
export async function hashOf(ref: FileRef): Promise<string | null> {
  if (!(await isFile(ref.file))) return null;
  return ref.sha256 ?? (await sha256File(ref.file));
}

/** Both sides as artifact files (absolute path, hash, size), null for a side whose file is missing. */
export async function artifactFiles(legacyInput: string | FileRef, shadowInput: string | FileRef): Promise<[ArtifactFile | null, ArtifactFile | null]> {
  const refs = [toRef(legacyInput), toRef(shadowInput)] as const;
  const hashes = await Promise.all(refs.map(hashOf));
  const sides = refs.map((ref, i): ArtifactFile | null => {
    const sha256 = hashes[i];
    return sha256 ? { file: path.resolve(ref.file), sha256, width: ref.width ?? null, height: ref.height ?? null } : null;
  });
  return sides as [ArtifactFile | null, ArtifactFile | null];
}

const EXR_MAGIC = 0x01312f76;

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function isExr(file: string): Promise<boolean> {
  try {
    const head = await readHead(file, 4);
    return head.length === 4 && head.readUInt32LE(0) === EXR_MAGIC;
  } catch {
    return false;
  }
}

/** Width and height from an OpenEXR header's dataWindow (the first part's), or null. */
export async function exrSize(file: string): Promise<{ width: number; height: number } | null> {
  let head: Buffer;
  try {
    head = await readHead(file, 1 << 16);
  } catch {
    return null;
  }
  if (head.length < 8 || head.readUInt32LE(0) !== EXR_MAGIC) return null;
  let at = 8;
  const cstring = (): string | null => {
    const end = head.indexOf(0, at);
    if (end < 0) return null;
    const text = head.toString('latin1', at, end);
    at = end + 1;
    return text;
  };
  for (;;) {
    const name = cstring();
    if (name === null || name === '') return null;
    const type = cstring();
    if (type === null || at + 4 > head.length) return null;
    const size = head.readInt32LE(at);
    at += 4;
    if (size < 0 || at + size > head.length) return null;
    if (name === 'dataWindow' && type === 'box2i' && size === 16) {
      const [xMin, yMin, xMax, yMax] = [0, 4, 8, 12].map((o) => head.readInt32LE(at + o)) as [number, number, number, number];
      return { width: xMax - xMin + 1, height: yMax - yMin + 1 };
    }
    at += size;
  }
}

export type FormatClass = 'image' | 'video' | 'blend' | 'file';

const IMAGE_FORMATS = new Set(['png', 'jpg', 'jpeg', 'webp', 'tif', 'tiff', 'gif', 'avif', 'exr', 'openexr']);
const VIDEO_FORMATS = new Set(['mp4', 'webm', 'mov', 'mkv', 'avi', 'm4v']);

/** 'PNG', '.png', 'image/png' → 'png'; falls back to the file extension. */
export function normalizeFormat(format: string | null | undefined, file?: string): string {
  const raw = (format ?? '').trim().toLowerCase();
  const clean = raw.includes('/') ? raw.slice(raw.lastIndexOf('/') + 1) : raw.replace(/^\./, '');
  if (clean) return clean;
  return file ? path.extname(file).slice(1).toLowerCase() : '';
}

export function formatClass(format: string): FormatClass {
  if (IMAGE_FORMATS.has(format)) return 'image';
  if (VIDEO_FORMATS.has(format)) return 'video';
  if (format === 'blend') return 'blend';
  return 'file';
}

/** A directory-safe name: 'still thumbnail' → 'still-thumbnail'. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'artifact';
}

/** Runs `fn` over `items` with at most `limit` at once, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
