#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (a machine
// without access to Electron's downloads), one line says so and why, and the same app runs on
// the headless host instead (scripts/open-app.mjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from './open-app.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if ((spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' }).status ?? 1) !== 0) process.exit(1);
process.exit(await openApp(process.argv.slice(2)));
