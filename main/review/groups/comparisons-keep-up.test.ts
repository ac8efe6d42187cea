import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';

/**
 * Comparisons keep up (issue 22 item 6): lines dispatched together in shadow on one Blender slot.
 * Legacy renders of every line are queued at once; a line's shadow observer is queued once its
 * legacy run ends. Were the observer queued like any render, it would wait behind every other
 * line's legacy work and the first comparison would come after the whole batch rendered.
 */
const KEY = 'still_white_2k';
const LINES = 4;

let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;

beforeAll(async () => {
  tmp = makeTempDir('lightbox-keep-up-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  backend.settings.update({ farm: { concurrency: 1, threadsPerBlender: 1 } });
  backend.legacy.migrate({ documents: exampleDocuments(), verify: true });
  const cad = (await (await backend.production.cad.importFile(TEST_STEP)).done).id;
  backend.production.rollout.set({ target: KEY, mode: 'shadow', who: 'lead' });
  const lines = Array.from({ length: LINES }, () => backend.production.orders.create({ cadFileIds: [cad], outputTypeKeys: [KEY] }).lines[0]?.id as string);
  await Promise.all(lines.map((line) => backend.production.dispatcher.start(line, { draft: { maxSize: 48, samples: 2 } }).done));
}, 400_000);
afterAll(async () => {
  await backend?.close();
  tmp?.cleanup();
});

describe('a batch dispatched in shadow on one slot', () => {
  it("the first line's comparison is made while later lines' legacy renders still run, and every line gets its comparison", () => {
    const comparisons = backend.production.comparisons.page({ outputTypeKey: KEY, limit: 50 }).items;
    expect(comparisons).toHaveLength(LINES);
    const legacyEnds = comparisons
      .map((c) => backend.production.runs.get(c.legacyRunId)?.finishedAt as string)
      .sort();
    const firstComparison = comparisons.map((c) => c.createdAt).sort()[0] as string;
    // Before the last line's legacy run ended: the observer did not wait for the whole batch.
    expect(firstComparison < (legacyEnds.at(-1) as string), `first comparison ${firstComparison}, legacy ends ${legacyEnds.join(', ')}`).toBe(true);
  });
});
