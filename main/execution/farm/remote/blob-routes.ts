import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { InvalidBlobRef, checkSha256, checkSize, parseBlobRef, parseDecimal, type BlobRef } from './blob-ref';
import { BlobMismatch, BlobNotFound, BlobTooLong, OffsetMismatch, UploadBusy, type BlobStore } from './blob-store';

/**
 * The blob store over HTTP, for a farm controller and its agents. The caller mounts it under a
 * prefix and authenticates first; `subpath` is what follows the prefix (raw, percent-encoded):
 *
 *   POST check                         {blobs: [{sha256, size}]} → {missing: [...]}  ("which do you lack?")
 *   HEAD <sha256>?size=N               200 when stored; 404 with Upload-Offset: bytes of a partial upload
 *   PUT  <sha256>?size=N&offset=K      appends the body (at most N-K bytes) to the partial upload;
 *                                      201 committed, 202 more to come (Upload-Offset), 409 wrong offset
 *   GET  <sha256>?size=N               the bytes, with single-range support (Range: bytes=a-b)
 *
 * Bodies stream through; nothing but the check's list is held in memory.
 */

/** The check's JSON (about 90 bytes a ref). */
export const MAX_CHECK_BODY_BYTES = 1024 * 1024;
export const MAX_CHECK_REFS = 10_000;

/** Error codes of the blob routes, in the host's {code, message, path} shape. */
export const BlobErrorCodes = {
  badRequest: 'bad_request',
  invalidInput: 'invalid_input',
  notFound: 'not_found',
  offsetMismatch: 'offset_mismatch',
  uploadInProgress: 'upload_in_progress',
  tooLarge: 'too_large',
  blobMismatch: 'blob_mismatch',
} as const;

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // A blob opened in a browser is never run as a page.
  'Content-Security-Policy': "default-src 'none'; sandbox",
} as const;

export interface BlobRouteOptions {
  highWaterMark?: number;
  /**
   * An upload silent this long is cut (default 60 s), which frees its blob for a resumed upload.
   * It stands in for the host's whole-request limit, which a mounting route lifts for these
   * subpaths (HostRoute.streamsBody).
   */
  uploadIdleTimeoutMs?: number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function handleBlobRequest(
  store: BlobStore,
  req: IncomingMessage,
  res: ServerResponse,
  subpath: string,
  options: BlobRouteOptions = {},
): Promise<void> {
  try {
    await route(store, req, res, subpath, options);
  } catch (error) {
    if (res.headersSent) return void res.destroy();
    if (error instanceof Refusal) return sendError(req, res, error);
    if (error instanceof InvalidBlobRef) return sendError(req, res, new Refusal(400, BlobErrorCodes.invalidInput, error.message, error.path));
    throw error;
  }
}

async function route(store: BlobStore, req: IncomingMessage, res: ServerResponse, subpath: string, options: BlobRouteOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let name: string;
  try {
    name = decodeURIComponent(subpath.replace(/^\/+/, ''));
  } catch {
    throw new Refusal(400, BlobErrorCodes.badRequest, `malformed blob path ${JSON.stringify(subpath)} (bad percent-encoding)`, 'sha256');
  }
  if (name === 'check') {
    if (req.method !== 'POST') throw new Refusal(405, BlobErrorCodes.badRequest, 'use POST for check', '', { Allow: 'POST' });
    return check(store, req, res);
  }
  checkSha256(name, 'sha256');
  const size = parseDecimal(url.searchParams.get('size'), 'size');
  checkSize(size, 'size');
  const ref: BlobRef = { sha256: name, size };
  switch (req.method) {
    case 'HEAD':
      if (store.has(ref)) return send(res, 200, blobHeaders(ref, ref.size));
      return send(res, 404, { 'Upload-Offset': String(store.partialSize(ref)), 'Cache-Control': 'no-store', ...HEADERS });
    case 'GET':
      return download(store, ref, req, res, options);
    case 'PUT':
      // A peer that vanished without a word would hold the blob's upload lock until the socket dies.
      req.setTimeout(options.uploadIdleTimeoutMs ?? 60_000, () => req.destroy(new Error('upload idle too long')));
      return upload(store, ref, url, req, res);
    default:
      throw new Refusal(405, BlobErrorCodes.badRequest, `method ${req.method} not allowed on a blob`, '', { Allow: 'HEAD, GET, PUT' });
  }
}

async function check(store: BlobStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readSmallBody(req, MAX_CHECK_BODY_BYTES);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new Refusal(400, BlobErrorCodes.badRequest, `body is not valid JSON: ${(error as Error).message}`, '');
  }
  const blobs = (input as { blobs?: unknown } | null)?.blobs;
  if (!Array.isArray(blobs)) throw new Refusal(400, BlobErrorCodes.invalidInput, 'blobs must be an array of {sha256, size}', 'blobs');
  if (blobs.length > MAX_CHECK_REFS) throw new Refusal(400, BlobErrorCodes.invalidInput, `blobs has ${blobs.length} refs, at most ${MAX_CHECK_REFS} per check`, 'blobs');
  const refs = blobs.map((value, i) => parseBlobRef(value, `blobs.${i}`));
  sendJson(res, 200, { missing: store.missing(refs) });
}

async function upload(store: BlobStore, ref: BlobRef, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const offset = parseDecimal(url.searchParams.get('offset') ?? '0', 'offset');
  if (offset > ref.size) throw new Refusal(400, BlobErrorCodes.invalidInput, `offset ${offset} is past the blob's size ${ref.size}`, 'offset');
  const announced = req.headers['content-length'];
  if (announced !== undefined && Number(announced) > ref.size - offset) {
    throw new Refusal(413, BlobErrorCodes.tooLarge, `body of ${announced} bytes exceeds the ${ref.size - offset} bytes left from offset ${offset}`, 'size');
  }
  if (store.has(ref)) {
    if (announced !== '0') res.setHeader('Connection', 'close');
    return sendJson(res, 200, { ...ref, complete: true, offset: ref.size });
  }
  let result;
  try {
    result = await store.receive(ref, offset, req);
  } catch (error) {
    if (error instanceof OffsetMismatch) {
      throw new Refusal(409, BlobErrorCodes.offsetMismatch, error.message, 'offset', { 'Upload-Offset': String(error.held) });
    }
    if (error instanceof UploadBusy) throw new Refusal(409, BlobErrorCodes.uploadInProgress, error.message, 'sha256', { 'Retry-After': '1' });
    if (error instanceof BlobTooLong) throw new Refusal(413, BlobErrorCodes.tooLarge, error.message, 'size');
    if (error instanceof BlobMismatch) throw new Refusal(422, BlobErrorCodes.blobMismatch, error.message, 'sha256');
    // The client hung up or was cut off mid-body: the partial keeps what arrived, nobody to answer.
    if (req.destroyed || req.errored) return void res.destroy();
    throw error;
  }
  // Committed by another upload while this one waited: its body was not read.
  if (!req.complete) res.setHeader('Connection', 'close');
  if (result.complete) return sendJson(res, 201, { ...ref, complete: true, offset: result.offset });
  sendJson(res, 202, { ...ref, complete: false, offset: result.offset }, { 'Upload-Offset': String(result.offset) });
}

async function download(store: BlobStore, ref: BlobRef, req: IncomingMessage, res: ServerResponse, options: BlobRouteOptions): Promise<void> {
  let file: string;
  try {
    file = store.path(ref);
  } catch (error) {
    if (error instanceof BlobNotFound) throw new Refusal(404, BlobErrorCodes.notFound, `blob ${ref.sha256} of ${ref.size} bytes is not stored`, 'sha256');
    throw error;
  }
  const range = parseRange(req.headers.range, ref.size);
  if (range === 'unsatisfiable') {
    throw new Refusal(416, BlobErrorCodes.badRequest, `range ${req.headers.range} is outside the blob's ${ref.size} bytes`, 'range', {
      'Content-Range': `bytes */${ref.size}`,
    });
  }
  const [start, end] = range ?? [0, ref.size - 1];
  const length = end - start + 1;
  res.writeHead(range ? 206 : 200, {
    ...blobHeaders(ref, length),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${ref.size}` } : {}),
  });
  if (length === 0) return void res.end();
  try {
    await pipeline(fs.createReadStream(file, { start, end, highWaterMark: options.highWaterMark ?? 64 * 1024 }), res);
  } catch {
    // The client went away mid-download; it resumes with a Range.
    res.destroy();
  }
}

/**
 * One byte range of RFC 9110 (bytes=a-b, bytes=a-, bytes=-n), clamped to the size. Several
 * ranges or a malformed header are ignored (the whole blob is sent), as the RFC allows.
 */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return [start, end];
}

function blobHeaders(ref: BlobRef, length: number): Record<string, string> {
  return {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(length),
    'Accept-Ranges': 'bytes',
    ETag: `"${ref.sha256}"`,
    // Content-addressed: the bytes under this name never change.
    'Cache-Control': 'private, max-age=31536000, immutable',
    ...HEADERS,
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, headers);
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...HEADERS,
    ...headers,
  });
  res.end(text);
}

function sendError(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  // A body we did not read (a refused upload) is not drained: the connection closes instead.
  if (!req.complete) res.setHeader('Connection', 'close');
  const body = { code: refusal.code, message: refusal.message, path: refusal.path };
  if (req.method === 'HEAD') return send(res, refusal.status, { 'Cache-Control': 'no-store', ...HEADERS, ...refusal.headers });
  sendJson(res, refusal.status, body, refusal.headers);
}

async function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > limit) throw new Refusal(413, BlobErrorCodes.tooLarge, `body of ${announced} bytes exceeds ${limit} bytes`, '');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Refusal(413, BlobErrorCodes.tooLarge, `body exceeds ${limit} bytes`, '');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
