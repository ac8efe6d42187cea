import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { AGENT_PREFIX } from '../protocol';

/**
 * The agent's line to its controller: HTTP or HTTPS (with a CA file for a studio's own
 * certificate), the token in the Authorization header only. A network failure (refused, reset,
 * timed out) is a LinkDown the caller may retry; an answer with any status is returned as is.
 */
export class LinkDown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkDown';
  }
}

export interface LinkAnswer {
  status: number;
  body: unknown;
}

export interface ControllerLink {
  readonly baseUrl: URL;
  json(path: string, body: unknown, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<LinkAnswer>;
  /** A raw request (blob transfer): the body streamed from `upload`, the answer streamed to `download`. */
  raw(method: string, path: string, options: { upload?: Readable; headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal }): Promise<{ status: number; stream: http.IncomingMessage }>;
  close(): void;
}

export function createControllerLink(options: { controller: string; token: string; ca?: string }): ControllerLink {
  const baseUrl = new URL(options.controller);
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw new Error(`--controller must be an http:// or https:// URL, got "${options.controller}"`);
  const secure = baseUrl.protocol === 'https:';
  const ca = options.ca ? fs.readFileSync(options.ca) : undefined;
  const agent = secure ? new https.Agent({ keepAlive: true, ca }) : new http.Agent({ keepAlive: true });
  const urlOf = (p: string) => new URL(`${AGENT_PREFIX}${p}`, baseUrl);

  const raw: ControllerLink['raw'] = (method, p, opts) =>
    new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        urlOf(p),
        { method, agent, headers: { Authorization: `Bearer ${options.token}`, ...opts.headers } },
        (res) => resolve({ status: res.statusCode ?? 0, stream: res }),
      );
      const fail = (error: Error) => reject(new LinkDown(`${baseUrl.origin}: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      request.on('error', fail);
      if (opts.signal?.aborted) request.destroy(new Error('aborted'));
      opts.signal?.addEventListener('abort', () => request.destroy(new Error('aborted')), { once: true });
      if (opts.timeoutMs) request.setTimeout(opts.timeoutMs, () => request.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
      if (opts.upload) {
        opts.upload.on('error', (e) => request.destroy(e));
        opts.upload.pipe(request);
      } else request.end();
    });

  return {
    baseUrl,
    async json(p, body, opts = {}) {
      const text = JSON.stringify(body);
      const { status, stream } = await raw('POST', p, {
        upload: Readable.from([Buffer.from(text)]),
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) },
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
      });
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of stream) chunks.push(chunk as Buffer);
      } catch (error) {
        throw new LinkDown(`${baseUrl.origin}: the answer was cut off (${(error as Error).message})`);
      }
      const answer = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown = answer;
      try {
        parsed = answer ? JSON.parse(answer) : null;
      } catch {
        // Not JSON (a proxy's error page): kept as text for the error message.
      }
      return { status, body: parsed };
    },
    raw,
    close: () => agent.destroy(),
  };
}
