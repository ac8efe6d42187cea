import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { APIRequestContext } from '@playwright/test';
import { REPO_ROOT } from './host';

const CLI = path.join(REPO_ROOT, 'scripts', 'lightbox.mjs');
const START_TIMEOUT_MS = 60_000;

export interface RunningHub {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const envFor = (dataDir: string) => ({ ...process.env, LIGHTBOX_CONFIG_DIR: path.join(dataDir, 'config') });

/** `lightbox hub --data-dir DIR --json` as a studio starts it; its first line is {url, port, adminToken}. */
export async function startHub(dataDir: string, port = 0): Promise<RunningHub> {
  const child = spawn(process.execPath, [CLI, 'hub', '--data-dir', dataDir, '--port', String(port), '--json'], { cwd: REPO_ROOT, env: envFor(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lightbox hub printed nothing within ${START_TIMEOUT_MS} ms\n${stderr}`));
    }, START_TIMEOUT_MS);
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (l) => {
      clearTimeout(timer);
      lines.close();
      resolve(l);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`lightbox hub exited before printing its address\n${stderr}`));
    });
  });
  child.stdout.resume();
  const printed = JSON.parse(line) as { url: string; port: number };
  return {
    url: printed.url,
    port: printed.port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `lightbox users add NAME --role ROLE` on the hub's data directory: the person's token. */
export function addPerson(hubDir: string, name: string, role: 'artist' | 'lead' | 'admin'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'users', 'add', name, '--role', role, '--data-dir', hubDir, '--json'], { cwd: REPO_ROOT, env: envFor(hubDir) }, (error, out, err) => {
      if (error) reject(new Error(`lightbox users add failed: ${err || error.message}`));
      else resolve((JSON.parse(out) as { token: string }).token);
    });
  });
}

/** One contract method on the hub over HTTP, as a person (their token). */
export async function callHub<T = unknown>(request: APIRequestContext, hub: RunningHub, token: string, method: string, input: unknown): Promise<T> {
  const response = await request.post(`${hub.url.replace(/\/$/, '')}/api/${method}`, { headers: { Authorization: `Bearer ${token}` }, data: input });
  const body = await response.text();
  if (!response.ok()) throw new Error(`hub ${method} answered ${response.status()}: ${body}`);
  return JSON.parse(body) as T;
}
