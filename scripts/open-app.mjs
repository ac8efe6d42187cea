#!/usr/bin/env node
// Opens the built app: the desktop app in Electron, or, where no Electron binary can be had, the
// same app on the headless host, announced in one line that says why. `npm start` builds first and
// then does this; `node scripts/open-app.mjs [serve options]` does it without building.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The electron package's folder, or null when it is not installed. */
function electronPackageDir() {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const binaryIn = (packageDir, env) => {
  const pathFile = path.join(packageDir, 'path.txt');
  const name = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
  return name ? path.join(packageDir, 'dist', name) : null;
};

/** The message of the error a failed download printed ("fetch failed"), without its stack. */
function failureOf(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !/^at\s/.test(l));
  const error = lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? '';
  return error.replace(/^[A-Za-z]*Error:\s*/, '').slice(0, 200);
}

/**
 * The Electron binary, or why there is none. Unlike require('electron'), it never lets the
 * package's download print its progress or a stack trace: a missing binary is fetched once with
 * the package's own installer, its output kept, and a failure comes back as a one-line reason.
 */
export function findElectron({ packageDir = electronPackageDir(), env = process.env, timeoutMs = 300_000 } = {}) {
  if (!packageDir) return { binary: null, reason: 'the electron package is not installed' };
  const existing = binaryIn(packageDir, env);
  if (existing && fs.existsSync(existing)) return { binary: existing };
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return { binary: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${existing})` };
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { binary: null, reason: 'none is installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set' };
  const installer = path.join(packageDir, 'install.js');
  if (!fs.existsSync(installer)) return { binary: null, reason: 'none is installed and the electron package has no installer' };
  const run = spawnSync(process.execPath, [installer], { cwd: packageDir, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const downloaded = binaryIn(packageDir, env);
  if (run.status === 0 && downloaded && fs.existsSync(downloaded)) return { binary: downloaded };
  if (run.error?.code === 'ETIMEDOUT') return { binary: null, reason: `downloading it took longer than ${Math.round(timeoutMs / 1000)} s` };
  const why = failureOf(`${run.stdout ?? ''}\n${run.stderr ?? ''}`);
  return { binary: null, reason: `downloading it failed${why ? `: ${why}` : ''}` };
}

/** The one line `npm start` prints when it runs the headless host instead. */
export function headlessNotice(reason) {
  return `Lightbox: no Electron binary here (${reason}); starting the headless host instead: open the URL below in Chromium or Chrome.`;
}

/** Starts the app (Electron, else the headless host) with these arguments; resolves with its exit code. */
export function openApp(args = [], { env = process.env, stderr = (text) => process.stderr.write(text) } = {}) {
  const found = findElectron({ env });
  if (!found.binary) stderr(`${headlessNotice(found.reason)}\n`);
  const child = found.binary
    ? spawn(found.binary, [root, ...args], { cwd: root, env, stdio: 'inherit' })
    : spawn(process.execPath, [path.join(root, 'scripts', 'lightbox.mjs'), 'serve', ...args], { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(await openApp(process.argv.slice(2)));
}
