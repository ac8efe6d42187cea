import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './processes';

/** The checkout this runs from, found upward (from main/testing in tests, from dist/main in a bench). */
function checkoutRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'scripts', 'lightbox.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('scripts/lightbox.mjs not found above this file');
  }
}
const repoRoot = checkoutRoot();

/** The CLI as a studio runs it (scripts/lightbox.mjs over the built dist/). */
export const CLI = path.join(repoRoot, 'scripts', 'lightbox.mjs');
const BUILT_CLI = path.join(repoRoot, 'dist', 'main', 'cli.mjs');

export interface HubProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Printed on the first start only. */
  adminToken: string | undefined;
  /** What it wrote to stderr so far (most of the story when a call to it fails). */
  stderr(): string;
  stop(): Promise<void>;
}

/** `lightbox hub` in its own process on `dataDir`; resolves once it printed its address. */
export async function startHubProcess(dataDir: string, configDir: string, port = 0): Promise<HubProcess> {
  if (!(await waitFor(() => fs.existsSync(BUILT_CLI), 30_000, 200))) throw new Error('dist/ is not built (npm run build)');
  const child = spawn(process.execPath, [CLI, 'hub', '--data-dir', dataDir, '--port', String(port), '--json'], {
    cwd: repoRoot,
    env: { ...process.env, LIGHTBOX_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (err += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then(() => reject(new Error(`lightbox hub exited before printing its address\n${err}`)));
  });
  const printed = JSON.parse(line) as { url: string; port: number; adminToken?: string };
  return {
    child,
    url: printed.url,
    port: printed.port,
    adminToken: printed.adminToken,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `lightbox ARGS` in its own process: exit code, stdout, stderr. */
export function lightboxProcess(args: string[], configDir: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: repoRoot, env: { ...process.env, LIGHTBOX_CONFIG_DIR: configDir } }, (error, out, err) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}
