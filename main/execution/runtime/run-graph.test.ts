import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';
import { openDatabase } from '../../platform/db/open-database';
import type { MeshArtifact } from '../executors/artifacts';
import { createTestRun } from '../executors/testing';
import { migratePipeline } from '../../catalog/legacy/migrate-pipeline';
import { shippedPipelines } from '../../catalog/legacy/shipped';
import { createNodeRegistry } from '../../catalog/nodes/registry';
import { createRunStore, type RunStore } from '../../production/runs/run-store';
import { TEST_BLENDER } from '../../testing/processes';
import { startRenderFixture, type RenderFixture } from '../../testing/warm-farm';
import { createNodeCache, type NodeCache } from './node-cache';
import { planGraph, runGraph, type GraphRunInput } from './run-graph';
import { NODE_RUNTIMES } from '../../nodes/executors';
import { NODE_SPECS } from '../../nodes/specs';

/** The graph runtime on real Blender renders, a real SQLite run store and a real node cache. */
const T = 120_000;
const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
let fx: RenderFixture;
let db: ReturnType<typeof openDatabase>;
let runs: RunStore;
let cache: NodeCache;
let mesh: MeshArtifact;
const line = { type: 'order_line' as const, orderLineId: 'line-1', orderId: 'ord-1', lineNo: 1, cadFileId: 'cad-1', outputTypeKey: 'ot', overrides: {} };
const still = (): WorkflowDocument => ({ ...migratePipeline(shippedPipelines().get('still_default')?.document as never), revision: 1 });
const PARAMS = { 'resolution.width': 48, 'resolution.height': 32, 'renderer.samples': 2, 'materials.default': 'chrome' };

beforeAll(async () => {
  fx = await startRenderFixture('lightbox-graph-');
  db = openDatabase(path.join(fx.tmp, 'lightbox.db'));
  runs = createRunStore(db);
  cache = createNodeCache(db, path.join(fx.tmp, 'data'));
  mesh = { type: 'mesh_asset', cadFileId: 'cad-1', name: 'part', glb: fx.glb, glbSha256: 'glb-sha', metadata: null };
}, T);
afterAll(async () => {
  db.close();
  await fx.stop();
});

function input(document: WorkflowDocument, extra: Partial<GraphRunInput> = {}) {
  const runId = runs.create({ family: 'order_line', attempt: 1, mode: 'graph', role: 'authoritative' });
  const test = createTestRun({ farm: fx.farm, workRoot: path.join(fx.tmp, 'runs', runId), blenderPath: TEST_BLENDER, mesh, overrides: { runId, mode: 'graph', orderLine: line } });
  return { test, runId, input: { document, registry, parameterValues: PARAMS, overrides: {}, run: test.run, runs, cache, workRoot: test.workRoot, ...extra } satisfies GraphRunInput };
}

describe('graph runtime', () => {
  it('plans the order, resolves settings (node settings over parameters over defaults) and counts renders', async () => {
    const doc = still();
    const prepare = doc.nodes.find((n) => n.type === 'prepare_scene') as WorkflowNode;
    prepare.settings = { camera: { fit_margin: 0.3 } };
    const { input: i } = input(doc);
    const plan = await planGraph({ ...i, cache: null });
    expect(plan.order.map((n) => n.type)).toEqual(['input_order_line', 'resolve_cad', 'prepare_scene', 'apply_materials', 'render_still', 'output_save', 'notify']);
    const byType = Object.fromEntries(plan.order.map((n) => [n.type, n]));
    expect(byType.prepare_scene?.settings).toMatchObject({ camera: { fit_margin: 0.3, focal_length_mm: 50 } });
    expect(byType.apply_materials?.settings).toMatchObject({ default: 'chrome' });
    expect(byType.render_still?.settings).toMatchObject({ resolution: { width: 48, height: 32 }, renderer: { samples: 2 } });
    // output_save is downstream: the render does not publish itself.
    expect(byType.render_still?.selfPublish).toBe(false);
    expect(plan.renders).toBe(1);
  });

  it('runs the graph, then a second run reuses every stored output and publishes the same bytes', async () => {
    const first = input(still());
    const r1 = await runGraph(first.input);
    expect(r1.status).toBe('succeeded');
    expect(r1.reused).toEqual([]);
    expect(first.test.published).toHaveLength(1);
    const plan = await planGraph(input(still()).input);
    expect(plan.order.filter((n) => n.willReuse).map((n) => n.type)).toEqual(['prepare_scene', 'apply_materials', 'render_still']);
    expect(plan.renders).toBe(0);

    const second = input(still());
    const jobs = fx.farm.jobs.length;
    const r2 = await runGraph(second.input);
    expect(r2.status).toBe('succeeded');
    expect(r2.reused).toEqual(['step2_prepare_scene', 'step3_apply_materials', 'step4_render_still']);
    expect(fx.farm.jobs.filter((j) => j.job.kind === 'render_still').length).toBe(fx.farm.jobs.slice(0, jobs).filter((j) => j.job.kind === 'render_still').length);
    expect(second.test.published[0]?.main.sha256).toBe(first.test.published[0]?.main.sha256);
    // A reused render still has its render log, with the stored output's facts and no Blender time.
    expect(second.test.renders).toEqual([expect.objectContaining({ nodeId: 'step4_render_still', samples: 2, width: 48, height: 32, status: 'succeeded', exitCode: 0, durationMs: 0, outputSha256: first.test.renders[0]?.outputSha256 })]);
    // Each node run is recorded; the reused ones are marked so and say so in their log.
    const nodes = runs.get(second.runId)?.nodes ?? [];
    expect(nodes.filter((n) => n.reused).map((n) => n.nodeId)).toEqual(r2.reused);
    expect(nodes.find((n) => n.nodeType === 'render_still')?.log).toContain('reused the stored output');
    expect((runs.get(first.runId)?.nodes ?? []).some((n) => n.reused)).toBe(false);
  }, T);

  it('a changed setting misses the cache for that node and everything after it', async () => {
    const doc = still();
    (doc.nodes.find((n) => n.type === 'apply_materials') as WorkflowNode).settings = { default: 'rubber_black' };
    const plan = await planGraph(input(doc).input);
    expect(plan.order.filter((n) => n.cacheable).map((n) => [n.type, n.willReuse])).toEqual([
      ['prepare_scene', true],
      ['apply_materials', false],
      ['render_still', null],
    ]);
  });

  it('runs independent branches at the same time', async () => {
    const doc = still();
    const render = doc.nodes.find((n) => n.type === 'render_still') as WorkflowNode;
    doc.nodes.push({ ...render, id: 'side_render', settings: { renderer: { samples: 3 }, output: { filename: 'side_{line}' } }, position: { x: 0, y: 400 } });
    doc.edges.push({ id: 'side', source: 'step3_apply_materials', sourcePort: 'scene', target: 'side_render', targetPort: 'scene' });
    const { input: i, runId } = input(doc, { cache: null });
    const result = await runGraph(i);
    expect(result.status).toBe('succeeded');
    const nodes = Object.fromEntries((runs.get(runId)?.nodes ?? []).map((n) => [n.nodeId, n]));
    const a = nodes.step4_render_still;
    const b = nodes.side_render;
    // Both were running at once: each started before the other finished.
    expect(Date.parse(a?.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(b?.finishedAt ?? ''));
    expect(Date.parse(b?.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(a?.finishedAt ?? ''));
    // The side render has no output_save downstream: it published itself; the main one did not.
    expect(b?.outputs).toHaveProperty('asset');
    expect(a?.outputs).not.toHaveProperty('asset');
  }, T);

  it('onError continue passes a failed node over; a failing node otherwise stops the run, skips what depends on it, and notify reports the failure', async () => {
    const doc = still();
    const materials = doc.nodes.find((n) => n.type === 'apply_materials') as WorkflowNode;
    // An injected fault makes the node fail for real at run time.
    materials.onError = 'continue';
    const passed = input(doc, { cache: null, faults: [{ node: 'step3_apply_materials', fault: 'fail' }] });
    const ok = await runGraph(passed.input);
    expect(ok.status).toBe('succeeded');
    expect(runs.get(passed.runId)?.nodes.find((n) => n.nodeType === 'apply_materials')?.status).toBe('failed');
    expect(passed.test.published).toHaveLength(1);

    const stopped = input(still(), { cache: null, faults: [{ node: 'step4_render_still', fault: 'fail' }] });
    const bad = await runGraph(stopped.input);
    expect(bad).toMatchObject({ status: 'failed', failedNode: 'step4_render_still' });
    expect(bad.error).toContain('injected fault');
    const nodes = runs.get(stopped.runId)?.nodes ?? [];
    expect(nodes.filter((n) => n.status === 'skipped').map((n) => n.nodeType).sort()).toEqual(['output_save']);
    expect(stopped.test.published).toEqual([]);
    // notify runs on failure (its trait), told which node failed and why: render.failed, once.
    expect(nodes.find((n) => n.nodeType === 'notify')?.status).toBe('succeeded');
    expect(stopped.test.notified).toEqual([expect.objectContaining({ event: 'render.failed', asset: null, error: { step: 'step4_render_still', message: expect.stringContaining('injected fault') } })]);
  }, T);

  it('a hanging node hits its timeout; a cancelled run stops at once', async () => {
    const hung = input(still(), { cache: null, nodeTimeoutMs: 500, faults: [{ node: 'step4_render_still', fault: 'hang' }] });
    const t0 = Date.now();
    const result = await runGraph(hung.input);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(result).toMatchObject({ status: 'failed', failedNode: 'step4_render_still' });
    expect(result.error).toMatch(/exceeded its timeout of 500 ms/);

    const controller = new AbortController();
    const cancelled = input(still(), { cache: null, faults: [{ node: 'step4_render_still', fault: 'hang' }] });
    const running = runGraph({ ...cancelled.input, run: { ...cancelled.input.run, signal: controller.signal } });
    setTimeout(() => controller.abort(), 300);
    expect((await running).status).toBe('cancelled');
    expect(fs.existsSync(path.join(fx.tmp, 'runs'))).toBe(true);
  }, T);
});
