import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/open-database';
import { makeTempDir } from '../../testing/temp-dir';
import { createNotificationOutbox, type NotificationOutboxOptions } from './index';

interface Received {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP endpoint on 127.0.0.1; `respond` can be swapped mid-test (null = never answer). */
async function startServer(status = 200) {
  const received: Received[] = [];
  const state: { respond: ((res: http.ServerResponse) => void) | null } = {
    respond: (res) => res.writeHead(status).end('ok'),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body });
      state.respond?.(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}/hook`, port, received, state, close };
}

/** A port nothing listens on (bound, then released). */
async function closedPortUrl(): Promise<string> {
  const server = await startServer();
  await server.close();
  return `http://127.0.0.1:${server.port}/hook`;
}

describe('notification outbox', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  let db: Database.Database;
  let clock: number;
  const cleanups: Array<() => Promise<void> | void> = [];

  const outbox = (options: NotificationOutboxOptions = {}) => createNotificationOutbox(db, { now: () => new Date(clock), ...options });
  const server = async (status?: number) => {
    const s = await startServer(status);
    cleanups.push(s.close);
    return s;
  };
  const webhook = (target: string, key = 'run-1:done') => ({
    idempotencyKey: key,
    channel: 'webhook' as const,
    event: 'render.done',
    target,
    payload: { orderLine: 'ol-1', files: ['a.png'] },
  });

  beforeEach(() => {
    tmp = makeTempDir();
    file = path.join(tmp.dir, 'lightbox.db');
    db = openDatabase(file);
    clock = Date.parse('2030-01-01T00:00:00.000Z');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    if (db.open) db.close();
    tmp.cleanup();
  });

  it('enqueues once per idempotency key, and the rows survive reopening the database', () => {
    const first = outbox().enqueue(webhook('https://example.test/hook'));
    const second = outbox().enqueue({ ...webhook('https://example.test/other'), payload: { other: true } });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.notification).toEqual(first.notification);
    expect(first.notification).toMatchObject({
      state: 'pending',
      attempts: 0,
      target: 'https://example.test/hook',
      payload: { orderLine: 'ol-1', files: ['a.png'] },
      nextAttemptAt: '2030-01-01T00:00:00.000Z',
      orderLineId: null,
    });

    db.close();
    db = openDatabase(file);
    const again = outbox();
    expect(again.list()).toEqual([first.notification]);
    expect(again.get(first.notification.id)).toEqual(first.notification);
    expect(again.enqueue(webhook('https://example.test/hook')).created).toBe(false);
    expect(again.list()).toHaveLength(1);
  });

  it('works inside the caller transaction (rolled back with it)', () => {
    const box = outbox();
    expect(() =>
      db.transaction(() => {
        box.enqueue(webhook('https://example.test/hook'));
        throw new Error('dispatch failed');
      })(),
    ).toThrow('dispatch failed');
    expect(box.list()).toEqual([]);
  });

  it('lists newest first and filters', () => {
    const box = outbox();
    box.enqueue(webhook('https://example.test/hook', 'k1'));
    clock += 1000;
    box.enqueue({ idempotencyKey: 'k2', channel: 'desktop', event: 'render.done', payload: {} });
    expect(box.list().map((n) => n.idempotencyKey)).toEqual(['k2', 'k1']);
    expect(box.list({ channel: 'webhook' }).map((n) => n.idempotencyKey)).toEqual(['k1']);
    expect(box.list({ state: 'delivered' })).toEqual([]);
    expect(box.list({ orderLineId: 'nope' })).toEqual([]);
    expect(box.get('missing')).toBeUndefined();
  });

  it('delivers a webhook once, as JSON with the idempotency key', async () => {
    const s = await server(204);
    const box = outbox();
    const { notification } = box.enqueue(webhook(s.url));

    expect(await box.deliverDue()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });

    expect(s.received).toHaveLength(1);
    const [request] = s.received;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('run-1:done');
    expect(request?.headers['user-agent']).toBe('Lightbox');
    expect(JSON.parse(request?.body ?? '')).toEqual({ orderLine: 'ol-1', files: ['a.png'] });
    expect(box.get(notification.id)).toMatchObject({ state: 'delivered', attempts: 1, lastError: null, deliveredAt: '2030-01-01T00:00:00.000Z' });
  });

  it('keeps a failing webhook pending with backoff, then delivers it when the endpoint recovers', async () => {
    const s = await server(500);
    const box = outbox({ baseDelayMs: 5000 });
    const { notification } = box.enqueue(webhook(s.url));

    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    let row = box.get(notification.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: '2030-01-01T00:00:05.000Z' });
    expect(row?.lastError).toContain('500');

    // Not due yet: nothing is sent.
    clock += 4000;
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(s.received).toHaveLength(1);

    // Second failure (429 is retryable too): the delay doubles.
    s.state.respond = (res) => res.writeHead(429).end();
    clock += 1000;
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    row = box.get(notification.id);
    expect(row).toMatchObject({ attempts: 2, nextAttemptAt: '2030-01-01T00:00:15.000Z' });
    expect(row?.lastError).toContain('429');

    s.state.respond = (res) => res.writeHead(200).end();
    clock += 10_000;
    expect(await box.deliverDue()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(box.get(notification.id)).toMatchObject({ state: 'delivered', attempts: 3, lastError: null });
    expect(s.received.map((r) => r.headers['idempotency-key'])).toEqual(['run-1:done', 'run-1:done', 'run-1:done']);
  });

  it('retries a refused connection, then gives up after maxAttempts keeping the record', async () => {
    const box = outbox({ maxAttempts: 3, baseDelayMs: 1000 });
    const { notification } = box.enqueue(webhook(await closedPortUrl()));

    for (const expected of [
      { delivered: 0, retried: 1, failed: 0 },
      { delivered: 0, retried: 1, failed: 0 },
      { delivered: 0, retried: 0, failed: 1 },
    ]) {
      expect(await box.deliverDue()).toEqual(expected);
      clock += 60_000;
    }
    const row = box.get(notification.id);
    expect(row).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null, deliveredAt: null });
    expect(row?.lastError).toMatch(/ECONNREFUSED/);
    expect(row?.lastError).toMatch(/gave up after 3 attempts/);
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
  });

  it('gives up on an endpoint that never answers within the timeout, without blocking other rows', async () => {
    const silent = await server();
    silent.state.respond = null;
    const ok = await server(200);
    const box = outbox({ timeoutMs: 200, maxAttempts: 2, baseDelayMs: 1000 });
    const slow = box.enqueue(webhook(silent.url, 'slow')).notification;
    const fine = box.enqueue(webhook(ok.url, 'fine')).notification;

    const started = Date.now();
    expect(await box.deliverDue()).toEqual({ delivered: 1, retried: 1, failed: 0 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(box.get(fine.id)?.state).toBe('delivered');
    expect(box.get(slow.id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'no answer within 200 ms' });

    clock += 60_000;
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(box.get(slow.id)).toMatchObject({ state: 'failed', attempts: 2 });
    expect(box.list()).toHaveLength(2);
  });

  it('fails a 4xx at once (permanent)', async () => {
    const s = await server(400);
    const box = outbox();
    const { notification } = box.enqueue(webhook(s.url));
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(box.get(notification.id)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'HTTP 400 Bad Request' });
    clock += 3_600_000;
    expect(await box.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(s.received).toHaveLength(1);
  });

  it('delivers desktop notifications only when there is a window to show them', async () => {
    const input = { idempotencyKey: 'd1', channel: 'desktop' as const, event: 'render.done', payload: { title: 'Done' } };
    const cli = outbox();
    const { notification } = cli.enqueue(input);
    expect(await cli.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(cli.get(notification.id)).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: notification.nextAttemptAt });

    // A window not ready yet (false): still pending, untouched.
    expect(await outbox({ onDesktop: () => false }).deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(cli.get(notification.id)).toEqual(notification);

    const shown: string[] = [];
    const app = outbox({ onDesktop: (n) => (shown.push(n.payload.title as string), true) });
    expect(await app.deliverDue()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(shown).toEqual(['Done']);
    expect(app.get(notification.id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('never POSTs a row twice from overlapping rounds', async () => {
    const s = await server();
    s.state.respond = (res) => setTimeout(() => res.writeHead(200).end(), 100);
    const box = outbox();
    // More rows than the concurrency (4): the later ones are still due when the other rounds start.
    for (let i = 0; i < 6; i++) box.enqueue(webhook(s.url, `k${i}`));
    // A second outbox over the same database stands for another process (the CLI beside the app).
    const other = outbox();

    const results = await Promise.all([box.deliverDue(), box.deliverDue(), other.deliverDue()]);
    expect(results.reduce((sum, r) => sum + r.delivered, 0)).toBe(6);
    expect(s.received.map((r) => r.headers['idempotency-key']).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    expect(box.list({ state: 'delivered' })).toHaveLength(6);
  });

  it('refuses a webhook without an http(s) target, storing nothing', () => {
    const box = outbox();
    expect(() => box.enqueue(webhook('ftp://example.test/x'))).toThrow(/http or https/);
    expect(() => box.enqueue(webhook('not a url'))).toThrow(/"not a url" is not a URL/);
    expect(() => box.enqueue({ ...webhook(''), target: null })).toThrow(/needs a target URL/);
    expect(box.list()).toEqual([]);
    // A desktop notification needs no target.
    expect(box.enqueue({ idempotencyKey: 'd', channel: 'desktop', event: 'e', payload: {} }).created).toBe(true);
  });

  it('flush is bounded by its deadline and leaves the row to be retried', async () => {
    const silent = await server();
    silent.state.respond = null;
    const box = outbox({ timeoutMs: 10_000 });
    const { notification } = box.enqueue(webhook(silent.url));
    const started = Date.now();
    await box.flush(300);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(box.get(notification.id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(box.get(notification.id)?.lastError).toMatch(/flush deadline/);
  });

  it('the background loop delivers due rows and stop waits for it', async () => {
    const s = await server(200);
    const box = outbox({ now: () => new Date() });
    const { notification } = box.enqueue(webhook(s.url));
    box.start(20);
    await expect.poll(() => box.get(notification.id)?.state, { timeout: 5000 }).toBe('delivered');
    await box.stop();
    box.enqueue(webhook(s.url, 'after-stop'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.received).toHaveLength(1);
  });

  it('the background loop works through a backlog in slices of roundRows, at once rather than one slice per interval', async () => {
    const s = await server(200);
    let inFlight = 0;
    let most = 0;
    s.state.respond = (res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200).end();
      }, 5);
    };
    const box = outbox({ now: () => new Date(), roundRows: 3, concurrency: 2 });
    for (let i = 0; i < 10; i++) box.enqueue(webhook(s.url, `b${i}`));
    // Four slices: one per 2 s interval would take 8 s; chained, they end soon after the first round at 2 s.
    box.start(2_000);
    try {
      await expect.poll(() => box.list({ state: 'delivered' }).length, { timeout: 5_000 }).toBe(10);
    } finally {
      await box.stop();
    }
    expect(most).toBeLessThanOrEqual(2);
    expect(s.received).toHaveLength(10);
  });
});
