import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiFailure } from '../../../../shared/contract/errors';
import { ServerUnreachable } from '../../../platform/transport/http-client';
import { blobKey, parseBlobRef, type BlobRef } from './blob-ref';
import { BlobMismatch, OffsetMismatch, type BlobStore } from './blob-store';

export interface BlobClientOptions {
  /** Where the blob routes are mounted (e.g. https://controller:7420/agent/blobs/). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`, never in a URL or a message. */
  token: string;
  /** CA certificate(s) (PEM) to trust for an https controller with its own certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Tries after the first for a transfer cut off or refused for a passing reason (default 4). */
  retries?: number;
  /** A connection silent this long counts as cut (default 30 s). */
  idleTimeoutMs?: number;
  /** Uploads and downloads at once (default 4); files are hashed two at a time. */
  concurrency?: number;
  highWaterMark?: number;
}

export interface BlobClientStats {
  /** Body bytes sent in uploads, counting resent bytes. */
  bytesUploaded: number;
  bytesDownloaded: number;
  requests: number;
}

export interface BlobClient {
  /** The refs the server lacks ("which do you lack?"). */
  missing(refs: readonly BlobRef[]): Promise<BlobRef[]>;
  /** Hashes the files, uploads those the server lacks; the refs come back in the files' order. */
  ensureUploaded(files: readonly string[]): Promise<BlobRef[]>;
  /** Uploads one file under `ref`, resuming at the server's offset; the server checks the bytes. */
  upload(file: string, ref: BlobRef): Promise<void>;
  /** Downloads into `destFile` through `destFile.part` (kept to resume), checked before the rename. */
  download(ref: BlobRef, destFile: string): Promise<void>;
  /**
   * Brings a blob into a local store (an agent's cache) unless it is there already, and returns
   * its committed path: streamed into the store's partial file, resumed with a Range after a cut,
   * committed only when it verifies. Concurrent calls for one blob share one download.
   */
  downloadToStore(ref: BlobRef, store: BlobStore): Promise<string>;
  stats(): BlobClientStats;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** The server answered, and said no: not worth retrying. */
export class BlobRequestRefused extends ApiFailure {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    path: string,
  ) {
    super(code, message, path);
    this.name = 'BlobRequestRefused';
  }
}

const CHECK_BATCH = 5_000;

/** The sha256 and byte count of a file, in one read. */
export async function hashFile(file: string): Promise<BlobRef> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export function createBlobClient(options: BlobClientOptions): BlobClient {
  const base = new URL(options.baseUrl);
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`baseUrl must be http or https, found ${base.protocol}`);
  if (base.username || base.password) throw new Error('baseUrl must not carry credentials; the token is sent as a header');
  const secure = base.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true, ca: options.ca }) : new http.Agent({ keepAlive: true });
  const retries = options.retries ?? 4;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const concurrency = options.concurrency ?? 4;
  const highWaterMark = options.highWaterMark ?? 64 * 1024;
  const stats: BlobClientStats = { bytesUploaded: 0, bytesDownloaded: 0, requests: 0 };

  const blobUrl = (ref: BlobRef, offset?: number): URL => {
    const url = new URL(ref.sha256, base);
    url.searchParams.set('size', String(ref.size));
    if (offset !== undefined) url.searchParams.set('offset', String(offset));
    return url;
  };
  /** Names a request in messages: method and path, without host credentials or tokens. */
  const what = (method: string, url: URL) => `${method} ${url.origin}${url.pathname}`;

  /** Sends a request; resolves with the response (body unread) or rejects with ServerUnreachable. */
  const request = (method: string, url: URL, headers: Record<string, string>, body?: Readable | string): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      stats.requests += 1;
      let answered = false;
      const req = (secure ? https : http).request(url, {
        method,
        agent,
        headers: { ...headers, Authorization: `Bearer ${options.token}` },
      });
      let bodyError: Error | null = null;
      const fail = (error: Error) => {
        if (answered) return;
        answered = true;
        // The local file failed (deleted, unreadable): that is no network trouble, and not retried.
        if (bodyError) return reject(bodyError);
        const code = (error as NodeJS.ErrnoException).code;
        reject(new ServerUnreachable(url.origin, `${what(method, url)} failed: ${code ?? error.message}`));
      };
      req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no data for ${idleTimeoutMs} ms`)));
      req.on('error', fail);
      req.on('response', (res) => {
        // An early answer (a refused upload) wins over the broken pipe of the body still being sent.
        if (answered) return void res.resume();
        answered = true;
        res.on('error', () => undefined);
        resolve(res);
      });
      if (body === undefined || typeof body === 'string') return void req.end(body);
      body.on('error', (error) => {
        bodyError = error;
        req.destroy(error);
      });
      body.pipe(req);
    });

  const readJson = async (res: IncomingMessage, method: string, url: URL): Promise<unknown> => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (error) {
      throw new ServerUnreachable(url.origin, `${what(method, url)}: answer cut off (${(error as Error).message})`);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new ServerUnreachable(url.origin, `${what(method, url)} answered ${res.statusCode} without JSON: is it a Lightbox controller?`);
    }
  };

  const refusal = (res: IncomingMessage, body: unknown, method: string, url: URL): BlobRequestRefused => {
    const error = (body ?? {}) as { code?: unknown; message?: unknown; path?: unknown };
    return new BlobRequestRefused(
      res.statusCode ?? 0,
      typeof error.code === 'string' ? error.code : `http_${res.statusCode}`,
      `${what(method, url)} refused (${res.statusCode}): ${typeof error.message === 'string' ? error.message : 'no reason given'}`,
      typeof error.path === 'string' ? error.path : '',
    );
  };

  /** Runs `attempt` until it succeeds, retrying unreachable servers and passing refusals with backoff. */
  const withRetries = async <T>(attempt: (retry: number) => Promise<T>): Promise<T> => {
    for (let retry = 0; ; retry += 1) {
      try {
        return await attempt(retry);
      } catch (error) {
        const passing =
          error instanceof ServerUnreachable ||
          (error instanceof BlobRequestRefused && (error.status >= 500 || error.code === 'upload_in_progress'));
        if (!passing || retry >= retries) throw error;
        await sleep(Math.min(2_000, 100 * 2 ** retry));
      }
    }
  };

  const headerNumber = (headers: IncomingHttpHeaders, name: string): number | null => {
    const value = headers[name];
    return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
  };

  const counted = (kind: 'bytesUploaded' | 'bytesDownloaded') =>
    new Transform({
      highWaterMark,
      transform(chunk: Buffer, _encoding, callback) {
        stats[kind] += chunk.length;
        callback(null, chunk);
      },
    });

  const missing = async (refs: readonly BlobRef[]): Promise<BlobRef[]> => {
    const checked = refs.map((ref, i) => parseBlobRef(ref, `refs.${i}`));
    const out: BlobRef[] = [];
    for (let i = 0; i < checked.length; i += CHECK_BATCH) {
      const blobs = checked.slice(i, i + CHECK_BATCH);
      const url = new URL('check', base);
      const body = await withRetries(async () => {
        const res = await request('POST', url, { 'Content-Type': 'application/json' }, JSON.stringify({ blobs }));
        const answer = await readJson(res, 'POST', url);
        if (res.statusCode !== 200) throw refusal(res, answer, 'POST', url);
        return answer as { missing?: unknown };
      });
      if (!Array.isArray(body.missing)) throw new ServerUnreachable(url.origin, `POST ${url.pathname} answered without a missing list`);
      out.push(...body.missing.map((ref, j) => parseBlobRef(ref, `missing.${j}`)));
    }
    return out;
  };

  const upload = async (file: string, value: BlobRef): Promise<void> => {
    const ref = parseBlobRef(value);
    // Where to send from: 0 at first; after a cut, what the server holds (HEAD); after a 409, what it said.
    let offset: number | null = 0;
    await withRetries(async () => {
      // A server that keeps naming other offsets is not converging: give up after a few.
      for (let step = 0; ; step += 1) {
        if (step > 8) throw new ServerUnreachable(base.origin, `upload of ${blobKey(ref)}: the server named a different offset ${step} times`);
        if (offset === null) {
          const url = blobUrl(ref);
          const head = await request('HEAD', url, {});
          head.resume();
          if (head.statusCode === 200) return;
          if (head.statusCode !== 404) throw refusal(head, {}, 'HEAD', url);
          offset = headerNumber(head.headers, 'upload-offset') ?? 0;
        }
        const from: number = offset;
        offset = null;
        const { size } = await fsp.stat(file);
        if (size !== ref.size) throw new Error(`${file} is ${size} bytes now but ${ref.size} bytes when it was hashed: it changed; hash it again`);
        const url = blobUrl(ref, from);
        const source = fs.createReadStream(file, { start: from, highWaterMark });
        const body = source.pipe(counted('bytesUploaded'));
        source.on('error', (error) => body.destroy(error));
        let res: IncomingMessage;
        let answer: unknown;
        try {
          res = await request('PUT', url, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(ref.size - from) }, body);
          answer = await readJson(res, 'PUT', url);
        } finally {
          // An early answer or a cut leaves the file half read: close it.
          source.destroy();
        }
        if (res.statusCode === 200 || res.statusCode === 201) return;
        const held = headerNumber(res.headers, 'upload-offset');
        // The server holds another count of bytes (a partial from an earlier try): go on from there.
        if ((res.statusCode === 409 && (answer as { code?: unknown }).code === 'offset_mismatch' && held !== null && held !== from) || (res.statusCode === 202 && held !== null && held > from)) {
          offset = held;
          continue;
        }
        throw refusal(res, answer, 'PUT', url);
      }
    });
  };

  const download = async (value: BlobRef, destFile: string): Promise<void> => {
    const ref = parseBlobRef(value);
    const part = `${destFile}.part`;
    await fsp.mkdir(path.dirname(path.resolve(destFile)), { recursive: true });
    let startedOver = false;
    await withRetries(async () => {
      for (;;) {
        let have = (await fsp.stat(part).catch(() => null))?.size ?? 0;
        if (have > ref.size) {
          await fsp.rm(part, { force: true });
          have = 0;
        }
        const resumed = have > 0;
        if (have < ref.size || ref.size === 0) {
          const url = blobUrl(ref);
          const res = await request('GET', url, resumed ? { Range: `bytes=${have}-` } : {});
          if (res.statusCode === 416) {
            res.resume();
            await fsp.rm(part, { force: true });
            continue;
          }
          if (res.statusCode !== 200 && res.statusCode !== 206) throw refusal(res, await readJson(res, 'GET', url), 'GET', url);
          const rangeStart = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1];
          if (res.statusCode === 206 && Number(rangeStart) !== have) {
            res.destroy();
            throw new ServerUnreachable(url.origin, `GET ${url.pathname} answered the range from ${rangeStart}, asked from ${have}`);
          }
          const out = fs.createWriteStream(part, { flags: res.statusCode === 206 ? 'a' : 'w', highWaterMark });
          let writeError: Error | null = null;
          out.on('error', (error) => (writeError = error));
          try {
            await pipeline(res, counted('bytesDownloaded'), out);
          } catch (error) {
            // A full disk is no network trouble: not retried.
            if (writeError) throw writeError;
            throw new ServerUnreachable(url.origin, `GET ${url.pathname} cut off mid-download (${(error as Error).message}); the part file is kept`);
          }
          have = (await fsp.stat(part)).size;
          if (have < ref.size) throw new ServerUnreachable(url.origin, `GET ${url.pathname} ended after ${have} of ${ref.size} bytes`);
        }
        const found = await hashFile(part);
        if (found.sha256 !== ref.sha256 || found.size !== ref.size) {
          await fsp.rm(part, { force: true });
          // A part file left by someone else (or damaged) spoils the resumed copy: one fresh try.
          if (resumed && !startedOver) {
            startedOver = true;
            continue;
          }
          throw new BlobMismatch(ref, found);
        }
        await fsp.rename(part, destFile);
        return;
      }
    });
  };

  const fetchIntoStore = async (ref: BlobRef, store: BlobStore): Promise<void> => {
    let startedOver = false;
    await withRetries(async () => {
      for (;;) {
        if (store.has(ref)) return;
        let offset = store.partialSize(ref);
        const resumed = offset > 0;
        const url = blobUrl(ref);
        let body: Readable = Readable.from([]);
        let res: IncomingMessage | null = null;
        if (offset < ref.size) {
          res = await request('GET', url, resumed ? { Range: `bytes=${offset}-` } : {});
          if (res.statusCode === 200 && resumed) {
            // The server sent it all: start the partial over.
            await store.discardPartial(ref);
            offset = 0;
          } else if (res.statusCode === 206) {
            const rangeStart = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1];
            if (Number(rangeStart) !== offset) {
              res.destroy();
              throw new ServerUnreachable(url.origin, `GET ${url.pathname} answered the range from ${rangeStart}, asked from ${offset}`);
            }
          } else if (res.statusCode !== 200) {
            throw refusal(res, await readJson(res, 'GET', url), 'GET', url);
          }
          const counter = counted('bytesDownloaded');
          res.on('error', (error) => counter.destroy(error));
          body = res.pipe(counter);
        }
        let result;
        try {
          result = await store.receive(ref, offset, body);
        } catch (error) {
          res?.destroy();
          if (error instanceof BlobMismatch && resumed && !startedOver) {
            // The bytes held before spoiled the copy (the store dropped them): one fresh try.
            startedOver = true;
            continue;
          }
          if (error instanceof OffsetMismatch) continue;
          if (res?.errored) {
            throw new ServerUnreachable(url.origin, `GET ${url.pathname} cut off mid-download (${(error as Error).message}); the store keeps what arrived`);
          }
          throw error;
        }
        if (res && !res.complete) res.destroy();
        if (!result.complete) throw new ServerUnreachable(url.origin, `GET ${url.pathname} ended after ${result.offset} of ${ref.size} bytes`);
        return;
      }
    });
  };
  const inFlight = new Map<string, Promise<string>>();
  const downloadToStore = (value: BlobRef, store: BlobStore): Promise<string> => {
    const ref = parseBlobRef(value);
    if (store.has(ref)) return Promise.resolve(store.path(ref));
    const key = `${store.dir}\0${blobKey(ref)}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchIntoStore(ref, store)
        .then(() => store.path(ref))
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return {
    missing,
    upload,
    download,
    downloadToStore,
    async ensureUploaded(files) {
      const refs = await mapLimit(files, 2, (file) => hashFile(file));
      const lacking = new Set((await missing(refs)).map(blobKey));
      const todo = new Map<string, { file: string; ref: BlobRef }>();
      refs.forEach((ref, i) => {
        const key = blobKey(ref);
        if (lacking.has(key) && !todo.has(key)) todo.set(key, { file: files[i] as string, ref });
      });
      await mapLimit([...todo.values()], concurrency, ({ file, ref }) => upload(file, ref));
      return refs;
    },
    stats: () => ({ ...stats }),
    close: () => agent.destroy(),
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
