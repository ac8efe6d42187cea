/**
 * The data directory of `npm run bench:lists` (scripts/bench/lists.mjs runs this bundle): a year
 * of a busy studio, seeded through the production services by main/testing/seed-history.ts.
 *
 *   node dist/main/bench-lists-seed.mjs DATA_DIR [LINES]
 *
 * Proportions: a CAD file per 400 lines (at most 250: each import runs its ingest), orders of 20 lines (one of 5,000), 60 % of lines dispatched (a run of three nodes
 * each), 80 % of those published (an asset and a webhook notification), 5 % of dispatched lines
 * also rendered in shadow (a second run and a shadow comparison). Prints one JSON line with what
 * it made and how long it took.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createNodeBackend } from '../../main/entry/cli/node-backend';
import { seedHistory } from '../../main/testing/seed-history';
import { seedComparisons } from '../../main/testing/seed-comparisons';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: bench-lists-seed.mjs DATA_DIR [LINES]');
const lines = Number(process.argv[3] ?? 100_000);
const examples = path.resolve('resources', 'legacy', 'examples');
const documents = fs
  .readdirSync(examples)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ fileName: f, text: fs.readFileSync(path.join(examples, f), 'utf8') }));

const backend = createNodeBackend(dataDir, process.env);
try {
  backend.legacy.import(documents);
  const started = performance.now();
  let shown = 0;
  const seeded = await seedHistory(backend, { lines, cadFiles: Math.max(8, Math.min(250, Math.round(lines / 400))), linesPerOrder: 20, bigOrderLines: 5_000, dispatchedShare: 0.6, publishedShare: 0.8, shadowShare: 0.05, batch: 100 }, (done, phase) => {
    if (phase === 'lines' && done - shown < 10_000) return;
    shown = done;
    process.stderr.write(`  ${phase === 'lines' ? `${done} lines seeded` : phase}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  });
  const comparisons = seedComparisons(backend, seeded.shadowPairs);
  const { shadowPairs: _pairs, cadFileIds, orderIds, ...counts } = seeded;
  process.stdout.write(`${JSON.stringify({ ...counts, cadFiles: cadFileIds.length, orders: orderIds.length, comparisons, seconds: (performance.now() - started) / 1000 })}\n`);
} finally {
  await backend.close();
}
