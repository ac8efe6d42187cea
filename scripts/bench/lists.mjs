#!/usr/bin/env node
/* global window, document, requestAnimationFrame, MutationObserver */
// npm run bench:lists — lists over a year of history (issue 21 item 4). A data directory is seeded
// through the production services (dist/main/bench-lists-seed.mjs: 100,000 order lines with runs,
// assets, notifications and comparisons), then against the real headless host:
//   1. the first page of each list method over HTTP: time (median of 7) and size;
//   2. the first paint of each page in Chromium (Playwright): from navigation to its first rows;
//   3. scrolling the Runs table through 2,000 rows (pages fetched on the way): frames per second.
// Not a test: it prints the figures, the targets (< 50 ms, < 100 KB, < 800 ms, >= 50 fps) and the
// ratios to the baseline of 5,200 lines before paging (orders.list 1.96 MB in 184 ms, the Orders
// page 2.6 s). LINES=20000 npm run bench:lists seeds fewer lines.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LINES = Number(process.env.LINES ?? 100_000);
const SCROLL_ROWS = 2_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TARGET = { ms: 50, kib: 100, paintMs: 800, fps: 50 };
const BASELINE = { bytes: 1.96 * 1024 * 1024, ms: 184, paintMs: 2600 };

const env = (dataDir) => ({ ...process.env, LIGHTBOX_CONFIG_DIR: path.join(dataDir, 'config') });

async function startHost(dataDir) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'lightbox.mjs'), 'serve', '--data-dir', dataDir, '--port', '0', '--json'], { cwd: ROOT, env: env(dataDir), stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`lightbox serve exited with ${code}`)));
  });
  return { ...JSON.parse(line), stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtKib = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mark = (ok) => (ok ? 'ok ' : 'OVER');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-bench-lists-'));
const dataDir = path.join(work, 'data');
// This machine's preflight report first: a data directory without one would run preflight beside the figures.
spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'lightbox.mjs'), 'preflight', '--data-dir', dataDir], { cwd: ROOT, env: env(dataDir), stdio: 'ignore' });

console.log(`Seeding ${LINES.toLocaleString('en')} order lines through the services…`);
const seeding = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'main', 'bench-lists-seed.mjs'), dataDir, String(LINES)], { cwd: ROOT, env: env(dataDir), stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 20 });
if (seeding.status !== 0) throw new Error(`seeding failed (exit ${seeding.status})`);
const seeded = JSON.parse(seeding.stdout.trim().split('\n').at(-1));
console.log(
  `Seeded in ${seeded.seconds.toFixed(0)} s: ${seeded.lines} lines in ${seeded.orders} orders (one of 5,000), ${seeded.runs} runs, ${seeded.assets} assets, ${seeded.notifications} notifications, ${seeded.comparisons} comparisons, ${seeded.cadFiles} CAD files.\n`,
);

const host = await startHost(dataDir);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
try {
  const call = async (method, input) => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    const text = await response.text();
    const ms = performance.now() - started;
    if (!response.ok) throw new Error(`${method} ${JSON.stringify(input)}: ${response.status} ${text.slice(0, 300)}`);
    return { ms, bytes: Buffer.byteLength(text), body: JSON.parse(text) };
  };

  const { groups } = (await call('review.groups', { limit: 50 })).body;
  const largestGroup = groups.reduce((best, g) => (g.counts.total > best.counts.total ? g : best), groups[0]).id;

  // 1. First pages, as the pages ask for them (default page size), and a few filtered and searched ones.
  const firstPages = [
    ['orders.list', {}],
    ['orders.lines', { orderId: seeded.bigOrderId }],
    ['orders.lines', { status: 'failed' }],
    ['orders.summary', {}],
    ['runs.list', {}],
    ['runs.list', { status: 'failed' }],
    ['runs.list', { q: 'part-0042' }],
    ['assets.list', {}],
    ['cad.list', {}],
    ['cad.summary', {}],
    ['notifications.list', {}],
    ['notifications.list', { state: 'pending' }],
    ['comparisons.list', {}],
    ['comparisons.list', { verdict: 'fail' }],
    ['comparisons.summary', {}],
    // Review groups (issue 22): a page of groups, each with its first differences and a bounded contact-sheet sample.
    ['review.groups', {}],
    // The largest group's members and its differences, a page at a time ("Show all", "Load more differences").
    ['review.members', { groupId: largestGroup }],
    ['review.members', { groupId: largestGroup, differences: true }],
    ['rollout.log', {}],
    // Every output type's gates: coverage counted in SQL, the latest comparison read alone.
    ['rollout.status', {}],
    ['orders.list', { q: 'Trade fair' }],
    // A search that matches nothing is the worst case: no page fills early, every candidate row is looked at.
    ...['orders.list', 'orders.lines', 'runs.list', 'assets.list', 'cad.list', 'notifications.list', 'comparisons.list'].map((method) => [method, { q: 'no such text' }]),
    // Two characters: too short for the trigram indexes, so a LIKE scan newest first.
    ...['orders.list', 'orders.lines', 'runs.list', 'assets.list', 'cad.list', 'notifications.list', 'comparisons.list'].map((method) => [method, { q: 'zq' }]),
  ];
  console.log('First page of each list method (HTTP, median of 7 after a warm-up):');
  const rows = [];
  for (const [method, input] of firstPages) {
    let result;
    try {
      await call(method, input);
      const times = [];
      for (let i = 0; i < 7; i++) {
        result = await call(method, input);
        times.push(result.ms);
      }
      result = { ...result, ms: median(times) };
    } catch (error) {
      console.log(`  ${method.padEnd(20)} ${JSON.stringify(input).padEnd(34)} not measured: ${error.message.slice(0, 160)}`);
      continue;
    }
    const items = Array.isArray(result.body.items) ? `${result.body.items.length} items` : Array.isArray(result.body.groups) ? `${result.body.groups.length} groups, ${result.body.groups.reduce((n, g) => n + g.members.length, 0)} members shown of ${result.body.groups.reduce((n, g) => n + g.counts.total, 0)}` : 'counts';
    rows.push({ method, ms: result.ms, bytes: result.bytes });
    console.log(
      `  ${method.padEnd(20)} ${JSON.stringify(input).slice(0, 34).padEnd(34)} ${fmtMs(result.ms).padStart(9)} ${mark(result.ms < TARGET.ms)}  ${fmtKib(result.bytes).padStart(9)} ${mark(result.bytes < TARGET.kib * 1024)}  ${items}`,
    );
  }
  const orders = rows.find((r) => r.method === 'orders.list');
  if (orders) console.log(`  orders.list against the baseline (every order and line at 5,200 lines): ${(BASELINE.bytes / orders.bytes).toFixed(0)}× smaller, ${(BASELINE.ms / orders.ms).toFixed(1)}× faster, at ${(LINES / 5200).toFixed(0)}× the history.`);

  // 2. First paint of each page: navigation (hash change in the running app) until its first rows are drawn.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // Warm the app (bundle, connection) on a light page first, as a user has the app open.
  await page.goto(`${host.url}#/workflows`);
  await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
  const pages = [
    ['Orders', '#/orders', `document.querySelector('table[aria-label^="Lines of"] tbody tr[aria-rowindex]')`],
    ['Runs', '#/runs', `document.querySelector('table[aria-label="Runs"] tbody tr[aria-rowindex]')`],
    ['CAD library', '#/cad-library', `document.querySelector('table[aria-label="CAD files"] tbody tr[aria-rowindex]')`],
    // The list of every comparison (the area opens on review by revision, issue 22).
    ['Comparisons', '#/comparisons?view=all', `document.querySelector('table[aria-label="Comparisons"] tbody tr[aria-rowindex]')`],
    ['Farm', '#/farm', `[...document.querySelectorAll('main h2')].some((h) => h.textContent === 'Tasks')`],
  ];
  console.log('\nFirst paint of each page in Chromium (median of 3; from navigation to its first rows):');
  const paints = {};
  for (const [name, hash, ready] of pages) {
    const times = [];
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => (window.location.hash = '#/workflows'));
      await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
      const ms = await page.evaluate(
        ({ hash, ready }) =>
          new Promise((resolve) => {
            const ok = new Function(`return Boolean(${ready})`);
            const started = performance.now();
            const done = () => requestAnimationFrame(() => resolve(performance.now() - started));
            const observer = new MutationObserver(() => {
              if (!ok()) return;
              observer.disconnect();
              done();
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            window.location.hash = hash;
            setTimeout(() => (observer.disconnect(), resolve(Number.NaN)), 20_000);
          }),
        { hash, ready },
      );
      times.push(ms);
    }
    paints[name] = median(times);
    const drawn = await page.evaluate(() => document.querySelectorAll('tbody tr[aria-rowindex]').length);
    console.log(`  ${name.padEnd(12)} ${Number.isNaN(paints[name]) ? 'no rows within 20 s' : `${fmtMs(paints[name]).padStart(9)} ${mark(paints[name] < TARGET.paintMs)}`}  ${drawn} rows drawn`);
  }
  if (paints.Orders) console.log(`  Orders page against the baseline (2.6 s, 5,215 rows drawn at 5,200 lines): ${(BASELINE.paintMs / paints.Orders).toFixed(1)}× faster at ${(LINES / 5200).toFixed(0)}× the history.`);

  // 3. Scrolling the Runs table through 2,000 rows, its pages read on the way.
  await page.evaluate(() => (window.location.hash = '#/runs'));
  await page.locator('table[aria-label="Runs"] tbody tr[aria-rowindex]').first().waitFor();
  const scroll = await page.evaluate(
    (rows) =>
      new Promise((resolve) => {
        const box = document.querySelector('table[aria-label="Runs"]').parentElement;
        let frames = 0;
        let long = 0;
        let last = performance.now();
        const started = last;
        const step = () => {
          const now = performance.now();
          frames += 1;
          if (now - last > 1000 / 30) long += 1;
          last = now;
          const drawn = [...box.querySelectorAll('tbody tr[aria-rowindex]')].map((r) => Number(r.getAttribute('aria-rowindex')));
          if (Math.max(...drawn) >= rows + 1 || now - started > 60_000) return resolve({ frames, long, ms: now - started, reached: Math.max(...drawn) - 1 });
          box.scrollTop += 80;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    SCROLL_ROWS,
  );
  const fps = scroll.frames / (scroll.ms / 1000);
  console.log(`\nScrolling the Runs table through ${scroll.reached} rows: ${fmtMs(scroll.ms)}, ${fps.toFixed(0)} fps ${mark(fps >= TARGET.fps)} (${scroll.long} of ${scroll.frames} frames over 33 ms)`);
  console.log(`\nTargets: first page < ${TARGET.ms} ms and < ${TARGET.kib} KB; first paint < ${TARGET.paintMs} ms; scrolling >= ${TARGET.fps} fps. Data directory: ${dataDir}`);
} finally {
  await browser.close();
  await host.stop();
  if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true });
}
