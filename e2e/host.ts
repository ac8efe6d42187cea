import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunningHost {
  /** The link `lightbox serve` prints, token included. */
  url: string;
  port: number;
  token: string;
  /** http://127.0.0.1:PORT, without path or token. */
  origin: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts the real headless host as a child process, exactly as a user would:
 * `node scripts/lightbox.mjs serve --data-dir DIR --port 0 --json`, and reads the one JSON line it
 * prints ({url, port, token}).
 */
export async function startHost(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningHost> {
  const cli = path.join(REPO_ROOT, 'scripts', 'lightbox.mjs');
  if (!fs.existsSync(cli)) throw new Error(`${cli} does not exist; the host CLI is needed (and \`npm run build\` before it)`);
  const child = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    // The location setting lives outside the data dir; keep it inside the test's own folder too.
    env: { ...process.env, LIGHTBOX_CONFIG_DIR: path.join(dataDir, 'config'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lightbox serve printed nothing within ${START_TIMEOUT_MS} ms\n${stderr}`));
    }, START_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`lightbox serve exited with ${String(code)} before printing its address\n${stderr}`));
    });
  });

  let parsed: { url?: unknown; port?: unknown; token?: unknown };
  try {
    parsed = JSON.parse(firstLine) as typeof parsed;
  } catch {
    child.kill('SIGKILL');
    throw new Error(`lightbox serve --json printed a line that is not JSON: ${firstLine}`);
  }
  const { url, port, token } = parsed;
  if (typeof url !== 'string' || typeof port !== 'number' || typeof token !== 'string') {
    child.kill('SIGKILL');
    throw new Error(`lightbox serve --json printed an unexpected shape: ${firstLine}`);
  }
  // Keep draining stdout so a chatty host never blocks on a full pipe.
  child.stdout?.resume();

  return {
    url,
    port,
    token,
    origin: new URL(url).origin,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** A fresh, empty data directory per test, so no test sees another's settings or reports. */
export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-e2e-'));
}

export function removeDataDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
