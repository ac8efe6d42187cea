import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type http from 'node:http';
import net from 'node:net';
import { startHeadlessHost, type HeadlessHost, HEADERS_TIMEOUT_MS, MAX_BODY_BYTES, REQUEST_TIMEOUT_MS } from './headless-host';
import { MAX_INPUT_BYTES } from '../../../shared/contract';
import { resourcesDir } from '../../../workers/resources/paths';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import type { Backend } from '../app/backend';

let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
let host: HeadlessHost;
let origin: string;

beforeAll(async () => {
  tmp = makeTempDir();
  const rendererDir = path.join(tmp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Lightbox</title>');
  fs.writeFileSync(path.join(tmp.dir, 'secret.txt'), 'do not serve');
  backend = testBackend(path.join(tmp.dir, 'data'));
  host = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, port: 0, rendererDir });
  origin = `http://127.0.0.1:${host.port}`;
});

afterAll(async () => {
  await host.close();
  backend.close();
  tmp.cleanup();
});

const post = (method: string, body: unknown, token: string | null = host.token) =>
  fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function openSocket(token: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(token)}`, options);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('headless host', () => {
  it('binds to loopback and prints a URL holding the token', () => {
    expect(host.host).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers a contract call with the token', async () => {
    const res = await post('app.info', {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { name: string; dataDir: string; transport: string };
    expect(body).toMatchObject({ name: 'Lightbox', transport: 'http', dataDir: path.join(tmp.dir, 'data') });
  });

  it('refuses a call without the token or with a wrong one', async () => {
    for (const token of [null, 'wrong', `${host.token}x`]) {
      const res = await post('app.info', {}, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    }
  });

  it('answers a malformed payload with the field it names and the value it found, and no stack', async () => {
    const res = await post('settings.update', { farm: { concurrency: 'lots' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'invalid_input', path: 'farm.concurrency', message: 'farm.concurrency: Invalid input: expected number, received string "lots"' });
    const range = await post('settings.update', { farm: { threadsPerBlender: 999 } });
    expect(await range.json()).toMatchObject({ path: 'farm.threadsPerBlender', message: 'farm.threadsPerBlender: Too big: expected number to be <=256, got 999' });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers bad JSON, unknown methods, wrong verbs and huge bodies as data', async () => {
    const bad = await post('settings.update', '{"farm":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/not valid JSON/) });
    const unknown = await post('no.such', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'unknown_method' });
    const get = await fetch(`${origin}/api/app.info`, { headers: { Authorization: `Bearer ${host.token}` } });
    expect(get.status).toBe(405);
    const huge = await post('settings.update', JSON.stringify({ blenderPath: 'x'.repeat(MAX_BODY_BYTES + 10) }));
    expect(huge.status).toBe(413);
  });

  it('changes executable paths only for a local caller (IPC or loopback), never a remote one', async () => {
    const own = testBackend(path.join(tmp.dir, 'remote-rule', 'data'));
    for (const patch of [{ blenderPath: '/tmp/evil' }, { ffmpegPath: '/tmp/evil' }]) {
      const field = Object.keys(patch)[0]!;
      expect(await own.dispatch('settings.update', patch, { transport: 'http', loopback: false })).toEqual({
        ok: false,
        error: { code: 'forbidden', path: field, message: `${field} names an executable: change it in the desktop app or from a browser on this machine` },
      });
    }
    expect(own.settings.get().blenderPath).not.toBe('/tmp/evil');
    expect((await own.dispatch('settings.update', { farm: { concurrency: 1 } }, { transport: 'http', loopback: false })).ok).toBe(true);
    expect((await own.dispatch('settings.update', { blenderPath: '/usr/bin/blender' }, { transport: 'ipc' })).ok).toBe(true);
    expect((await own.dispatch('settings.update', { ffmpegPath: '/usr/bin/ffmpeg' }, { transport: 'http', loopback: true })).ok).toBe(true);
    await own.close();
  });

  it('changes settings over HTTP and keeps them on disk', async () => {
    const res = await post('settings.update', { farm: { threadsPerBlender: 3 } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { farm: { threadsPerBlender: number } }).farm.threadsPerBlender).toBe(3);
    const onDisk = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'data', 'settings.json'), 'utf8'));
    expect(onDisk).toEqual({ farm: { threadsPerBlender: 3 } });
  });

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00']) {
      const res = await fetch(`${origin}${p}`);
      expect(res.status, p).toBe(404);
    }
  });

  it('refuses requests addressed by another host name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: host.port, path: '/', headers: { Host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('refuses the socket without the right token', async () => {
    await expect(openSocket('wrong')).rejects.toThrow('HTTP 401');
    await expect(openSocket('')).rejects.toThrow('HTTP 401');
  });

  it('opens the socket only for its own origin (or a client that sends none)', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${host.port + 1}`, `http://localhost:${host.port}`, 'null', 'file://']) {
      await expect(openSocket(host.token, { origin }), origin).rejects.toThrow('HTTP 403');
    }
    for (const options of [{ origin: `http://127.0.0.1:${host.port}` }, {}]) {
      const ws = await openSocket(host.token, options);
      ws.close();
    }
  });

  it('carries calls and events over the socket', async () => {
    const ws = await openSocket(host.token);
    const messages: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
    const waitFor = async (pred: (m: Record<string, unknown>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const found = messages.find(pred);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no message matched; got ${JSON.stringify(messages)}`);
    };
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'settings.update', input: { farm: { mode: 'cold' } } }));
    expect(await waitFor((m) => m.id === 1)).toMatchObject({ type: 'result', ok: true, result: { farm: { mode: 'cold' } } });
    expect(await waitFor((m) => m.type === 'event')).toMatchObject({ event: 'settings.changed', payload: { farm: { mode: 'cold' } } });
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'settings.update', input: { farm: { mode: 'hot' } } }));
    expect(await waitFor((m) => m.id === 2)).toMatchObject({ ok: false, error: { code: 'invalid_input', path: 'farm.mode', message: 'farm.mode: Invalid option: expected one of "warm"|"cold", got "hot"' } });
    ws.send('not json');
    expect(await waitFor((m) => m.id === null)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    ws.send(JSON.stringify({ type: 'call', id: 3 }));
    expect(await waitFor((m) => m.id === 3)).toMatchObject({ ok: false, error: { code: 'bad_request', path: 'method' } });
    ws.close();
  });
});

/** Resolves with the close code the host sent. */
function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('error', () => {});
    ws.once('close', (code) => resolve(code));
  });
}

/** One call over a socket, answered by its id. */
function callOver(ws: WebSocket, id: number, method: string, input: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`socket closed with ${code} before answer ${id}`)));
    ws.send(JSON.stringify({ type: 'call', id, method, input }));
  });
}

describe('headless host under hostile sockets', () => {
  it('closes a frame over the limit with 1009 and bad UTF-8 with 1007, and keeps serving the others', async () => {
    const bystander = await openSocket(host.token);
    const big = await openSocket(host.token);
    const bigClosed = closeCode(big);
    big.send('x'.repeat(MAX_BODY_BYTES + 1));
    expect(await bigClosed).toBe(1009);
    const garbled = await openSocket(host.token);
    const garbledClosed = closeCode(garbled);
    garbled.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await garbledClosed).toBe(1007);
    expect(await callOver(bystander, 1, 'app.info', {})).toMatchObject({ ok: true, result: { name: 'Lightbox' } });
    expect((await post('app.info', {})).status).toBe(200);
    const fresh = await openSocket(host.token);
    expect(await callOver(fresh, 1, 'app.info', {})).toMatchObject({ ok: true });
    for (const ws of [bystander, fresh]) ws.close();
  });

  it('carries a legacy.import the contract accepts (many documents, megabytes) over the socket', async () => {
    const examples = path.join(resourcesDir(), 'legacy', 'examples');
    // Legacy JSON may carry any amount of whitespace; 600 kB each makes a frame of about 8 MB.
    const documents = fs.readdirSync(examples).map((fileName) => ({
      fileName,
      text: fs.readFileSync(path.join(examples, fileName), 'utf8') + ' '.repeat(600_000),
    }));
    const ws = await openSocket(host.token);
    const answer = await callOver(ws, 7, 'legacy.import', { documents });
    expect(answer).toMatchObject({ ok: true });
    expect((answer.result as { imported: unknown[] }).imported).toHaveLength(documents.length);
    ws.close();
  });

  it('refuses an input over the contract limit as an answer on every transport, the socket staying open', async () => {
    const ws = await openSocket(host.token);
    const input = { blenderPath: 'x'.repeat(MAX_INPUT_BYTES) };
    const answer = await callOver(ws, 9, 'settings.update', input);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^input is \d+ bytes as JSON; a call takes at most 16777216$/) } });
    expect(await callOver(ws, 10, 'app.info', {})).toMatchObject({ ok: true });
    const res = await post('settings.update', input);
    expect(res.status).toBe(400);
    ws.close();
  });
});

describe('settings.setDataDir over the host', () => {
  it('refuses relative paths, system trees, files and symlinks into them at once, naming the field and the value', async () => {
    const file = path.join(tmp.dir, 'secret.txt');
    const link = path.join(tmp.dir, 'to-proc');
    fs.symlinkSync('/proc/self', link);
    const cases: Array<[string, RegExp]> = [
      ['relative/dir', /is not an absolute path/],
      ['/proc/self', /is under \/proc, which cannot hold data/],
      ['/proc', /is under \/proc/],
      ['/sys/kernel', /is under \/sys/],
      ['/dev/shm/lightbox', /is under \/dev/],
      [file, /is a file, not a folder/],
      [path.join(file, 'below'), /is below .*secret\.txt, which is a file/],
      [path.join(link, 'data'), /leads \(through .*to-proc\) to \/proc\/\d+, under \/proc/],
    ];
    for (const [value, reason] of cases) {
      const started = Date.now();
      const res = await post('settings.setDataDir', { path: value });
      expect(Date.now() - started, value).toBeLessThan(1000);
      expect(res.status, value).toBe(422);
      const body = (await res.json()) as { code: string; path: string; message: string };
      expect(body, value).toMatchObject({ code: 'data_dir_unusable', path: 'path' });
      expect(body.message, value).toContain(`path "${value}"`);
      expect(body.message, value).toMatch(reason);
    }
    const info = (await (await post('app.info', {})).json()) as { configuredDataDir: string | null };
    expect(info.configuredDataDir).toBeNull();
  });

  it('saves a usable absolute path without creating it', async () => {
    const next = path.join(tmp.dir, 'later', 'data');
    const res = await post('settings.setDataDir', { path: next });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ configuredDataDir: next });
    expect(fs.existsSync(path.join(tmp.dir, 'later'))).toBe(false);
    expect((await post('settings.setDataDir', { path: null })).status).toBe(200);
  });
});

/** Writes raw bytes to the host and collects what it answers until it closes the connection (or gives up). */
function rawExchange(port: number, request: string, giveUpMs: number): Promise<{ text: string; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedAfterMs: null });
    }, giveUpMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
  });
}

describe('HTTP limits', () => {
  it('refuses a body announced too large by its Content-Length before reading any of it', async () => {
    const request = `POST /api/app.info HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${host.token}\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n{`;
    const { text, closedAfterMs } = await rawExchange(host.port, request, 2_000);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain(`body of ${MAX_BODY_BYTES + 1} bytes exceeds ${MAX_BODY_BYTES} bytes`);
    expect(closedAfterMs).not.toBeNull();
  });

  it('answers a malformed percent-encoding with 400 and no stack', async () => {
    for (const p of ['/api/%E0%A4%A', '/api/app.%zz', '/api/%']) {
      const res = await fetch(`${origin}${p}`, { method: 'POST', headers: { Authorization: `Bearer ${host.token}` }, body: '{}' });
      expect(res.status, p).toBe(400);
      const body = await res.text();
      expect(JSON.parse(body), p).toMatchObject({ code: 'bad_request', message: 'malformed URL (bad percent-encoding)' });
      expect(body).not.toMatch(/at .*\.ts:\d+|URIError/);
    }
  });

  it('cuts off a client that trickles its headers within seconds', async () => {
    expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    const { text, closedAfterMs } = await rawExchange(host.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n`, HEADERS_TIMEOUT_MS + 3_000);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it('a route that streams uploads times them itself: a body trickling past the limit gets through there, and is cut elsewhere', async () => {
    const received: string[] = [];
    const route = {
      prefix: '/stream/',
      streamsBody: (subpath: string) => subpath.startsWith('up'),
      async handle(req: http.IncomingMessage, res: http.ServerResponse, subpath: string) {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        received.push(`${subpath}:${body}`);
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      },
    };
    const short = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, port: 0, rendererDir: null, headersTimeoutMs: 500, requestTimeoutMs: 1_000, routes: [route] });
    /** Sends headers, then one byte every 300 ms for 2.4 s (well past the 1 s limit), then reads the answer. */
    const trickle = (subpath: string) =>
      new Promise<{ text: string; closedAfterMs: number }>((resolve) => {
        const started = Date.now();
        const socket = net.connect(short.port, '127.0.0.1', async () => {
          socket.write(`POST /stream/${subpath} HTTP/1.1\r\nHost: 127.0.0.1:${short.port}\r\nContent-Length: 8\r\nConnection: close\r\n\r\n`);
          for (let i = 0; i < 8 && !socket.destroyed; i++) {
            await new Promise((r) => setTimeout(r, 300));
            if (!socket.destroyed) socket.write('x');
          }
        });
        let text = '';
        socket.on('data', (d) => (text += d.toString('latin1')));
        socket.on('error', () => {});
        socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
      });
    try {
      const [streamed, cut] = await Promise.all([trickle('upload'), trickle('other')]);
      expect(streamed.text).toMatch(/^HTTP\/1\.1 200 /);
      expect(received).toEqual(['upload:xxxxxxxx']);
      expect(cut.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(cut.closedAfterMs).toBeLessThan(2_200);
    } finally {
      await short.close();
    }
  });

  it('cuts off a body that never ends (the request timeout, shortened here; seconds by default)', async () => {
    expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(60_000);
    const short = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, port: 0, rendererDir: null, headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    try {
      const request = `POST /api/app.info HTTP/1.1\r\nHost: 127.0.0.1:${short.port}\r\nAuthorization: Bearer ${short.token}\r\nContent-Length: 10\r\n\r\n{}`;
      const { closedAfterMs } = await rawExchange(short.port, request, 5_000);
      expect(closedAfterMs).not.toBeNull();
      expect(closedAfterMs!).toBeLessThan(3_000);
    } finally {
      await short.close();
    }
  });
});
