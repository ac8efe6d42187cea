import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionMode } from '../../../../shared/workflow/document';
import { SMOKE_ORDER_NAME, SMOKE_OUTPUT_TYPE, type SmokeResult } from '../../../review/golden/still-smoke';
import { captureCli } from '../../../testing/cli-capture';
import { testBackend } from '../../../testing/node-backend';
import { makeTempDir } from '../../../testing/temp-dir';
import { runCli } from '../run-cli';

/**
 * Issue #6, done when: the still smoke command exits 0 in all three modes in one data directory,
 * prints `pass` in shadow, does not fall back in graph, and a second round provisions nothing new.
 * It really renders (a 128×128, 8-sample still); each run also runs preflight.
 */
const T = 180_000;
let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureCli(process.env);
  const code = await runCli([...args, '--data-dir', dataDir], c.io);
  return { code, out: c.out(), err: c.err() };
}

async function smoke(mode: ExecutionMode): Promise<SmokeResult> {
  const r = await cli(['test-render-pipeline', '--workflow-still-smoke', '--execution-mode', mode, '--json']);
  expect(r.code, r.err + r.out).toBe(0);
  return JSON.parse(r.out) as SmokeResult;
}

/** What provisioning may create: the counts must not grow on a second round. */
async function inventory() {
  const backend = testBackend(dataDir);
  try {
    const orders = backend.production.orders.page({ limit: 500 }).items;
    const smokeOrders = orders.filter((o) => o.name === SMOKE_ORDER_NAME);
    return {
      cadFiles: backend.production.cad.page({ limit: 500 }).items.map((f) => f.id),
      outputTypes: backend.legacy.listOutputTypes().map((o) => o.key),
      workflows: backend.workflows.list().map((w) => `${w.id}@${w.revision}`),
      orders: orders.map((o) => o.id),
      smokeLines: smokeOrders.flatMap((o) => backend.production.orders.lines({ orderId: o.id, limit: 500 }).items.map((l) => `${l.id} ${l.status} ${l.modeUsed ?? '-'}`)),
    };
  } finally {
    await backend.close();
  }
}

function expectSucceeded(r: SmokeResult, mode: ExecutionMode): void {
  expect(r).toMatchObject({ mode, ok: true, problems: [], lineStatus: 'succeeded', fellBack: false, fallbackReason: null });
  expect(r.preflight.ok).toBe(true);
  expect(r.assets).toHaveLength(1);
  expect(r.assets[0]).toMatchObject({ kind: 'render_still', format: 'png', width: 128, height: 128, orderLineId: r.orderLineId });
  expect(r.notifications.map((n) => `${n.channel} ${n.event}`)).toEqual(['desktop render.succeeded']);
  const authoritative = r.runs.filter((run) => run.authoritative);
  expect(authoritative).toHaveLength(1);
  expect(authoritative[0]).toMatchObject({ role: 'authoritative', status: 'succeeded', mode });
  // Through the real linkage: the output type binds the migrated still_default workflow.
  expect(r.outputType).toMatchObject({ key: SMOKE_OUTPUT_TYPE, workflowRevision: expect.any(Number) });
  expect(r.runs.every((run) => run.fallbackReason === null)).toBe(true);
}

beforeAll(() => {
  tmp = makeTempDir('lightbox-smoke-');
  dataDir = path.join(tmp.dir, 'data');
});

afterAll(() => tmp.cleanup());

describe('lightbox test-render-pipeline --workflow-still-smoke', () => {
  it('refuses a missing suite or mode as a usage error', async () => {
    expect((await cli(['test-render-pipeline', '--execution-mode', 'legacy'])).code).toBe(2);
    const bad = await cli(['test-render-pipeline', '--workflow-still-smoke', '--execution-mode', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--execution-mode must be legacy, graph or shadow, not "fast"');
  });

  let first: Record<ExecutionMode, SmokeResult>;
  let before: Awaited<ReturnType<typeof inventory>>;

  it(
    'legacy, graph and shadow all exit 0 in one data directory',
    async () => {
      const legacy = await smoke('legacy');
      expectSucceeded(legacy, 'legacy');
      expect(legacy).toMatchObject({ cadFile: { created: true }, migrated: true, orderCreated: true, lineCreated: true, comparison: null });
      expect(legacy.runs).toHaveLength(1);
      expect(legacy.runs[0]).toMatchObject({ mode: 'legacy', pipelineKey: 'still_default', workflowId: null });

      const graph = await smoke('graph');
      expectSucceeded(graph, 'graph');
      expect(graph).toMatchObject({ cadFile: { created: false }, migrated: false, orderCreated: false, orderId: legacy.orderId, lineCreated: true, comparison: null });
      // The graph ran authoritatively, the bound workflow revision, and did not fall back.
      expect(graph.runs).toHaveLength(1);
      expect(graph.runs[0]).toMatchObject({ mode: 'graph', workflowId: graph.outputType?.workflowId, workflowRevision: graph.outputType?.workflowRevision, fallbackOf: null });
      expect(graph.runs[0]?.nodes.map((n) => n.nodeType)).toContain('output_save');

      const shadow = await smoke('shadow');
      expectSucceeded(shadow, 'shadow');
      expect(shadow.comparison).toMatchObject({ verdict: 'pass', reasons: [] });
      const shadowRun = shadow.runs.find((r) => r.role === 'shadow');
      expect(shadowRun).toMatchObject({ mode: 'shadow', status: 'succeeded', workflowId: shadow.outputType?.workflowId, authoritative: false });
      // Every run rendered the same deterministic pixels.
      expect(new Set([legacy, graph, shadow].map((r) => r.assets[0]?.sha256)).size).toBe(1);

      first = { legacy, graph, shadow };
      before = await inventory();
      expect(before.cadFiles).toHaveLength(1);
      expect(before.outputTypes).toEqual([SMOKE_OUTPUT_TYPE]);
      expect(before.orders).toHaveLength(1);
      expect(before.smokeLines).toHaveLength(3);
    },
    T,
  );

  it(
    'a second round reuses the CAD file, output type, workflow and order: one new line per run, nothing else',
    async () => {
      expect(first).toBeDefined();
      for (const mode of ['legacy', 'graph'] as const) {
        const again = await smoke(mode);
        expectSucceeded(again, mode);
        expect(again).toMatchObject({ cadFile: { id: first[mode].cadFile?.id, created: false }, migrated: false, orderId: first[mode].orderId, orderCreated: false, lineCreated: true, outputType: first[mode].outputType });
        expect(again.orderLineId).not.toBe(first[mode].orderLineId);
      }
      // Shadow again, as people read it: the verdict printed.
      const text = await cli(['test-render-pipeline', '--workflow-still-smoke', '--execution-mode', 'shadow']);
      expect(text.code, text.err + text.out).toBe(0);
      expect(text.out).toMatch(/Shadow comparison \S+: pass\n/);
      expect(text.out).toContain('CAD file     ' + String(first.shadow.cadFile?.id));
      expect(text.out).toContain('(already migrated, verified)');
      expect(text.out).toContain('Still smoke (shadow): ok');
      const after = await inventory();
      expect(after.cadFiles).toEqual(before.cadFiles);
      expect(after.outputTypes).toEqual(before.outputTypes);
      expect(after.workflows).toEqual(before.workflows);
      expect(after.orders).toEqual(before.orders);
      expect(after.smokeLines).toHaveLength(before.smokeLines.length + 3);
      expect(after.smokeLines.every((l) => l.includes(' succeeded '))).toBe(true);
    },
    T,
  );

  it(
    'graph mode exits 1 when the graph fails and legacy renders the line instead',
    async () => {
      const c = captureCli({ ...process.env, LIGHTBOX_TEST_FAULTS: JSON.stringify([{ node: 'step4_render_still', fault: 'fail', mode: 'graph' }]) });
      const code = await runCli(['test-render-pipeline', '--workflow-still-smoke', '--execution-mode', 'graph', '--json', '--data-dir', dataDir], c.io);
      expect(code, c.err() + c.out()).toBe(1);
      const r = JSON.parse(c.out()) as SmokeResult;
      // The line itself succeeded through the fallback, with one asset: the smoke still fails.
      expect(r).toMatchObject({ ok: false, lineStatus: 'succeeded', fellBack: true, fallbackReason: expect.stringContaining('injected fault') });
      expect(r.assets).toHaveLength(1);
      expect(r.runs.map((run) => [run.mode, run.status, run.authoritative])).toEqual([
        ['graph', 'failed', false],
        ['legacy', 'succeeded', true],
      ]);
      expect(r.problems.join('\n')).toMatch(/fell back to legacy/);
    },
    T,
  );

  it(
    'exits 1 with the blocking problems when preflight is not ready, and dispatches nothing',
    async () => {
      const lines = (await inventory()).smokeLines;
      const c = captureCli({ ...process.env, BLENDER_PATH: path.join(tmp.dir, 'no-blender-here') });
      const code = await runCli(['test-render-pipeline', '--workflow-still-smoke', '--execution-mode', 'legacy', '--data-dir', dataDir], c.io);
      expect(code, c.err() + c.out()).toBe(1);
      expect(c.out()).toContain('Preflight    NOT ready');
      expect(c.out()).toMatch(/\[FAIL\] Blender/);
      expect(c.err()).toMatch(/preflight: Blender/);
      expect((await inventory()).smokeLines).toEqual(lines);
    },
    T,
  );
});
