import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';

/** The server could not be reached or did not answer (refused, reset, timed out): it changed nothing we know of. */
export class ServerUnreachable extends Error {
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServerUnreachable';
  }
}

export interface HttpClientOptions {
  /** Per call; a hub that does not answer in time counts as unreachable. */
  timeoutMs?: number;
}

/**
 * Calls a contract method on another Lightbox (a hub, or a headless host) the way its HTTP
 * transport takes them: POST <base>/api/<method>, the input as JSON, the person's token as a
 * bearer token. A refusal answers ApiFailure with the server's code, message and path; no answer
 * at all is ServerUnreachable. The token is never put in a message.
 */
export function createHttpClient(baseUrl: string, token: string, options: HttpClientOptions = {}) {
  const base = new URL(baseUrl);
  base.search = '';
  base.hash = '';
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    async call<T>(method: string, input: unknown): Promise<T> {
      const url = new URL(`api/${encodeURIComponent(method)}`, base.href.endsWith('/') ? base.href : `${base.href}/`);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new ServerUnreachable(base.origin, `${base.origin} could not be reached (${why})`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ServerUnreachable(base.origin, `${base.origin} answered ${response.status} without JSON: is it a Lightbox hub?`);
      }
      if (response.ok) return body as T;
      const error = body as { code?: unknown; message?: unknown; path?: unknown };
      throw new ApiFailure(
        typeof error.code === 'string' ? error.code : ErrorCodes.internal,
        `${base.origin} refused ${method} (${response.status}): ${typeof error.message === 'string' ? error.message : 'no reason given'}`,
        typeof error.path === 'string' ? error.path : '',
      );
    },
  };
}
