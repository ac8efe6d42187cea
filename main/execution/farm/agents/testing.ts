import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import type { buildSync } from 'esbuild';
import { createNodeBackend } from '../../../entry/cli/node-backend';
import { startHeadlessHost, type HeadlessHost } from '../../../entry/host/headless-host';
import type { Backend } from '../../../entry/app/backend';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { TEST_BLENDER } from '../../../testing/processes';
import { createAgentRoutes } from './agent-routes';
import { createBlobStore } from '../remote/blob-store';
import { materialLibraryForJob, type BlenderJobInput } from '../../../../workers/blender/job-spec';
import { makeBoxesGlb } from '../../../../workers/blender/test-glb';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', '..');

/**
 * The `lightbox` CLI and the farm's slot worker bundled for these tests into node_modules/.cache
 * (named by content): other sessions rebuilding dist/ at the same time cannot pull it away.
 */
export function agentCli(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as { buildSync: typeof buildSync };
  const common = { absWorkingDir: repoRoot, bundle: true, platform: 'node' as const, target: 'node20', format: 'esm' as const, packages: 'external' as const, write: false, logLevel: 'silent' as const };
  const cli = esbuild.buildSync({ ...common, entryPoints: ['main/entry/cli/main.ts'] }).outputFiles![0]!.contents;
  const worker = esbuild.buildSync({ ...common, entryPoints: ['workers/farm/blender-slot.worker.ts'] }).outputFiles![0]!.contents;
  const hash = crypto.createHash('sha256').update(cli).update(worker).digest('hex').slice(0, 16);
  const dir = path.join(repoRoot, 'node_modules', '.cache', 'lightbox-agent-cli', hash);
  const file = path.join(dir, 'main', 'cli.mjs');
  if (!fs.existsSync(file)) {
    for (const [rel, code] of [[path.join('workers', 'farm', 'blender-slot.worker.mjs'), worker], [path.join('main', 'cli.mjs'), cli]] as const) {
      const dest = path.join(dir, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, dest);
    }
  }
  return file;
}

export interface TestController {
  backend: Backend;
  host: HeadlessHost;
  url: string;
  stop(): Promise<void>;
}

export const TEST_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  BLENDER_PATH: TEST_BLENDER,
};

/** A controller as `lightbox serve` runs one, in this process: backend, host, agent routes; `concurrency` local slots. */
export async function startController(dataDir: string, options: { concurrency: number; leaseTimeoutMs: number; heartbeatMs: number; tls?: { cert: Buffer; key: Buffer }; host?: string }): Promise<TestController> {
  const backend = createNodeBackend(dataDir, {
    ...TEST_ENV,
    LIGHTBOX_CONFIG_DIR: path.join(dataDir, '..', 'config'),
    LIGHTBOX_AGENT_LEASE_TIMEOUT_MS: String(options.leaseTimeoutMs),
    LIGHTBOX_AGENT_HEARTBEAT_MS: String(options.heartbeatMs),
  });
  backend.settings.update({ farm: { concurrency: options.concurrency, threadsPerBlender: 1 } });
  backend.agents.activate();
  const routes = createAgentRoutes({ controller: backend.agents, tokens: createAgentTokenStore(backend.db), blobs: createBlobStore(path.join(dataDir, 'farm', 'blobs')) });
  const host = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, rendererDir: null, routes: [routes], tls: options.tls, host: options.host });
  return {
    backend,
    host,
    url: `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${host.port}/`,
    stop: async () => {
      await host.close();
      await backend.close();
    },
  };
}

export interface RunningAgent {
  child: ChildProcess;
  /** The first line it printed, parsed. */
  line: Promise<Record<string, unknown>>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out(): string;
  err(): string;
  stop(): Promise<void>;
}

/** `lightbox agent` as a render machine runs it: its own process, the token in its environment. */
export function startAgent(
  cli: string,
  args: string[],
  token: string | null,
  env: Record<string, string> = {},
  /** Another machine: a network namespace's spawn (main/testing/netns.ts). */
  spawner: (command: string, args: string[], options: SpawnOptions) => ChildProcess = spawn,
): RunningAgent {
  const child = spawner(process.execPath, [cli, 'agent', ...args], {
    cwd: repoRoot,
    env: { ...TEST_ENV, ...(token ? { LIGHTBOX_AGENT_TOKEN: token } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const line = new Promise<Record<string, unknown>>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      if (out === '') {
        try {
          resolve(JSON.parse(l) as Record<string, unknown>);
        } catch {
          reject(new Error(`the agent's first line is not JSON: ${l}`));
        }
      }
      out += `${l}\n`;
    });
    void exit.then(() => reject(new Error(`lightbox agent exited before registering\n${err}`)));
  });
  line.catch(() => undefined);
  return {
    child,
    line,
    exit,
    out: () => out,
    err: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** The scene every render agent test renders: two boxes, written once per test folder as boxes.glb. */
export async function writeTestScene(dir: string): Promise<string> {
  const glb = path.join(dir, 'boxes.glb');
  fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'Base', size: [2, 0.5, 2], translation: [0, 0, 0] }, { name: 'Post', size: [0.5, 2, 0.5], translation: [0, 1.25, 0] }]));
  return glb;
}

/** A small Cycles still of that scene (fixed seed: the same bytes on any slot, local or agent). */
export function testStill(input: { glb: string; id: string; out: string; samples?: number; size?: number }): Extract<BlenderJobInput, { kind: 'render_still' }> {
  const size = input.size ?? 48;
  return {
    kind: 'render_still',
    id: input.id,
    glb: input.glb,
    camera: { angle: 'front' },
    lighting: 'studio_soft',
    background: { mode: 'color', color: '#336699' },
    materials: { default: 'neutral_grey', by_part: [], library: materialLibraryForJob() },
    renderer: { engine: 'cycles', samples: input.samples ?? 4, seed: 0, threads: 0 },
    resolution: { width: size, height: size, percentage: 100 },
    output: { format: 'png' },
    out: input.out,
  };
}
