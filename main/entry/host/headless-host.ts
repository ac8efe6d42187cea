import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ErrorCodes,
  MAX_MESSAGE_BYTES,
  WsClientMessageSchema,
  zodToApiError,
  type ApiError,
  type CallResult,
  type WsServerMessage,
} from '../../../shared/contract';
import type { CallContext, Dispatch } from '../../platform/transport/dispatch';
import type { EventBus } from '../../platform/transport/event-bus';
import { statusForError } from './http-status';
import { SECURITY_HEADERS } from './security-headers';
import { serveStatic } from './static-files';
import { bearerToken, newToken, tokenMatches } from './token';
import type { HostRoute } from '../../platform/transport/host-route';

/** The transport's limit, the contract's input limit plus its envelope (shared/contract/wire.ts). */
export const MAX_BODY_BYTES = MAX_MESSAGE_BYTES;

/** Slow clients (a header trickled byte by byte, a body that never ends) are cut off in seconds. */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 30_000;

export interface HostOptions {
  dispatch: Dispatch;
  events: EventBus;
  /** Loopback by default; anything else must be asked for. */
  host?: string;
  port?: number;
  rendererDir: string | null;
  token?: string;
  /** HTTPS and WSS with this certificate and key (PEM); plain HTTP without. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Tests shorten these; the defaults are HEADERS_TIMEOUT_MS and REQUEST_TIMEOUT_MS. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Routes with their own authentication under a path prefix (render agents: /farm/agent/v1/). */
  routes?: HostRoute[];
}

/** Cuts a request whose body has not all arrived within `ms` (a body that never ends): 408, then the connection goes. */
function limitBodyTime(req: IncomingMessage, res: ServerResponse, ms: number): void {
  if (req.complete) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    if (!res.headersSent) {
      res.writeHead(408, { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('request body too slow\n');
    }
    req.socket.destroySoon();
    setTimeout(() => req.socket.destroy(), 1_000).unref();
  }, ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', clear);
  // Answered without reading the whole body (a refusal): the limit has nothing left to guard.
  res.once('finish', clear);
  res.once('close', clear);
}

export interface HeadlessHost {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Who may call: the one shared token of `lightbox serve`, or each person's token on the hub.
 * The token comes from the Authorization header (HTTP) or `?token=` (the socket, as browsers
 * cannot set headers on one).
 */
export interface HostAccess {
  /** Whether the token works at all: checked before a body is read, at the socket's upgrade and before every event it is sent. */
  admits(token: string | null): boolean;
  /** The answer to a call whose token does not work (401; the hub says the rule and records it). */
  refuse(token: string | null, method: string): ApiError;
  /** One call with the token it came with: the access decides, then dispatches. */
  call(token: string | null, method: string, input: unknown, ctx: CallContext): Promise<CallResult>;
}

/** The hub's host: the same transport, each call let through (or not) by `access`. */
export type AccessHostOptions = Omit<HostOptions, 'dispatch' | 'token'> & { access: HostAccess };

export interface AccessHost {
  /** The address without any token: each person brings their own. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether an address to bind names this machine only. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether a peer's address is this machine (IPv4, IPv6, IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || /^127\.\d+\.\d+\.\d+$/.test(plain);
}

/**
 * The headless host: the same contract as Electron IPC, over HTTP (POST /api/<method>) and a
 * WebSocket (/ws, calls and events), plus the built renderer. Every call and the socket need the
 * per-start token.
 */
export async function startHeadlessHost(options: HostOptions): Promise<HeadlessHost> {
  const token = options.token ?? newToken();
  const access: HostAccess = {
    admits: (given) => tokenMatches(token, given),
    refuse: () => ({ code: ErrorCodes.unauthorized, message: 'missing or wrong token', path: '' }),
    call: (_token, method, input, ctx) => options.dispatch(method, input, ctx),
  };
  const listening = await startAccessHost({ ...options, access });
  return { ...listening, url: `${listening.url}?token=${token}`, token };
}

/**
 * The transport under both hosts: HTTP (POST /api/<method>), the WebSocket (/ws) and the built
 * renderer, every call and the socket let in by `options.access`.
 */
export async function startAccessHost(options: AccessHostOptions): Promise<AccessHost> {
  const { access } = options;
  const bindHost = options.host ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();
  let port = 0;

  const hostHeaderAllowed = (req: IncomingMessage): boolean => {
    // Against DNS rebinding: when bound to loopback, only loopback names may address us.
    if (!LOOPBACK.has(bindHost)) return true;
    const header = req.headers.host ?? '';
    const name = header.replace(/:\d+$/, '');
    return LOOPBACK.has(name);
  };

  /**
   * Browsers send Origin on every WebSocket: only a page this host served may open the socket
   * (Origin equal to http(s)://<the Host header>). A request without Origin comes from a
   * non-browser client (curl, ws, the CLI); it stays allowed, since it still needs the token.
   */
  const sameOrigin = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === (req.headers.host ?? '').toLowerCase();
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...SECURITY_HEADERS,
    });
    res.end(text);
  };
  const sendError = (res: ServerResponse, error: ApiError, status = statusForError(error.code)): void => {
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="lightbox"');
    sendJson(res, status, error);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    if (!access.admits(token)) return sendError(res, access.refuse(token, method));
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, { code: ErrorCodes.badRequest, message: 'use POST for contract methods', path: '' }, 405);
    }
    // Refused on the announced size before a byte of the body is read; the connection is closed.
    const announced = Number(req.headers['content-length'] ?? 0);
    if (announced > MAX_BODY_BYTES) {
      res.setHeader('Connection', 'close');
      return sendError(res, { code: ErrorCodes.badRequest, message: `body of ${announced} bytes exceeds ${MAX_BODY_BYTES} bytes`, path: '' }, 413);
    }
    // A client that hangs up (or is cut off by the request timeout) mid-body gets no answer.
    const body = await readBody(req).catch(() => null);
    if (body === null) return void res.destroy();
    if (body === 'too_large') {
      res.setHeader('Connection', 'close');
      return sendError(res, { code: ErrorCodes.badRequest, message: `body exceeds ${MAX_BODY_BYTES} bytes`, path: '' }, 413);
    }
    let input: unknown = {};
    if (body.trim() !== '') {
      try {
        input = JSON.parse(body);
      } catch (error) {
        return sendError(res, {
          code: ErrorCodes.badRequest,
          message: `body is not valid JSON: ${(error as Error).message}`,
          path: '',
        });
      }
    }
    const result = await access.call(token, method, input, { transport: 'http', loopback: isLoopbackAddress(req.socket.remoteAddress) });
    if (result.ok) sendJson(res, 200, result.result);
    else sendError(res, result.error);
  };

  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const serverOptions: http.ServerOptions = {
    headersTimeout,
    // The whole-request limit is the host's own (limitBodyTime), per route: it covers receiving a
    // body, not answering it, and streamed uploads are timed by idleness instead.
    requestTimeout: 0,
    // How often Node checks the headers timeout (its default, 30 s, would make it minutes).
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      if (!hostHeaderAllowed(req)) {
        return sendError(res, { code: ErrorCodes.badRequest, message: 'unexpected Host header', path: '' }, 421);
      }
      let url: URL;
      let apiMethod: string | null = null;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname.startsWith('/api/')) apiMethod = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        return sendError(res, { code: ErrorCodes.badRequest, message: 'malformed URL (bad percent-encoding)', path: '' });
      }
      const route = apiMethod === null ? options.routes?.find((r) => url.pathname.startsWith(r.prefix)) : undefined;
      const subpath = route ? url.pathname.slice(route.prefix.length) : '';
      if (!route?.streamsBody?.(subpath)) limitBodyTime(req, res, requestTimeout);
      if (apiMethod !== null) return handleApi(req, res, apiMethod);
      if (route) return route.handle(req, res, subpath);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendError(res, { code: ErrorCodes.badRequest, message: 'method not allowed', path: '' }, 405);
      }
      serveStatic(options.rendererDir, url.pathname, res, req.method === 'HEAD');
    })().catch((error: unknown) => {
      console.error('[lightbox] host request failed:', error);
      if (!res.headersSent) sendError(res, { code: ErrorCodes.internal, message: 'request failed', path: '' });
      else res.destroy();
    });
  };
  const server = options.tls
    ? https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, onRequest)
    : http.createServer(serverOptions, onRequest);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Node hands the raw socket over without its error listener; a reset here must not end the host.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!hostHeaderAllowed(req)) return refuse(421, 'Misdirected Request');
    if (!sameOrigin(req)) return refuse(403, 'Forbidden');
    const token = url.searchParams.get('token') ?? bearerToken(req.headers.authorization);
    if (!access.admits(token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, token, isLoopbackAddress(req.socket.remoteAddress)));
  });

  const onSocket = (ws: WebSocket, token: string | null, loopback: boolean): void => {
    sockets.add(ws);
    const send = (message: WsServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    // Events only while the token works: a person revoked mid-session stops hearing at once.
    const unsubscribe = options.events.subscribe((event, payload) => {
      if (access.admits(token)) send({ type: 'event', event, payload });
      else ws.close(1008, 'token no longer valid');
    });
    // A protocol error (a frame over maxPayload, bad UTF-8) closes this socket with its code
    // (1009, 1007, 1002) inside ws; without a listener it would be thrown and end the host.
    ws.on('error', (error) => console.warn(`[lightbox] WebSocket closed: ${error.message}`));
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let raw: unknown;
        try {
          raw = JSON.parse(isBinary ? '' : data.toString());
        } catch {
          return send({ type: 'result', id: null, ok: false, error: { code: ErrorCodes.badRequest, message: 'frame is not valid JSON', path: '' } });
        }
        const parsed = WsClientMessageSchema.safeParse(raw);
        if (!parsed.success) {
          const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
          return send({ type: 'result', id, ok: false, error: zodToApiError(parsed.error, ErrorCodes.badRequest, raw) });
        }
        const { id, method, input } = parsed.data;
        const result = await access.call(token, method, input, { transport: 'http', loopback });
        send(result.ok ? { type: 'result', id, ok: true, result: result.result } : { type: 'result', id, ok: false, error: result.error });
      })().catch((error: unknown) => {
        // Never an unhandled rejection: that would end the host for every client.
        console.error('[lightbox] host socket frame failed:', error);
        send({ type: 'result', id: null, ok: false, error: { code: ErrorCodes.internal, message: 'frame failed', path: '' } });
      });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  const scheme = options.tls ? 'https' : 'http';
  const url = `${scheme}://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}/`;

  return {
    url,
    port,
    host: bindHost,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // A body without Content-Length (chunked) that grows too large: stop reading at once.
      tooLarge = true;
      req.off('data', onData);
      req.pause();
      resolve('too_large');
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
