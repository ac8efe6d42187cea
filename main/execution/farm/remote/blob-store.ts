import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256File } from '../../../platform/files/sha256-file';
import { blobKey, checkSize, parseBlobRef, type BlobRef } from './blob-ref';

/** How many put files the store remembers by identity (a batch's scenes, textures). */
const STORED_FILES_KEPT = 1024;

export type { BlobRef } from './blob-ref';

/**
 * A content-addressed store of render inputs and outputs on one machine (the controller's, or an
 * agent's cache), after Flamenco's Shaman: a blob is stored under its sha256 and size, uploads
 * land in a partial file that grows by appends (so a broken upload resumes where it stopped), and
 * only a partial whose bytes hash to its name is renamed into place. A committed blob is never
 * rewritten. One process owns a store directory: the per-blob upload lock is in memory.
 *
 * Layout: blobs/<sha[0..2]>/<sha>-<size> (committed), partial/<sha>-<size>.part (uploads under
 * way), tmp/ (local files being added).
 */
export interface BlobStore {
  readonly dir: string;
  has(ref: BlobRef): boolean;
  /** The refs not stored, each once, in the order given. */
  missing(refs: readonly BlobRef[]): BlobRef[];
  /** The committed file; throws BlobNotFound when the blob is not (yet) stored. */
  path(ref: BlobRef): string;
  /** Adds a local file by copying it in (later edits of the file do not change the blob). */
  putFile(file: string): Promise<BlobRef>;
  /** Bytes of an unfinished upload held (0 when none, or when the blob is committed). */
  partialSize(ref: BlobRef): number;
  /**
   * Appends `stream` to the blob's partial file at `offset` (which must equal partialSize).
   * When the partial reaches the size its sha256 is checked and it is committed; a mismatch
   * discards it and throws BlobMismatch. A stream that ends early leaves a partial to resume;
   * one that errors (a cut connection) rejects, keeping what was written.
   */
  receive(ref: BlobRef, offset: number, stream: Readable): Promise<ReceiveResult>;
  remove(ref: BlobRef): Promise<void>;
  /** Drops an unfinished upload (waits for one under way). */
  discardPartial(ref: BlobRef): Promise<void>;
  /** Removes partial uploads untouched for `olderThanMs`; returns how many. */
  prunePartials(olderThanMs: number): Promise<number>;
  usage(): Promise<BlobStoreUsage>;
}

export interface ReceiveResult {
  /** The blob is committed (now or before). */
  complete: boolean;
  /** Bytes taken from this stream. */
  received: number;
  /** Bytes held now: the offset to resume from, or the size when complete. */
  offset: number;
}

export interface BlobStoreUsage {
  blobs: number;
  bytes: number;
  partials: number;
  partialBytes: number;
}

export interface BlobStoreOptions {
  /** Stream buffer size; small values bound memory per transfer (default 64 KiB). */
  highWaterMark?: number;
  /** How long an upload waits for another upload of the same blob to finish (default 10 s). */
  lockWaitMs?: number;
}

export class BlobNotFound extends Error {
  constructor(
    readonly ref: BlobRef,
    dir: string,
  ) {
    super(`blob ${blobKey(ref)} is not in the store ${dir}`);
    this.name = 'BlobNotFound';
  }
}

/** The bytes received do not hash to the name they were sent under. */
export class BlobMismatch extends Error {
  constructor(
    readonly expected: BlobRef,
    readonly found: BlobRef,
  ) {
    super(`received bytes do not match the blob: expected sha256 ${expected.sha256} size ${expected.size}, found sha256 ${found.sha256} size ${found.size}; nothing was stored`);
    this.name = 'BlobMismatch';
  }
}

/** An upload resumes only where the partial file ends. */
export class OffsetMismatch extends Error {
  constructor(
    readonly ref: BlobRef,
    readonly held: number,
    readonly given: number,
  ) {
    super(`upload of ${blobKey(ref)} sent at offset ${given}, but the store holds ${held} bytes: resume at offset ${held}`);
    this.name = 'OffsetMismatch';
  }
}

/** More bytes than the blob has left. */
export class BlobTooLong extends Error {
  constructor(
    readonly ref: BlobRef,
    readonly offset: number,
  ) {
    super(`upload of ${blobKey(ref)} at offset ${offset} sent more than the ${ref.size - offset} bytes left`);
    this.name = 'BlobTooLong';
  }
}

/** Another upload of the same blob held it for longer than the store waits. */
export class UploadBusy extends Error {
  constructor(readonly ref: BlobRef) {
    super(`another upload of ${blobKey(ref)} is under way; retry shortly`);
    this.name = 'UploadBusy';
  }
}

export function createBlobStore(dir: string, options: BlobStoreOptions = {}): BlobStore {
  const root = path.resolve(dir);
  const blobsDir = path.join(root, 'blobs');
  const partialDir = path.join(root, 'partial');
  const tmpDir = path.join(root, 'tmp');
  for (const d of [blobsDir, partialDir, tmpDir]) fs.mkdirSync(d, { recursive: true });
  const highWaterMark = options.highWaterMark ?? 64 * 1024;
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  const locks = new Map<string, Promise<void>>();

  // Refs are validated before a path is built from them; the check below is the second fence.
  const confined = (file: string): string => {
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`path ${file} escapes the blob store ${root}`);
    return file;
  };
  const committedPath = (ref: BlobRef) => confined(path.join(blobsDir, ref.sha256.slice(0, 2), blobKey(ref)));
  const partialPath = (ref: BlobRef) => confined(path.join(partialDir, `${blobKey(ref)}.part`));
  const sizeOf = (file: string): number | null => {
    try {
      return fs.statSync(file).size;
    } catch {
      return null;
    }
  };
  /** Files put before, by path: their identity when hashed and the blob they made (oldest first). */
  const stored = new Map<string, { identity: string; ref: BlobRef }>();
  const has = (ref: BlobRef): boolean => sizeOf(committedPath(parseBlobRef(ref))) === ref.size;
  const partialSize = (value: BlobRef): number => {
    const ref = parseBlobRef(value);
    if (has(ref)) return 0;
    return sizeOf(partialPath(ref)) ?? 0;
  };

  const lock = async (ref: BlobRef): Promise<() => void> => {
    const key = blobKey(ref);
    const deadline = Date.now() + lockWaitMs;
    for (let held = locks.get(key); held; held = locks.get(key)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new UploadBusy(ref);
      await Promise.race([held, sleep(left, undefined, { ref: false })]);
    }
    let release!: () => void;
    locks.set(key, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      locks.delete(key);
      release();
    };
  };

  /** Flushes a finished file and renames it into place; an existing copy has the same bytes. */
  const commit = async (file: string, ref: BlobRef): Promise<void> => {
    const handle = await fsp.open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const target = committedPath(ref);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(file, target);
  };

  const hashPrefix = async (file: string, length: number, hash: crypto.Hash): Promise<void> => {
    if (length === 0) return;
    for await (const chunk of fs.createReadStream(file, { start: 0, end: length - 1, highWaterMark })) hash.update(chunk as Buffer);
  };

  return {
    dir: root,
    has,
    missing(refs) {
      const seen = new Set<string>();
      const out: BlobRef[] = [];
      refs.forEach((value, i) => {
        const ref = parseBlobRef(value, `blobs.${i}`);
        const key = blobKey(ref);
        if (seen.has(key)) return;
        seen.add(key);
        if (!has(ref)) out.push(ref);
      });
      return out;
    },
    path(value) {
      const ref = parseBlobRef(value);
      if (!has(ref)) throw new BlobNotFound(ref, root);
      return committedPath(ref);
    },
    async putFile(file) {
      // The same scene leased again (a turntable's frames, a batch of stills) is not copied and
      // hashed again: the file is known by its identity, which any write changes (ctime cannot
      // be set back), and its blob is still here.
      const before = await fsp.stat(file, { bigint: true });
      const identity = `${before.dev}:${before.ino}:${before.size}:${before.mtimeNs}:${before.ctimeNs}`;
      const known = stored.get(file);
      if (known && known.identity === identity && has(known.ref)) return known.ref;
      const tmp = path.join(tmpDir, `${crypto.randomUUID()}.tmp`);
      try {
        // A reflink where the file system has them, a kernel copy otherwise; the copy is hashed,
        // so what is stored is exactly what was named.
        await fsp.copyFile(file, tmp, fs.constants.COPYFILE_FICLONE);
        const size = (await fsp.stat(tmp)).size;
        checkSize(size, file);
        const ref: BlobRef = { sha256: await sha256File(tmp), size };
        if (has(ref)) await fsp.rm(tmp, { force: true });
        else await commit(tmp, ref);
        // Remembered only if the file did not change while it was copied.
        const after = await fsp.stat(file, { bigint: true });
        if (`${after.dev}:${after.ino}:${after.size}:${after.mtimeNs}:${after.ctimeNs}` === identity) {
          if (stored.size >= STORED_FILES_KEPT) stored.delete(stored.keys().next().value as string);
          stored.set(file, { identity, ref });
        }
        return ref;
      } catch (error) {
        await fsp.rm(tmp, { force: true });
        throw error;
      }
    },
    partialSize,
    async receive(value, offset, stream) {
      const ref = parseBlobRef(value);
      if (!Number.isInteger(offset) || offset < 0 || offset > ref.size) {
        throw new OffsetMismatch(ref, partialSize(ref), offset);
      }
      if (has(ref)) return { complete: true, received: 0, offset: ref.size };
      const release = await lock(ref);
      try {
        if (has(ref)) return { complete: true, received: 0, offset: ref.size };
        const part = partialPath(ref);
        let held = sizeOf(part) ?? 0;
        if (held > ref.size) {
          // Cannot be a prefix of this blob: start over.
          await fsp.rm(part, { force: true });
          held = 0;
        }
        if (held !== offset) throw new OffsetMismatch(ref, held, offset);
        const hash = crypto.createHash('sha256');
        await hashPrefix(part, offset, hash);
        const left = ref.size - offset;
        let received = 0;
        const meter = new Transform({
          highWaterMark,
          transform(chunk: Buffer, _encoding, callback) {
            if (received + chunk.length > left) return callback(new BlobTooLong(ref, offset));
            received += chunk.length;
            hash.update(chunk);
            callback(null, chunk);
          },
        });
        const out = fs.createWriteStream(part, { flags: 'a', highWaterMark });
        try {
          await pipeline(stream, meter, out);
        } finally {
          // No write of this upload may land after the lock is released to the next one.
          if (!out.closed) await once(out, 'close');
        }
        if (offset + received < ref.size) return { complete: false, received, offset: offset + received };
        const found = hash.digest('hex');
        if (found !== ref.sha256) {
          await fsp.rm(part, { force: true });
          throw new BlobMismatch(ref, { sha256: found, size: offset + received });
        }
        await commit(part, ref);
        return { complete: true, received, offset: ref.size };
      } finally {
        release();
      }
    },
    async remove(value) {
      const ref = parseBlobRef(value);
      await fsp.rm(committedPath(ref), { force: true });
    },
    async discardPartial(value) {
      const ref = parseBlobRef(value);
      const release = await lock(ref);
      try {
        await fsp.rm(partialPath(ref), { force: true });
      } finally {
        release();
      }
    },
    async prunePartials(olderThanMs) {
      let removed = 0;
      const before = Date.now() - olderThanMs;
      for (const name of await fsp.readdir(partialDir)) {
        const file = path.join(partialDir, name);
        const key = name.replace(/\.part$/, '');
        if (locks.has(key)) continue;
        const stat = await fsp.stat(file).catch(() => null);
        if (stat && stat.mtimeMs < before) {
          await fsp.rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
    async usage() {
      const usage: BlobStoreUsage = { blobs: 0, bytes: 0, partials: 0, partialBytes: 0 };
      for (const bucket of await fsp.readdir(blobsDir)) {
        for (const name of await fsp.readdir(path.join(blobsDir, bucket))) {
          const size = Number(name.split('-')[1]);
          usage.blobs += 1;
          usage.bytes += Number.isFinite(size) ? size : 0;
        }
      }
      for (const name of await fsp.readdir(partialDir)) {
        usage.partials += 1;
        usage.partialBytes += sizeOf(path.join(partialDir, name)) ?? 0;
      }
      return usage;
    },
  };
}
