import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidBlobRef, type BlobRef } from './blob-ref';
import { BlobRequestRefused, createBlobClient, hashFile, type BlobClient, type BlobClientOptions } from './blob-client';
import { handleBlobRequest } from './blob-routes';
import { BlobMismatch, createBlobStore, type BlobStore } from './blob-store';

const TOKEN = 'test-token-7f3a9c';
const PREFIX = '/agent/blobs/';

interface Seen {
  method: string;
  url: string;
  range: string | undefined;
  bodyBytes: number;
  status: number;
}

/**
 * A controller stand-in: a real HTTP(S) server on loopback that authenticates (as the agent
 * protocol will) and mounts the blob routes under a prefix, recording every request it served.
 */
async function startController(store: BlobStore, tls?: { cert: string; key: string }) {
  const seen: Seen[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const entry: Seen = { method: req.method ?? '', url: req.url ?? '', range: req.headers.range, bodyBytes: 0, status: 0 };
    seen.push(entry);
    // Counted as the parser hands body bytes over: a 'data' listener would start the flow early.
    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk) entry.bodyBytes += (chunk as Buffer).length;
      return push(chunk, encoding);
    };
    // The status sent, also for an answer cut off mid-body.
    res.on('close', () => (entry.status = res.headersSent ? res.statusCode : 0));
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'Content-Type': 'application/json', Connection: 'close' });
      return void res.end(JSON.stringify({ code: 'unauthorized', message: 'missing or wrong token', path: '' }));
    }
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (!pathname.startsWith(PREFIX)) return void res.writeHead(404).end();
    handleBlobRequest(store, req, res, pathname.slice(PREFIX.length), { highWaterMark: 16 * 1024, uploadIdleTimeoutMs: 1_000 }).catch((error: unknown) => {
      console.error(error);
      res.destroy();
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${PREFIX}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP relay in front of the controller that can cut the link (both sockets destroyed) once
 * `cutAfter` bytes have passed in one direction, or flip one byte in flight: a real broken or
 * corrupting network, not a mocked one.
 */
async function startRelay(targetPort: number) {
  const state: { fault: { direction: 'up' | 'down'; after: number; kind: 'cut' | 'flip'; passed: number } | null; cuts: number } = { fault: null, cuts: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const relay = (from: net.Socket, to: net.Socket, direction: 'up' | 'down') => {
      from.on('data', (chunk: Buffer) => {
        const f = state.fault;
        if (f && f.direction === direction) {
          if (f.passed + chunk.length > f.after) {
            const at = f.after - f.passed;
            state.fault = null;
            if (f.kind === 'cut') {
              state.cuts += 1;
              to.write(chunk.subarray(0, at), () => {
                client.destroy();
                upstream.destroy();
              });
              return;
            }
            chunk = Buffer.from(chunk);
            chunk[at] = (chunk[at] ?? 0) ^ 0xff;
          } else f.passed += chunk.length;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    };
    relay(client, upstream, 'up');
    relay(upstream, client, 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    arm: (direction: 'up' | 'down', after: number, kind: 'cut' | 'flip' = 'cut') => (state.fault = { direction, after, kind, passed: 0 }),
    get cuts() {
      return state.cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let tmp: string;
let store: BlobStore;
let controller: Awaited<ReturnType<typeof startController>>;
const clients: BlobClient[] = [];

function client(over: Partial<BlobClientOptions> = {}): BlobClient {
  const c = createBlobClient({ baseUrl: controller.url, token: TOKEN, highWaterMark: 16 * 1024, ...over });
  clients.push(c);
  return c;
}

function writeRandom(name: string, size: number): string {
  const file = path.join(tmp, name);
  const fd = fs.openSync(file, 'w');
  for (let left = size; left > 0; left -= 1 << 20) fs.writeSync(fd, crypto.randomBytes(Math.min(left, 1 << 20)));
  fs.closeSync(fd);
  return file;
}

const sameBytes = (a: string, b: string) => fs.readFileSync(a).equals(fs.readFileSync(b));
const puts = () => controller.seen.filter((s) => s.method === 'PUT');

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-blob-transfer-'));
  store = createBlobStore(path.join(tmp, 'controller-store'), { highWaterMark: 16 * 1024, lockWaitMs: 3_000 });
  controller = await startController(store);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await controller.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('blob transfer over HTTP', () => {
  it('uploads only the blobs the controller lacks; a second pass sends no bytes', async () => {
    const files = [writeRandom('a.glb', 300_000), writeRandom('b.png', 70_000), writeRandom('c.png', 5)];
    fs.copyFileSync(files[1] as string, path.join(tmp, 'b-copy.png'));
    files.push(path.join(tmp, 'b-copy.png'));
    const preloaded = await store.putFile(files[0] as string);
    const agent = client();

    const refs = await agent.ensureUploaded(files);
    expect(refs).toEqual(await Promise.all(files.map(hashFile)));
    expect(refs[0]).toEqual(preloaded);
    // The preloaded scene and the duplicate texture were not sent.
    expect(puts().map((s) => s.bodyBytes).sort((a, b) => a - b)).toEqual([5, 70_000]);
    expect(agent.stats().bytesUploaded).toBe(70_005);
    for (const [i, ref] of refs.entries()) expect(sameBytes(store.path(ref), files[i] as string)).toBe(true);

    const before = controller.seen.length;
    expect(await agent.ensureUploaded(files)).toEqual(refs);
    expect(agent.stats().bytesUploaded).toBe(70_005);
    expect(controller.seen.slice(before).map((s) => `${s.method} ${s.bodyBytes > 0 ? 'with body' : ''}`)).toEqual(['POST with body']);
    expect(puts()).toHaveLength(2);
    // The token went as a header only.
    expect(controller.seen.every((s) => !s.url.includes(TOKEN))).toBe(true);
  });

  it('resumes an upload cut mid-way from the offset the controller holds, and the result verifies', async () => {
    const relay = await startRelay(controller.port);
    try {
      const size = 8 * 1024 * 1024;
      const file = writeRandom('scene.glb', size);
      const agent = client({ baseUrl: relay.url });
      relay.arm('up', 3 * 1024 * 1024);
      const [ref] = await agent.ensureUploaded([file]);
      expect(relay.cuts).toBe(1);
      const uploads = puts();
      expect(uploads.length).toBeGreaterThanOrEqual(2);
      const resumedAt = Number(new URL(uploads.at(-1)?.url ?? '', 'http://x').searchParams.get('offset'));
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThanOrEqual(3 * 1024 * 1024);
      // The controller asked nothing twice: what it held was not resent.
      expect(uploads.reduce((sum, s) => sum + s.bodyBytes, 0)).toBeLessThan(size + 3 * 1024 * 1024);
      expect(uploads.at(-1)?.status).toBe(201);
      expect(sameBytes(store.path(ref as BlobRef), file)).toBe(true);
      expect(store.partialSize(ref as BlobRef)).toBe(0);
    } finally {
      await relay.close();
    }
  });

  it('keeps a blob whole when two agents upload it at once', async () => {
    const file = writeRandom('shared.glb', 4 * 1024 * 1024);
    const [a, b] = await Promise.all([client().ensureUploaded([file]), client().ensureUploaded([file])]);
    expect(a).toEqual(b);
    const ref = a?.[0] as BlobRef;
    expect(sameBytes(store.path(ref), file)).toBe(true);
    expect(await store.usage()).toMatchObject({ blobs: 1, partials: 0 });
    expect(puts().filter((s) => s.status === 201)).toHaveLength(puts().length);
  });

  it('cuts an upload that stalls, freeing the blob for the next upload to resume', async () => {
    const file = writeRandom('scene.glb', 1024 * 1024);
    const ref = await hashFile(file);
    // A peer that sends headers and 100 000 bytes, then nothing, and never hangs up.
    const stalled = net.connect(controller.port, '127.0.0.1');
    stalled.on('error', () => undefined);
    stalled.write(
      `PUT ${PREFIX}${ref.sha256}?size=${ref.size}&offset=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Length: ${ref.size}\r\n\r\n`,
    );
    stalled.write(fs.readFileSync(file).subarray(0, 100_000));
    const closed = new Promise((resolve) => stalled.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const agent = client();
    await agent.upload(file, ref);
    await closed;
    expect(sameBytes(store.path(ref), file)).toBe(true);
    // The agent's upload waited for the stalled one to be cut, then sent only what was missing.
    expect(puts().at(-1)).toMatchObject({ url: expect.stringContaining('offset=100000') as string, bodyBytes: ref.size - 100_000, status: 201 });
  });

  it('names a local file that cannot be read, without retrying', async () => {
    const agent = client();
    const gone = path.join(tmp, 'gone.glb');
    await expect(agent.ensureUploaded([gone])).rejects.toThrow(/ENOENT.*gone\.glb/);
    await expect(agent.upload(gone, { sha256: 'ab'.repeat(32), size: 3 })).rejects.toThrow(/ENOENT/);
    expect(agent.stats().requests).toBe(0);
  });

  it('refuses a corrupted upload and commits nothing', async () => {
    const relay = await startRelay(controller.port);
    try {
      const file = writeRandom('scene.glb', 2 * 1024 * 1024);
      const ref = await hashFile(file);
      const agent = client({ baseUrl: relay.url });
      // One byte flipped in flight, a megabyte into the body.
      relay.arm('up', 1024 * 1024, 'flip');
      const error = await agent.ensureUploaded([file]).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(BlobRequestRefused);
      expect((error as BlobRequestRefused).status).toBe(422);
      expect((error as BlobRequestRefused).code).toBe('blob_mismatch');
      expect((error as Error).message).toMatch(new RegExp(`expected sha256 ${ref.sha256} size ${ref.size}, found sha256 [0-9a-f]{64} size ${ref.size}`));
      expect(store.has(ref)).toBe(false);
      expect(await store.usage()).toEqual({ blobs: 0, bytes: 0, partials: 0, partialBytes: 0 });
      // Named under another file's ref, the bytes are refused just the same.
      const other = await hashFile(writeRandom('other.bin', ref.size));
      await expect(agent.upload(file, other)).rejects.toThrow(/refused \(422\).*expected sha256/);
      expect(store.has(other)).toBe(false);
    } finally {
      await relay.close();
    }
  });

  it('refuses hostile refs with a clear error, on the wire and in the client', async () => {
    const raw = async (method: string, url: string, body?: string) => {
      const res = await fetch(`http://127.0.0.1:${controller.port}${PREFIX}${url}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      return { status: res.status, body: method === 'HEAD' ? null : ((await res.json()) as { code: string; message: string; path: string }) };
    };
    const sha = 'ab'.repeat(32);
    expect(await raw('GET', '..%2F..%2F..%2Fetc%2Fpasswd?size=1')).toEqual({
      status: 400,
      body: { code: 'invalid_input', message: 'sha256 must be 64 lowercase hex digits, found "../../../etc/passwd"', path: 'sha256' },
    });
    expect((await raw('PUT', `${sha.toUpperCase()}?size=1`, 'x')).body?.path).toBe('sha256');
    expect(await raw('GET', `${sha}?size=-1`)).toMatchObject({ status: 400, body: { path: 'size', message: 'size must be a decimal integer, found "-1"' } });
    expect(await raw('GET', `${sha}`)).toMatchObject({ status: 400, body: { path: 'size', message: 'size must be a decimal integer, found null' } });
    expect(await raw('PUT', `${sha}?size=1&offset=2`, 'x')).toMatchObject({ status: 400, body: { path: 'offset' } });
    expect(await raw('PUT', `${sha}?size=1`, 'xyz')).toMatchObject({ status: 413, body: { code: 'too_large' } });
    expect(await raw('HEAD', `..%2F..?size=1`)).toEqual({ status: 400, body: null });
    expect(await raw('POST', 'check', JSON.stringify({ blobs: [{ sha256: sha, size: 1 }, { sha256: '../x', size: 1 }] }))).toEqual({
      status: 400,
      body: { code: 'invalid_input', message: 'blobs.1.sha256 must be 64 lowercase hex digits, found "../x"', path: 'blobs.1.sha256' },
    });
    expect(await raw('POST', 'check', '{"blobs": 3}')).toMatchObject({ status: 400, body: { path: 'blobs' } });
    expect(await raw('POST', 'check', 'not json')).toMatchObject({ status: 400, body: { code: 'bad_request' } });
    expect(await raw('DELETE', `${sha}?size=1`)).toMatchObject({ status: 405 });
    expect(fs.readdirSync(tmp)).toEqual(['controller-store']);

    const agent = client();
    const error = await agent.missing([{ sha256: '../..', size: 1 }]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidBlobRef);
    expect((error as Error).message).toBe('refs.0.sha256 must be 64 lowercase hex digits, found "../.."');
    await expect(agent.download({ sha256: sha, size: -4 }, path.join(tmp, 'x'))).rejects.toThrow('size must be an integer from 0');
    expect(agent.stats().requests).toBe(0);
  });

  it('asks the caller to resume at the offset it holds (409 naming both), and answers HEAD with Upload-Offset', async () => {
    const bytes = crypto.randomBytes(100_000);
    const ref: BlobRef = { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    const url = `http://127.0.0.1:${controller.port}${PREFIX}${ref.sha256}?size=${ref.size}`;
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const first = await fetch(`${url}&offset=0`, { method: 'PUT', headers: auth, body: bytes.subarray(0, 40_000) });
    expect(first.status).toBe(202);
    expect(first.headers.get('upload-offset')).toBe('40000');
    const head = await fetch(url, { method: 'HEAD', headers: auth });
    expect([head.status, head.headers.get('upload-offset')]).toEqual([404, '40000']);
    const wrong = await fetch(`${url}&offset=10`, { method: 'PUT', headers: auth, body: bytes.subarray(10) });
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get('upload-offset')).toBe('40000');
    expect(await wrong.json()).toEqual({
      code: 'offset_mismatch',
      message: `upload of ${ref.sha256}-100000 sent at offset 10, but the store holds 40000 bytes: resume at offset 40000`,
      path: 'offset',
    });
    // The client finds the partial through the 409 and sends only the rest.
    const file = path.join(tmp, 'blob.bin');
    fs.writeFileSync(file, bytes);
    const agent = client();
    await agent.upload(file, ref);
    // The PUT at offset 0 was refused after its first bytes; the next sent the 60 000 left, once.
    expect(puts().slice(-1)).toMatchObject([{ url: expect.stringContaining('offset=40000') as string, bodyBytes: 60_000, status: 201 }]);
    expect(agent.stats().bytesUploaded).toBeLessThan(100_000 + 60_000);
    expect(fs.readFileSync(store.path(ref)).equals(bytes)).toBe(true);
    expect((await fetch(url, { method: 'HEAD', headers: auth })).status).toBe(200);
  });

  it('downloads verified, resumes a cut download with a Range, and starts over from a damaged part file', async () => {
    const relay = await startRelay(controller.port);
    try {
      const size = 6 * 1024 * 1024;
      const source = writeRandom('frame.exr', size);
      const ref = await store.putFile(source);
      const agent = client({ baseUrl: relay.url });
      const dest = path.join(tmp, 'agent', 'frame.exr');
      fs.mkdirSync(path.dirname(dest));

      relay.arm('down', 2 * 1024 * 1024);
      await agent.download(ref, dest);
      expect(relay.cuts).toBe(1);
      expect(sameBytes(dest, source)).toBe(true);
      expect(fs.existsSync(`${dest}.part`)).toBe(false);
      const gets = controller.seen.filter((s) => s.method === 'GET');
      expect(gets).toHaveLength(2);
      expect(gets[1]?.range).toMatch(/^bytes=\d+-$/);
      expect(gets[1]?.status).toBe(206);
      expect(agent.stats().bytesDownloaded).toBeLessThan(size + 2 * 1024 * 1024 + 1);

      // A part file whose bytes are not this blob's: the resumed copy fails the check, one fresh try.
      const dest2 = path.join(tmp, 'agent', 'again.exr');
      fs.writeFileSync(`${dest2}.part`, crypto.randomBytes(1000));
      await agent.download(ref, dest2);
      expect(sameBytes(dest2, source)).toBe(true);

      // Ranges straight from the routes.
      const url = `http://127.0.0.1:${controller.port}${PREFIX}${ref.sha256}?size=${ref.size}`;
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const part = await fetch(url, { headers: { ...auth, Range: 'bytes=10-19' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 10-19/${size}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(fs.readFileSync(source).subarray(10, 20))).toBe(true);
      const tail = await fetch(url, { headers: { ...auth, Range: 'bytes=-5' } });
      expect(Buffer.from(await tail.arrayBuffer()).equals(fs.readFileSync(source).subarray(size - 5))).toBe(true);
      const outside = await fetch(url, { headers: { ...auth, Range: `bytes=${size}-` } });
      expect([outside.status, outside.headers.get('content-range')]).toEqual([416, `bytes */${size}`]);

      const absent = { sha256: 'cd'.repeat(32), size: 10 };
      const error = await agent.download(absent, path.join(tmp, 'agent', 'absent')).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(BlobRequestRefused);
      expect([(error as BlobRequestRefused).status, (error as BlobRequestRefused).code]).toEqual([404, 'not_found']);
      expect(fs.existsSync(path.join(tmp, 'agent', 'absent'))).toBe(false);
    } finally {
      await relay.close();
    }
  });

  it("fills an agent's store: once, resumed after a cut, verified, and shared by concurrent callers", async () => {
    const relay = await startRelay(controller.port);
    try {
      const agentStore = createBlobStore(path.join(tmp, 'agent-store'), { highWaterMark: 16 * 1024 });
      const source = writeRandom('scene.glb', 4 * 1024 * 1024);
      const ref = await store.putFile(source);
      const agent = client({ baseUrl: relay.url });
      relay.arm('down', 1024 * 1024);
      const [first, second] = await Promise.all([agent.downloadToStore(ref, agentStore), agent.downloadToStore(ref, agentStore)]);
      expect(relay.cuts).toBe(1);
      expect(first).toBe(agentStore.path(ref));
      expect(second).toBe(first);
      expect(sameBytes(first, source)).toBe(true);
      const gets = controller.seen.filter((s) => s.method === 'GET');
      expect(gets.map((g) => g.status)).toEqual([200, 206]);
      expect(gets[1]?.range).toMatch(/^bytes=[1-9]\d*-$/);
      expect(await agentStore.usage()).toMatchObject({ blobs: 1, partials: 0 });

      // Cached: no request at all.
      const requests = agent.stats().requests;
      expect(await agent.downloadToStore(ref, agentStore)).toBe(first);
      expect(agent.stats().requests).toBe(requests);

      // A partial of other bytes fails the check once, then the blob comes whole.
      const other = await store.putFile(writeRandom('texture.png', 300_000));
      await agentStore.receive(other, 0, Readable.from([crypto.randomBytes(1000)]));
      expect(agentStore.partialSize(other)).toBe(1000);
      expect(sameBytes(await agent.downloadToStore(other, agentStore), store.path(other))).toBe(true);

      const absent = { sha256: 'ef'.repeat(32), size: 3 };
      await expect(agent.downloadToStore(absent, agentStore)).rejects.toThrow(/refused \(404\)/);
      expect(agentStore.has(absent)).toBe(false);
    } finally {
      await relay.close();
    }
  });

  it('refuses a download whose bytes do not match the ref it was asked under', async () => {
    // A server that serves other bytes under the name (a broken or hostile controller).
    const source = writeRandom('frame.png', 50_000);
    const ref = await store.putFile(source);
    fs.chmodSync(store.path(ref), 0o644);
    fs.writeFileSync(store.path(ref), crypto.randomBytes(50_000));
    const dest = path.join(tmp, 'dest.png');
    const error = await client().download(ref, dest).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BlobMismatch);
    expect((error as Error).message).toContain(`expected sha256 ${ref.sha256} size 50000`);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('sends the token as a bearer header and keeps it out of errors', async () => {
    const file = writeRandom('a.bin', 100);
    const wrong = createBlobClient({ baseUrl: controller.url, token: 'wrong-secret-token' });
    clients.push(wrong);
    const error = await wrong.ensureUploaded([file]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BlobRequestRefused);
    expect((error as BlobRequestRefused).status).toBe(401);
    expect((error as Error).message).not.toContain('wrong-secret-token');
    expect(controller.seen.every((s) => !s.url.includes('wrong-secret-token'))).toBe(true);
    const unreachable = createBlobClient({ baseUrl: 'http://127.0.0.1:1/blobs/', token: 'secret-x', retries: 1 });
    clients.push(unreachable);
    const down = await unreachable.missing([{ sha256: 'ab'.repeat(32), size: 1 }]).catch((thrown: unknown) => thrown);
    expect((down as Error).message).toMatch(/POST http:\/\/127\.0\.0\.1:1\/blobs\/check failed: ECONNREFUSED/);
    expect((down as Error).message).not.toContain('secret-x');
  });

  it('streams a 50 MB blob both ways without holding it in memory', async () => {
    const size = 50 * 1024 * 1024;
    const file = writeRandom('big.glb', size);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /**
     * Live buffer bytes: the least of three reads, each after a full collection and a pause for
     * V8's concurrent sweep of freed buffers (which lags on a busy machine). A blob held whole
     * stays in all three; garbage of the moment does not.
     */
    const live = async () => {
      let least = Infinity;
      for (let i = 0; i < 3; i += 1) {
        gc();
        await pause(15);
        least = Math.min(least, process.memoryUsage().arrayBuffers);
      }
      return least;
    };
    const sample = (base: number) => {
      const state = { peak: 0, samples: 0, stopped: false, done: Promise.resolve() };
      state.done = (async () => {
        while (!state.stopped) {
          state.peak = Math.max(state.peak, (await live()) - base);
          state.samples += 1;
          await pause(200);
        }
      })();
      return state;
    };

    // The probe sees a buffer of the blob's size held for a moment (so it could see a transfer do it).
    const calibrate = sample(await live());
    let held: Buffer | null = Buffer.alloc(size, 1);
    const samplesBefore = calibrate.samples;
    while (calibrate.samples < samplesBefore + 2) await pause(50);
    expect(held.length).toBe(size);
    held = null;
    calibrate.stopped = true;
    await calibrate.done;
    expect(calibrate.peak, 'calibration: a held 50 MB buffer').toBeGreaterThan(size * 0.9);

    const probe = sample(await live());
    try {
      const agent = client();
      const [ref] = await agent.ensureUploaded([file]);
      const dest = path.join(tmp, 'big-copy.glb');
      await agent.download(ref as BlobRef, dest);
      expect(fs.statSync(dest).size).toBe(size);
      expect((await hashFile(dest)).sha256).toBe(ref?.sha256);
    } finally {
      probe.stopped = true;
      await probe.done;
    }
    console.log(`[blob-transfer] 50 MB up and down: peak live buffer growth ${(probe.peak / 1024 / 1024).toFixed(1)} MB over ${probe.samples} samples`);
    // Holding the blob whole would add 50 MB at some sample; streaming keeps a few 16-64 KiB
    // buffers live, plus what was allocated since the last collection.
    expect(probe.peak).toBeLessThan(size / 2);
  }, 120_000);
});

describe('blob transfer over HTTPS', () => {
  let certDir: string;
  let tls: { cert: string; key: string };
  beforeAll(() => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-blob-tls-'));
    const key = path.join(certDir, 'key.pem');
    const cert = path.join(certDir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {
      stdio: 'ignore',
    });
    tls = { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
  });
  afterAll(() => fs.rmSync(certDir, { recursive: true, force: true }));

  it('uploads and downloads with the controller certificate as CA, and refuses an unknown certificate', async () => {
    await controller.close();
    controller = await startController(store, tls);
    const file = writeRandom('scene.glb', 200_000);
    const agent = client({ ca: tls.cert });
    const [ref] = await agent.ensureUploaded([file]);
    const dest = path.join(tmp, 'back.glb');
    await agent.download(ref as BlobRef, dest);
    expect(sameBytes(dest, file)).toBe(true);
    const untrusting = client({ retries: 0 });
    await expect(untrusting.missing([ref as BlobRef])).rejects.toThrow(/SELF_SIGNED|self.signed|DEPTH_ZERO/i);
  });
});

describe('per-blob overhead on loopback (printed, not asserted)', () => {
  it('measures small blobs', async () => {
    const count = 100;
    const files = Array.from({ length: count }, (_, i) => writeRandom(`small-${i}.bin`, 1024));
    const agent = client();
    let t = performance.now();
    const refs = await agent.ensureUploaded(files);
    const upload = (performance.now() - t) / count;
    t = performance.now();
    await agent.ensureUploaded(files);
    const cached = (performance.now() - t) / count;
    t = performance.now();
    for (const [i, ref] of refs.entries()) await agent.download(ref, path.join(tmp, `back-${i}.bin`));
    const download = (performance.now() - t) / count;
    expect(store.missing(refs)).toEqual([]);
    console.log(
      `[blob-transfer] ${count} blobs of 1 KiB on loopback: upload ${upload.toFixed(2)} ms/blob (hash, check, PUT), ` +
        `already there ${cached.toFixed(2)} ms/blob (hash, check), download ${download.toFixed(2)} ms/blob (GET, verify, rename); ` +
        `${agent.stats().requests} requests`,
    );
  });
});
