import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUploads, UPLOAD_IDLE_MS } from './uploads';
import { makeTempDir } from '../../testing/temp-dir';

describe('chunked uploads', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  const parts = () => fs.readdirSync(path.join(tmp.dir, 'uploads')).filter((n) => n.endsWith('.part')).sort();

  it('sweeps stale .part files at start, leaving a fresh one (another process may be uploading)', () => {
    const dir = path.join(tmp.dir, 'uploads');
    fs.mkdirSync(dir);
    const stale = path.join(dir, 'a'.repeat(32) + '.part');
    const fresh = path.join(dir, 'b'.repeat(32) + '.part');
    fs.writeFileSync(stale, 'half a STEP file');
    fs.writeFileSync(fresh, 'being written');
    const old = new Date(Date.now() - UPLOAD_IDLE_MS - 60_000);
    fs.utimesSync(stale, old, old);
    createUploads(tmp.dir);
    expect(parts()).toEqual([path.basename(fresh)]);
  });

  it('expires an upload that received nothing for the idle time: its .part is removed and its id forgotten', () => {
    let clock = 1_000_000;
    const uploads = createUploads(tmp.dir, { now: () => clock, idleMs: 60_000 });
    const abandoned = uploads.begin('a.step', 10);
    const active = uploads.begin('b.step', 10);
    uploads.chunk(abandoned.uploadId, 0, Buffer.from('abc').toString('base64'));
    clock += 40_000;
    uploads.chunk(active.uploadId, 0, Buffer.from('abc').toString('base64'));
    clock += 30_000;
    expect(uploads.chunk(active.uploadId, 3, Buffer.from('defghij').toString('base64'))).toEqual({ received: 10, bytes: 10 });
    expect(parts()).toEqual([`${active.uploadId}.part`]);
    expect(() => uploads.chunk(abandoned.uploadId, 3, Buffer.from('d').toString('base64'))).toThrow(/no upload .* in progress/);
    expect(uploads.finish(active.uploadId).fileName).toBe('b.step');
  });
});
