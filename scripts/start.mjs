#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (a machine
// without access to Electron's downloads), say so and run the same app headless instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run([path.join(root, 'scripts/build.mjs')]) !== 0) process.exit(1);

let electronBinary = null;
try {
  // electron's index downloads the binary on first use where the network allows.
  electronBinary = createRequire(import.meta.url)('electron');
} catch (error) {
  process.stderr.write(
    `\nThe Electron binary is not available here (${error.message.split('\n')[0]}).\n` +
      'Starting the headless host instead: open the URL below in Chromium or Chrome.\n\n',
  );
}

const child = electronBinary
  ? spawn(electronBinary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
  : spawn(process.execPath, [path.join(root, 'scripts/lightbox.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
