import type { IncomingMessage, ServerResponse } from 'node:http';

/** A route tree the host mounts under a path prefix, authenticating its own requests (not with the host's token). */
export interface HostRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, subpath: string): Promise<void>;
  /**
   * Subpaths whose bodies are streamed uploads the route times by idleness itself: the host's
   * whole-request limit would cut a slow upload that is still moving, every REQUEST_TIMEOUT_MS.
   */
  streamsBody?(subpath: string): boolean;
}
