/**
 * npm run bench:runtime — the graph runtime's own cost, and what reuse buys, in one launch.
 *
 * 1. Scheduling overhead per node: a 1,000-node order_line workflow of cheap nodes (an input,
 *    resolve_cad, prepare_scene, then 997 apply_materials in a chain), every node persisted as a
 *    node run in SQLite; once without the node cache and once with it. Target < 1 ms per node.
 * 2. Reuse: the same still workflow (256×256, 16 samples) run twice on a warm farm; the second
 *    run finds every render in the content-addressed store. Target ≥ 5× faster.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowDocument, WorkflowNode } from '../../shared/workflow/document';
import { ingestCad } from '../../main/execution/cad/ingest';
import { openDatabase } from '../../main/platform/db/open-database';
import type { MeshArtifact } from '../../main/execution/executors/artifacts';
import type { RunContext } from '../../main/execution/executors/context';
import { createLocalFarm } from '../../main/execution/farm/local-farm';
import type { RenderFarm } from '../../main/execution/farm/types';
import { createNodeCache } from '../../main/execution/runtime/node-cache';
import { runGraph } from '../../main/execution/runtime/run-graph';
import { migratePipeline } from '../../main/catalog/legacy/migrate-pipeline';
import { shippedPipelines } from '../../main/catalog/legacy/shipped';
import { createNodeRegistry } from '../../main/catalog/nodes/registry';
import { findTool } from '../../main/platform/tools/find-executable';
import { createRunStore } from '../../main/production/runs/run-store';
import { NODE_RUNTIMES } from '../../main/nodes/executors';
import { NODE_SPECS } from '../../main/nodes/specs';

const NODES = 1000;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  const blender = await findTool('blender', null, process.env);
  if (!blender.found) throw new Error(`Blender not found: ${blender.problem}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-bench-runtime-'));
  const db = openDatabase(path.join(work, 'lightbox.db'));
  const runs = createRunStore(db);
  const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
  const step = path.resolve('node_modules/occt-import-js/test/testfiles/cax-if/as1-oc-214.stp');
  console.log(`Lightbox graph runtime benchmark — ${os.availableParallelism()} cores, Node ${process.version}`);
  let farm: RenderFarm | null = null;
  try {
    const ingested = await ingestCad({ file: step, outDir: path.join(work, 'cad'), thumbnail: false });
    const mesh: MeshArtifact = { type: 'mesh_asset', cadFileId: 'cad', name: 'as1-oc-214', glb: ingested.glbPath, glbSha256: ingested.glbSha256, metadata: ingested.metadata };
    const line = { type: 'order_line' as const, orderLineId: 'line', orderId: 'bench', lineNo: 1, cadFileId: 'cad', outputTypeKey: 'bench', overrides: {} };
    const context = (f: RenderFarm, runId = runs.create({ family: 'order_line', attempt: 1, mode: 'graph', role: 'authoritative' })): RunContext => ({
      runId,
      mode: 'graph',
      role: 'authoritative',
      farm: f,
      tools: { blenderPath: blender.path },
      names: { order: 'bench', line: '1', cad: 'as1-oc-214', preset: 'bench' },
      draft: {},
      timeoutMs: 300_000,
      signal: new AbortController().signal,
      selfPublish: true,
      orderLine: line,
      resolveCad: () => mesh,
      // The benchmark measures the runtime, not the media library: publishing is recorded only.
      publish: async (r) => ({ type: 'media_asset', assetId: 'bench', kind: r.kind, file: path.basename(r.main.file), sha256: r.main.sha256, published: false }),
      notify: () => ({ type: 'notification', notificationIds: [], sent: false }),
      recordRender: (entry) => runs.recordRender(runId, null, null, entry),
      blenderVersion: async () => null,
    });

    // --- 1. A 1,000-node chain of cheap nodes.
    const nodes: WorkflowNode[] = [
      { id: 'in', type: 'input_order_line', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
      { id: 'cad', type: 'resolve_cad', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
      { id: 'scene', type: 'prepare_scene', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
    ];
    const edges = [
      { id: 'e0', source: 'in', sourcePort: 'line', target: 'cad', targetPort: 'line' },
      { id: 'e1', source: 'cad', sourcePort: 'mesh', target: 'scene', targetPort: 'mesh' },
    ];
    for (let i = 0; nodes.length < NODES; i++) {
      const id = `m${i}`;
      nodes.push({ id, type: 'apply_materials', typeVersion: 1, settings: { default: i % 2 ? 'chrome' : 'neutral_grey' }, position: { x: i, y: 0 } });
      edges.push({ id: `c${i}`, source: i === 0 ? 'scene' : `m${i - 1}`, sourcePort: 'scene', target: id, targetPort: 'scene' });
    }
    const chain: WorkflowDocument = { schemaVersion: 1, id: 'bench.chain', name: 'chain', family: 'order_line', executionMode: 'graph', revision: 1, nodes, edges, parameters: [], metadata: {} };
    const noFarm: RenderFarm = { concurrency: 1, runJob: () => Promise.reject(new Error('no renders here')), cancelRun: () => 0, close: async () => {} };
    const timeChain = async (withCache: boolean) => {
      const cache = withCache ? createNodeCache(db, path.join(work, 'data')) : null;
      const t0 = performance.now();
      const r = await runGraph({ document: chain, registry, parameterValues: {}, overrides: {}, run: context(noFarm), runs, cache, workRoot: path.join(work, 'runs') });
      const ms = performance.now() - t0;
      if (r.status !== 'succeeded') throw new Error(`chain run ${r.status}: ${r.error}`);
      return ms;
    };
    await timeChain(false); // warm-up: JIT, prepared statements
    const chainPlain = await timeChain(false);
    const chainCached = await timeChain(true);
    const chainReused = await timeChain(true);

    // --- 2. The same still workflow twice on a warm farm.
    farm = createLocalFarm({ blenderPath: blender.path, dataDir: path.join(work, 'farm'), concurrency: Math.max(1, Math.floor(os.availableParallelism() / 2)), threadsPerBlender: 0, mode: 'warm' });
    await farm.runJob({ kind: 'ping', id: 'warm-up' }, { label: 'warm-up', timeoutMs: 120_000 });
    const still: WorkflowDocument = { ...migratePipeline(shippedPipelines().get('still_default')?.document as never), revision: 1 };
    const params = { 'resolution.width': 256, 'resolution.height': 256, 'renderer.samples': 16, 'renderer.seed': 0 };
    const cache = createNodeCache(db, path.join(work, 'data'));
    const timeStill = async () => {
      const t0 = performance.now();
      const r = await runGraph({ document: still, registry, parameterValues: params, overrides: {}, run: context(farm as RenderFarm), runs, cache, workRoot: path.join(work, 'runs') });
      if (r.status !== 'succeeded') throw new Error(`still run ${r.status}: ${r.error}`);
      return { ms: performance.now() - t0, reused: r.reused };
    };
    const first = await timeStill();
    const second = await timeStill();

    const perNode = chainPlain / NODES;
    const ratio = first.ms / second.ms;
    console.log('');
    console.log('| case | figure | target |');
    console.log('|---|---|---|');
    console.log(`| ${NODES}-node workflow of cheap nodes, node runs persisted, no cache | ${fmt(chainPlain)} = ${perNode.toFixed(3)} ms per node | < 1 ms per node: ${perNode < 1 ? 'met' : 'NOT met'} |`);
    console.log(`| the same with the node cache (keys, stored outputs), first run | ${fmt(chainCached)} = ${(chainCached / NODES).toFixed(3)} ms per node | |`);
    console.log(`| the same, every node reused | ${fmt(chainReused)} = ${(chainReused / NODES).toFixed(3)} ms per node | |`);
    console.log(`| still workflow (256×256, 16 samples), first run vs unchanged second run | ${fmt(first.ms)} vs ${fmt(second.ms)} = ${ratio.toFixed(1)}× (reused: ${second.reused.join(', ')}) | ≥ 5×: ${ratio >= 5 ? 'met' : 'NOT met'} |`);
    if (perNode >= 1 || ratio < 5) process.exitCode = 1;
  } finally {
    await farm?.close();
    db.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
