import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { createNodeBackend } from '../../../../entry/cli/node-backend';
import { startHeadlessHost, type HeadlessHost } from '../../../../entry/host/headless-host';
import type { Backend } from '../../../../entry/app/backend';
import { createAgentTokenStore } from '../../../../platform/farm-tokens/agent-token-store';
import { createAgentRoutes } from '../agent-routes';
import { createBlobStore } from '../../remote/blob-store';

/**
 * A controller and `lightbox agent`s on two "machines": the controller listens on the host end
 * of a network namespace's veth pair (not loopback), the agent runs inside the namespace. Used
 * by the namespace test and by `npm run bench:scale`, so it takes the CLI file and the spawner
 * rather than building or finding them itself.
 */

/** One answer the agent routes gave: which route, to whom (remote address), status, body, and when (Date.now at request and answer). */
export interface RouteAnswer {
  subpath: string;
  method: string;
  from: string;
  status: number;
  body: string;
  startedAt: number;
  endedAt: number;
}

export interface NetController {
  backend: Backend;
  host: HeadlessHost;
  url: string;
  /** Every answer of the agent routes, in order (for asserting what an agent was told). */
  answers: RouteAnswer[];
  stop(): Promise<void>;
}

/** `lightbox serve`'s controller in this process, listening on `address` only. */
export async function startNetController(
  dataDir: string,
  address: string,
  options: { concurrency: number; threadsPerBlender?: number; leaseTimeoutMs: number; heartbeatMs: number; env: Record<string, string> },
): Promise<NetController> {
  const backend = createNodeBackend(dataDir, {
    ...options.env,
    LIGHTBOX_CONFIG_DIR: path.join(dataDir, '..', 'config'),
    LIGHTBOX_AGENT_LEASE_TIMEOUT_MS: String(options.leaseTimeoutMs),
    LIGHTBOX_AGENT_HEARTBEAT_MS: String(options.heartbeatMs),
  });
  backend.settings.update({ farm: { concurrency: options.concurrency, threadsPerBlender: options.threadsPerBlender ?? 1 } });
  backend.agents.activate();
  const routes = createAgentRoutes({ controller: backend.agents, tokens: createAgentTokenStore(backend.db), blobs: createBlobStore(path.join(dataDir, 'farm', 'blobs')) });
  const answers: RouteAnswer[] = [];
  // Observes what each answer said, without changing it: the routes write it as they always do.
  const observed = {
    prefix: routes.prefix,
    handle(req: IncomingMessage, res: ServerResponse, subpath: string) {
      const startedAt = Date.now();
      const chunks: Buffer[] = [];
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        const chunk = args[0];
        if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
        return end(...args);
      }) as ServerResponse['end'];
      res.once('finish', () => answers.push({ subpath, method: req.method ?? '', from: req.socket.remoteAddress ?? '', status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), startedAt, endedAt: Date.now() }));
      return routes.handle(req, res, subpath);
    },
  };
  const host = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, rendererDir: null, routes: [observed], host: address });
  return {
    backend,
    host,
    url: `http://${address}:${host.port}/`,
    answers,
    stop: async () => {
      await host.close();
      await backend.close();
    },
  };
}

export interface NetAgent {
  child: ChildProcess;
  /** The JSON line it printed once registered. */
  line: Promise<{ agentId: string; controller: string; slots: number }>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  err(): string;
  /** SIGTERM (it drains), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `lightbox agent` started through `spawn` (a namespace's, so it runs on the other "machine"),
 * optionally under `prefix` (e.g. taskset -c 1), the token in its environment, never in argv.
 */
export function startNetAgent(
  spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess,
  cli: string,
  args: string[],
  token: string,
  env: Record<string, string>,
  prefix: string[] = [],
): NetAgent {
  const command = [...prefix, process.execPath, cli, 'agent', ...args];
  const child = spawn(command[0]!, command.slice(1), { env: { ...env, LIGHTBOX_AGENT_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const line = new Promise<{ agentId: string; controller: string; slots: number }>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (l) => {
      try {
        resolve(JSON.parse(l) as { agentId: string; controller: string; slots: number });
      } catch {
        reject(new Error(`the agent's first line is not JSON: ${l}`));
      }
    });
    void exit.then(() => reject(new Error(`lightbox agent exited before registering\n${err}`)));
  });
  line.catch(() => undefined);
  return {
    child,
    line,
    exit,
    err: () => err,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
