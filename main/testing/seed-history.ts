import fs from 'node:fs';
import path from 'node:path';
import type { Backend } from '../entry/app/backend';

/** How much history to seed, and how it is spread. */
export interface HistoryShape {
  /** Order lines in total (the big order's included). */
  lines: number;
  /** CAD files in the library. */
  cadFiles: number;
  /** Lines of one order (CAD files × output types × copies); the last one is smaller. */
  linesPerOrder: number;
  /** One order this big (0: none), to open an order of thousands of lines. */
  bigOrderLines: number;
  /** Of the lines: dispatched (a run each), and of those, published (an asset and a notification). */
  dispatchedShare: number;
  publishedShare: number;
  /** Of the dispatched lines: also rendered in shadow (a second run). */
  shadowShare: number;
  /** Orders per transaction while seeding. */
  batch?: number;
}

export interface SeededHistory {
  cadFileIds: string[];
  outputTypeKeys: string[];
  orderIds: string[];
  bigOrderId: string | null;
  lines: number;
  runs: number;
  assets: number;
  notifications: number;
  /** Pairs of a legacy and a shadow run of one line (for comparisons). */
  shadowPairs: { orderLineId: string; outputTypeKey: string; legacyRunId: string; shadowRunId: string }[];
}

/**
 * A studio's history seeded through the production services (CAD library, order store, run
 * store, media library, outbox), in transactions of `batch` orders so 100,000 lines take
 * seconds. CAD files are imported as small unreadable files: their ingest fails at once, which
 * keeps the library's rows real without rendering anything.
 */
export async function seedHistory(backend: Backend, shape: HistoryShape, onProgress?: (done: number, phase: string) => void): Promise<SeededHistory> {
  const { cad, orders, runs, media, outbox } = backend.production;
  const db = backend.db;
  const scratch = fs.mkdtempSync(path.join(backend.dataDir, 'seed-'));
  const cadFileIds: string[] = [];
  // Imported in series (each names the next id), their failing ingests awaited together.
  const ingests: Promise<unknown>[] = [];
  for (let i = 0; i < shape.cadFiles; i++) {
    const file = path.join(scratch, `part-${String(i).padStart(4, '0')}.stp`);
    fs.writeFileSync(file, `not a STEP file, seed ${i}\n`);
    const imported = await cad.importFile(file, path.basename(file));
    ingests.push(imported.done);
    cadFileIds.push(imported.cadFile.id);
  }
  await Promise.all(ingests);
  fs.rmSync(scratch, { recursive: true, force: true });
  onProgress?.(0, `${cadFileIds.length} CAD files imported`);
  const outputTypeKeys = backend.legacy.listOutputTypes().map((t) => t.key);
  if (outputTypeKeys.length === 0) throw new Error('seedHistory needs output types: import the legacy examples first');

  const mediaRoot = path.join(backend.dataDir, 'media', 'seed');
  fs.mkdirSync(mediaRoot, { recursive: true });
  const seeded: SeededHistory = { cadFileIds, outputTypeKeys, orderIds: [], bigOrderId: null, lines: 0, runs: 0, assets: 0, notifications: 0, shadowPairs: [] };
  // Deterministic spread: the n-th line is dispatched / published / shadowed by its share.
  const every = (share: number) => (share <= 0 ? Infinity : Math.max(1, Math.round(1 / share)));
  const dispatchEvery = every(shape.dispatchedShare);
  const publishEvery = every(shape.publishedShare);
  const shadowEvery = every(shape.shadowShare);

  const order = (size: number, n: number) => {
    const types = outputTypeKeys.slice(0, Math.min(outputTypeKeys.length, size));
    const perType = Math.ceil(size / types.length);
    // orders.create takes at most 500 CAD files: copies make up the rest.
    const copies = Math.ceil(perType / 500);
    const cads = Array.from({ length: Math.ceil(perType / copies) }, (_, i) => cadFileIds[(n * 7 + i) % cadFileIds.length] as string);
    const created = orders.create({ name: `Order ${n} (${['Autumn catalogue', 'Spare parts', 'Trade fair', 'Web shop'][n % 4]})`, cadFileIds: cads, outputTypeKeys: types, copies });
    seeded.orderIds.push(created.id);
    for (const line of created.lines) {
      seeded.lines += 1;
      const k = seeded.lines;
      if (k % dispatchEvery !== 0) continue;
      const runId = runs.create({ family: 'order_line', orderLineId: line.id, cadFileId: line.cadFileId, attempt: 1, mode: 'legacy', role: 'authoritative', pipelineKey: line.outputTypeKey });
      for (const [i, nodeId] of ['render_still', 'save_output', 'notify'].entries()) {
        runs.startNode(runId, { nodeId, nodeType: nodeId, stepIndex: i, onError: 'fail', settings: {} });
        runs.finishNode(runId, nodeId, { status: 'succeeded', durationMs: 1000 + i });
      }
      runs.finish(runId, 'succeeded');
      seeded.runs += 1;
      if (k % (dispatchEvery * shadowEvery) === 0) {
        const shadowRunId = runs.create({ family: 'order_line', orderLineId: line.id, cadFileId: line.cadFileId, attempt: 1, mode: 'shadow', role: 'shadow', workflowId: `legacy.${line.outputTypeKey}`, workflowRevision: 1 });
        runs.finish(shadowRunId, 'succeeded');
        seeded.runs += 1;
        seeded.shadowPairs.push({ orderLineId: line.id, outputTypeKey: line.outputTypeKey, legacyRunId: runId, shadowRunId });
      }
      if (k % (dispatchEvery * publishEvery) !== 0) continue;
      const file = `seed/${line.id}.jpg`;
      fs.writeFileSync(path.join(mediaRoot, `${line.id}.jpg`), line.id);
      media.insert({
        id: `asset_${line.id}`,
        publishKey: `${line.id}:1:render_still`,
        kind: 'still',
        folder: 'seed',
        file,
        format: 'jpeg',
        sha256: '0'.repeat(64),
        bytes: line.id.length,
        width: 1920,
        height: 1080,
        durationSeconds: null,
        frames: null,
        attachments: [],
        runId,
        orderLineId: line.id,
        nodeId: 'render_still',
        createdAt: new Date().toISOString(),
      });
      seeded.assets += 1;
      outbox.enqueue({ idempotencyKey: `${line.id}:1:notify`, channel: 'webhook', event: 'order_line.published', target: 'http://127.0.0.1:9/hook', payload: { orderLineId: line.id }, orderLineId: line.id, runId });
      seeded.notifications += 1;
    }
  };

  const batch = shape.batch ?? 50;
  let n = 0;
  if (shape.bigOrderLines > 0) {
    db.transaction(() => order(shape.bigOrderLines, n++))();
    seeded.bigOrderId = seeded.orderIds[0] ?? null;
  }
  while (seeded.lines < shape.lines) {
    db.transaction(() => {
      for (let i = 0; i < batch && seeded.lines < shape.lines; i++) order(Math.min(shape.linesPerOrder, shape.lines - seeded.lines), n++);
    })();
    onProgress?.(seeded.lines, 'lines');
  }
  return seeded;
}
