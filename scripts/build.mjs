#!/usr/bin/env node
// Builds everything that runs outside the browser with esbuild (main, preload, CLI, workers),
// then the renderer with Vite. esbuild is chosen for speed and because it bundles TypeScript
// without emitting declaration noise; type checking is `npm run typecheck`'s job.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // "node" to skip the renderer
const out = (p) => path.join(root, 'dist', p);

rmSync(out('main'), { recursive: true, force: true });
rmSync(out('workers'), { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
};

// Every piscina worker is a `*.worker.ts` file under workers/.
const workerEntries = readdirSync(path.join(root, 'workers'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.worker.ts'))
  .map((f) => path.join('workers', f));

await Promise.all([
  build({ ...node, format: 'esm', entryPoints: { cli: 'main/entry/cli/main.ts', electron: 'main/entry/electron/app.ts', 'bench-farm': 'scripts/bench/farm.ts', 'bench-runtime': 'scripts/bench/runtime.ts', 'bench-sync': 'scripts/bench/sync.ts', 'bench-scale': 'scripts/bench/scale.ts', 'bench-lists-seed': 'scripts/bench/lists-seed.ts' }, outdir: out('main'), outExtension: { '.js': '.mjs' } }),
  // Sandboxed preloads must be CommonJS and self-contained: only `electron` stays external.
  build({ ...node, packages: undefined, external: ['electron'], format: 'cjs', entryPoints: { preload: 'main/entry/electron/preload.ts' }, outdir: out('main'), outExtension: { '.js': '.cjs' } }),
  workerEntries.length
    ? build({ ...node, format: 'esm', entryPoints: workerEntries, outdir: out('workers'), outbase: 'workers', outExtension: { '.js': '.mjs' } })
    : Promise.resolve(),
]);
console.log(`built main, preload, cli${workerEntries.length ? `, ${workerEntries.length} worker(s)` : ''}`);

// JSON Schemas (workflow document, node types) from the zod schemas the app itself uses:
// bundled to a temp module inside dist/ (so its packages resolve from node_modules), imported,
// written to dist/schema/.
{
  mkdirSync(out(''), { recursive: true });
  const tmp = mkdtempSync(path.join(out(''), '.schemas-'));
  try {
    const bundle = path.join(tmp, 'write-schemas.mjs');
    await build({ ...node, sourcemap: false, format: 'esm', entryPoints: ['scripts/write-schemas.ts'], outfile: bundle });
    const { schemaFiles } = await import(pathToFileURL(bundle).href);
    rmSync(out('schema'), { recursive: true, force: true });
    mkdirSync(out('schema'), { recursive: true });
    const files = schemaFiles();
    for (const [name, content] of Object.entries(files)) writeFileSync(out(path.join('schema', name)), `${JSON.stringify(content, null, 2)}\n`);
    console.log(`wrote ${Object.keys(files).join(', ')} to dist/schema`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (only !== 'node') {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
  console.log('built renderer');
}
