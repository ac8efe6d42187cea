import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { AgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { AgentRefusal, type AgentController } from './controller';
import { handleBlobRequest } from '../remote/blob-routes';
import type { BlobStore } from '../remote/blob-store';
import type { HostRoute } from '../../../platform/transport/host-route';
import { AGENT_PREFIX, DeregisterInput, HeartbeatInput, LeaseInput, RegisterInput, ReportInput } from './protocol';

const MAX_JSON_BYTES = 4 * 1024 * 1024;


function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec((header ?? '').trim());
  return match?.[1] ?? null;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BYTES) return void req.destroy(new AgentRefusal(413, 'too_large', `body exceeds ${MAX_JSON_BYTES} bytes`));
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() === '' ? {} : JSON.parse(text));
      } catch (error) {
        reject(new AgentRefusal(400, 'bad_request', `body is not valid JSON: ${(error as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.join('.');
  let found: unknown = input;
  for (const k of issue.path) found = found !== null && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  throw new AgentRefusal(400, 'invalid_input', `${where || '(body)'}: ${issue.message} (found ${JSON.stringify(found)?.slice(0, 100) ?? 'nothing'})`, where);
}

/**
 * The agent protocol's HTTP face (protocol.ts), mounted by the host under AGENT_PREFIX. Its own
 * authentication: an agent token (Bearer header only; never a person's token, never in the URL).
 */
export function createAgentRoutes(deps: { controller: AgentController; tokens: AgentTokenStore; blobs: BlobStore }): HostRoute {
  const { controller } = deps;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' };
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="lightbox-agents"';
    res.writeHead(status, headers);
    res.end(text);
  };
  return {
    prefix: AGENT_PREFIX,
    // Blob uploads stream and are cut when idle (blob-routes.ts), not by the host's whole-request limit.
    streamsBody: (subpath) => subpath.startsWith('blobs/'),
    async handle(req, res, subpath) {
      try {
        const who = deps.tokens.authenticate(bearer(req.headers.authorization));
        if (!who.ok) return send(res, 401, { code: 'unauthorized', message: who.message });
        const name = who.token.name;
        // Blob routes stream uploads: they cut a stalled one themselves.
        if (subpath.startsWith('blobs/')) return await handleBlobRequest(deps.blobs, req, res, subpath.slice('blobs/'.length));
        if (req.method !== 'POST') {
          res.setHeader('Allow', 'POST');
          return send(res, 405, { code: 'bad_request', message: 'use POST' });
        }
        const body = await readJson(req);
        switch (subpath) {
          case 'register':
            return send(res, 200, controller.register(name, parse(RegisterInput, body)));
          case 'lease': {
            const gone = new AbortController();
            res.on('close', () => gone.abort());
            return send(res, 200, await controller.lease(name, parse(LeaseInput, body), gone.signal));
          }
          case 'heartbeat':
            return send(res, 200, controller.heartbeat(name, parse(HeartbeatInput, body)));
          case 'report': {
            const report = parse(ReportInput, body);
            if (report.type === 'log') controller.log(name, report);
            else if (report.type === 'frame') controller.frame(name, report);
            else if (report.type === 'done') controller.done(name, report);
            else controller.failed(name, report);
            return send(res, 200, { ok: true });
          }
          case 'deregister':
            controller.deregister(name, parse(DeregisterInput, body));
            return send(res, 200, { ok: true });
          default:
            return send(res, 404, { code: 'not_found', message: `no agent route "${subpath}"` });
        }
      } catch (error) {
        if (error instanceof AgentRefusal) return send(res, error.status, { code: error.code, message: error.message, path: error.path });
        throw error;
      }
    },
  };
}
