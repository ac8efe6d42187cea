import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CAD_UPLOAD_CHUNK_BYTES } from '../../../shared/cad/api';
import { ApiFailure } from '../../../shared/contract/errors';

interface Upload {
  fileName: string;
  bytes: number;
  received: number;
  file: string;
  /** When it last received a chunk (or began). */
  touched: number;
}

/** An upload that received nothing for this long is abandoned: its `.part` file is removed. */
export const UPLOAD_IDLE_MS = 60 * 60 * 1000;

export interface UploadOptions {
  idleMs?: number;
  now?: () => number;
}

/**
 * Chunked uploads into `<dataDir>/uploads/`: one message carries at most MAX_MESSAGE_BYTES, CAD files
 * are bigger. Chunks must arrive in order; an upload lives in this process only. Abandoned uploads
expire after UPLOAD_IDLE_MS without a chunk, and stale `.part` files are swept at start.
 */
export function createUploads(dataDir: string, options: UploadOptions = {}) {
  const dir = path.join(dataDir, 'uploads');
  const idleMs = options.idleMs ?? UPLOAD_IDLE_MS;
  const now = options.now ?? Date.now;
  const uploads = new Map<string, Upload>();
  /**
   * Forgets uploads idle for idleMs and removes every `.part` file untouched that long: this
   * process's abandoned uploads and those of a process that ended mid-upload (another process on
   * the same data directory may be uploading, so a fresh `.part` is left alone).
   */
  const sweep = (): void => {
    const cutoff = now() - idleMs;
    for (const [id, upload] of uploads) {
      if (upload.touched > cutoff) continue;
      uploads.delete(id);
      fs.rmSync(upload.file, { force: true });
    }
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(dir, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat?.isFile() && stat.mtimeMs <= cutoff && !uploads.has(name.slice(0, -'.part'.length))) fs.rmSync(file, { force: true });
    }
  };
  sweep();
  const find = (id: string): Upload => {
    sweep();
    const upload = uploads.get(id);
    if (!upload) throw new ApiFailure('not_found', `no upload "${id}" in progress (uploads do not survive a restart)`, 'uploadId');
    return upload;
  };
  return {
    begin(fileName: string, bytes: number): { uploadId: string; chunkBytes: number } {
      sweep();
      fs.mkdirSync(dir, { recursive: true });
      const uploadId = crypto.randomBytes(16).toString('hex');
      const file = path.join(dir, `${uploadId}.part`);
      fs.writeFileSync(file, '');
      uploads.set(uploadId, { fileName, bytes, received: 0, file, touched: now() });
      return { uploadId, chunkBytes: CAD_UPLOAD_CHUNK_BYTES };
    },
    chunk(uploadId: string, offset: number, base64: string): { received: number; bytes: number } {
      const upload = find(uploadId);
      if (offset !== upload.received) throw new ApiFailure('bad_chunk', `chunk at byte ${offset}, expected byte ${upload.received}`, 'offset');
      const data = Buffer.from(base64, 'base64');
      if (data.length === 0) throw new ApiFailure('bad_chunk', 'empty chunk', 'base64');
      if (data.length > CAD_UPLOAD_CHUNK_BYTES) throw new ApiFailure('bad_chunk', `chunk of ${data.length} bytes exceeds ${CAD_UPLOAD_CHUNK_BYTES}`, 'base64');
      if (upload.received + data.length > upload.bytes) throw new ApiFailure('bad_chunk', `more bytes than the ${upload.bytes} announced`, 'base64');
      fs.appendFileSync(upload.file, data);
      upload.received += data.length;
      upload.touched = now();
      return { received: upload.received, bytes: upload.bytes };
    },
    /** The complete file and its name; the caller imports it, then calls discard. */
    finish(uploadId: string): { file: string; fileName: string } {
      const upload = find(uploadId);
      if (upload.received !== upload.bytes) throw new ApiFailure('incomplete_upload', `upload has ${upload.received} of ${upload.bytes} bytes`, 'uploadId');
      return { file: upload.file, fileName: upload.fileName };
    },
    discard(uploadId: string): void {
      const upload = uploads.get(uploadId);
      uploads.delete(uploadId);
      if (upload) fs.rmSync(upload.file, { force: true });
    },
  };
}
