import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidBlobRef, MAX_BLOB_BYTES, type BlobRef } from './blob-ref';
import { BlobMismatch, BlobNotFound, BlobTooLong, OffsetMismatch, createBlobStore, type BlobStore } from './blob-store';

let tmp: string;
let store: BlobStore;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-blob-store-'));
  store = createBlobStore(path.join(tmp, 'store'), { lockWaitMs: 2_000 });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const refOf = (bytes: Buffer): BlobRef => ({ sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length });

/** A stream that hands over `bytes` in small chunks, with a pause between them. */
function slowStream(bytes: Buffer, chunk = 4096, pauseMs = 1): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < bytes.length; i += chunk) {
        yield bytes.subarray(i, i + chunk);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    })(),
  );
}

describe('blob store', () => {
  it('adds a local file by content; later edits of the file do not change the blob', async () => {
    const bytes = crypto.randomBytes(300_000);
    const file = path.join(tmp, 'scene.glb');
    fs.writeFileSync(file, bytes);
    const ref = await store.putFile(file);
    expect(ref).toEqual(refOf(bytes));
    expect(store.has(ref)).toBe(true);
    fs.writeFileSync(file, 'edited');
    expect(fs.readFileSync(store.path(ref)).equals(bytes)).toBe(true);
    expect(await store.putFile(file)).toEqual(refOf(Buffer.from('edited')));
    expect(await store.usage()).toEqual({ blobs: 2, bytes: bytes.length + 6, partials: 0, partialBytes: 0 });
    expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
    expect(store.missing([ref, refOf(Buffer.from('other')), refOf(Buffer.from('other'))])).toEqual([refOf(Buffer.from('other'))]);
  });

  it('a file put again is known by its identity; a same-size rewrite with its mtime set back, or a removed blob, is read again', async () => {
    const file = path.join(tmp, 'frames.glb');
    const first = Buffer.alloc(4096, 1);
    fs.writeFileSync(file, first);
    const ref = await store.putFile(file);
    expect(await store.putFile(file)).toEqual(ref);
    const { atime, mtime } = fs.statSync(file);
    const second = Buffer.alloc(4096, 2);
    fs.writeFileSync(file, second);
    fs.utimesSync(file, atime, mtime); // same size, same mtime: only ctime tells
    expect(await store.putFile(file)).toEqual(refOf(second));
    const again = await store.putFile(file);
    await store.remove(again);
    expect(store.has(again)).toBe(false);
    expect(await store.putFile(file)).toEqual(again);
    expect(store.has(again)).toBe(true);
  });

  it('refuses hostile and malformed refs with the field and the value found', () => {
    const good = 'a'.repeat(64);
    const cases: Array<[unknown, string, string]> = [
      [{ sha256: '../..', size: 1 }, 'sha256', '"../.."'],
      [{ sha256: `../../${good}`, size: 1 }, 'sha256', '../../'],
      [{ sha256: good.toUpperCase(), size: 1 }, 'sha256', good.toUpperCase().slice(0, 20)],
      [{ sha256: good, size: -1 }, 'size', 'found -1'],
      [{ sha256: good, size: 1.5 }, 'size', 'found 1.5'],
      [{ sha256: good, size: MAX_BLOB_BYTES }, 'size', `found ${MAX_BLOB_BYTES}`],
      [{ sha256: good, size: '5' }, 'size', 'found "5"'],
      [null, '', 'found null'],
    ];
    for (const [ref, field, found] of cases) {
      for (const call of [() => store.has(ref as BlobRef), () => store.path(ref as BlobRef), () => store.partialSize(ref as BlobRef)]) {
        let error: unknown;
        try {
          call();
        } catch (thrown) {
          error = thrown;
        }
        expect(error, JSON.stringify(ref)).toBeInstanceOf(InvalidBlobRef);
        expect((error as InvalidBlobRef).path).toBe(field);
        expect((error as Error).message).toContain(found);
      }
    }
    expect(() => store.missing([{ sha256: good, size: 1 }, { sha256: '..', size: 1 }])).toThrow(/blobs\.1\.sha256 must be 64 lowercase hex digits, found "\.\."/);
    // Nothing was created outside the store while refusing.
    expect(fs.readdirSync(tmp)).toEqual(['store']);
  });

  it('names an absent blob clearly', () => {
    const ref = refOf(Buffer.from('absent'));
    expect(() => store.path(ref)).toThrow(BlobNotFound);
    expect(() => store.path(ref)).toThrow(`blob ${ref.sha256}-6 is not in the store ${store.dir}`);
  });

  it('receives in pieces from the offset held, and commits only on the last byte', async () => {
    const bytes = crypto.randomBytes(200_000);
    const ref = refOf(bytes);
    expect(await store.receive(ref, 0, Readable.from([bytes.subarray(0, 70_000)]))).toEqual({ complete: false, received: 70_000, offset: 70_000 });
    expect(store.partialSize(ref)).toBe(70_000);
    expect(store.has(ref)).toBe(false);
    const wrong = await store.receive(ref, 0, Readable.from([bytes])).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(OffsetMismatch);
    expect((wrong as Error).message).toBe(`upload of ${ref.sha256}-200000 sent at offset 0, but the store holds 70000 bytes: resume at offset 70000`);
    expect(store.partialSize(ref)).toBe(70_000);
    expect(await store.receive(ref, 70_000, slowStream(bytes.subarray(70_000)))).toEqual({ complete: true, received: 130_000, offset: 200_000 });
    expect(fs.readFileSync(store.path(ref)).equals(bytes)).toBe(true);
    expect(store.partialSize(ref)).toBe(0);
    expect(await store.usage()).toMatchObject({ blobs: 1, partials: 0 });
    // An empty blob is a blob too.
    const empty = refOf(Buffer.alloc(0));
    expect(await store.receive(empty, 0, Readable.from([]))).toMatchObject({ complete: true });
    expect(fs.statSync(store.path(empty)).size).toBe(0);
  });

  it('discards bytes that do not hash to their name, naming expected and found', async () => {
    const bytes = crypto.randomBytes(50_000);
    const ref = refOf(bytes);
    const damaged = Buffer.from(bytes);
    damaged[12_345] = (damaged[12_345] ?? 0) ^ 0xff;
    await store.receive(ref, 0, Readable.from([damaged.subarray(0, 20_000)]));
    const error = await store.receive(ref, 20_000, Readable.from([damaged.subarray(20_000)])).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BlobMismatch);
    expect((error as Error).message).toContain(`expected sha256 ${ref.sha256} size 50000, found sha256 ${refOf(damaged).sha256} size 50000`);
    expect(store.has(ref)).toBe(false);
    expect(store.partialSize(ref)).toBe(0);
    expect(await store.usage()).toEqual({ blobs: 0, bytes: 0, partials: 0, partialBytes: 0 });
  });

  it('refuses more bytes than the blob has left', async () => {
    const bytes = crypto.randomBytes(10_000);
    const ref = refOf(bytes);
    const error = await store.receive(ref, 0, Readable.from([bytes, Buffer.from('extra')])).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BlobTooLong);
    expect(store.has(ref)).toBe(false);
  });

  it('keeps a blob whole when two uploads of it race, and a third resumes after a cut one', async () => {
    const bytes = crypto.randomBytes(400_000);
    const ref = refOf(bytes);
    const results = await Promise.allSettled([store.receive(ref, 0, slowStream(bytes)), store.receive(ref, 0, slowStream(bytes))]);
    // The second waited for the first, then found the blob committed.
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(results.map((r) => (r as PromiseFulfilledResult<{ received: number }>).value.received).sort((a, b) => a - b)).toEqual([0, 400_000]);
    expect(fs.readFileSync(store.path(ref)).equals(bytes)).toBe(true);

    // A stream that errors half way (a cut connection) keeps what was written, to resume from.
    const other = crypto.randomBytes(300_000);
    const otherRef = refOf(other);
    const cut = Readable.from(
      (async function* () {
        yield other.subarray(0, 100_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('connection reset');
      })(),
    );
    await expect(store.receive(otherRef, 0, cut)).rejects.toThrow('connection reset');
    const held = store.partialSize(otherRef);
    expect(held).toBe(100_000);
    expect(await store.receive(otherRef, held, Readable.from([other.subarray(held)]))).toMatchObject({ complete: true });
    expect(fs.readFileSync(store.path(otherRef)).equals(other)).toBe(true);
  });

  it('prunes stale partial uploads and removes blobs', async () => {
    const bytes = crypto.randomBytes(1000);
    const ref = refOf(bytes);
    await store.receive(ref, 0, Readable.from([bytes.subarray(0, 10)]));
    expect(await store.prunePartials(60_000)).toBe(0);
    expect(await store.prunePartials(-1)).toBe(1);
    expect(store.partialSize(ref)).toBe(0);
    await store.receive(ref, 0, Readable.from([bytes]));
    await store.remove(ref);
    expect(store.has(ref)).toBe(false);
  });
});
