import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../../shared/runs/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { testBackend } from '../../testing/node-backend';
import { waitFor } from '../../testing/processes';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';
import { exrSize } from '../../review/comparison/files';

/** Editor runs through the contract: plan, run as an observer, list, re-run from a node, cancel, files. */
const T = 120_000;
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
let cadId: string;

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await backend.dispatch(method as never, input, { transport: 'http' });
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as T;
}
const finished = async (runId: string) => {
  expect(await waitFor(() => backend.production.runs.get(runId)?.status !== 'running', 60_000)).toBe(true);
  return call<WorkflowRun>('runs.get', { runId });
};

beforeAll(async () => {
  tmp = makeTempDir('lightbox-runner-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  backend.legacy.migrate({ documents: exampleDocuments(), verify: true });
  cadId = (await (await backend.production.cad.importFile(TEST_STEP)).done).id;
  // A small still: the editor's saved document, its render made cheap by node settings.
  const doc = backend.workflows.get('legacy.still_default');
  const render = doc.nodes.find((n) => n.type === 'render_still');
  if (render) render.settings = { resolution: { width: 48, height: 48 }, renderer: { samples: 2 } };
  backend.workflows.save(doc);
}, T);
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('workflow runs from the editor', () => {
  it('plans: order, resolved settings, renders to queue; with a CAD file, which nodes will reuse', async () => {
    const document = backend.workflows.get('legacy.still_default');
    const plan = await call<{ valid: boolean; nodes: { type: string; willReuse: boolean | null; settings: Record<string, unknown> }[]; renders: number }>('workflows.plan', { document, cadFileId: cadId });
    expect(plan.valid).toBe(true);
    expect(plan.nodes.map((n) => n.type)).toEqual(['input_order_line', 'resolve_cad', 'prepare_scene', 'apply_materials', 'render_still', 'output_save', 'notify']);
    expect(plan.renders).toBe(1);
    expect(plan.nodes.find((n) => n.type === 'render_still')?.settings).toMatchObject({ resolution: { width: 48, height: 48 } });
    const bad = await call<{ valid: boolean; problems: { code: string }[] }>('workflows.plan', { document: { ...document, edges: [] } });
    expect(bad.valid).toBe(false);
    expect(bad.problems.map((p) => p.code)).toContain('required_input_missing');
  });

  it('runs a saved workflow as an observer (nothing published), lists it, and re-runs from a node reusing upstream outputs', async () => {
    const { runId } = await call<{ runId: string }>('workflows.run', { workflowId: 'legacy.still_default', cadFileId: cadId });
    const run = await finished(runId);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'graph', role: 'shadow', workflowId: 'legacy.still_default', cadFileId: cadId });
    expect(backend.production.media.page({ limit: 50 }).items).toEqual([]);
    expect(backend.production.outbox.list()).toEqual([]);
    const image = await call<{ mime: string; dataUrl: string }>('runs.file', { runId, nodeId: 'step4_render_still', port: 'image' });
    expect(image.mime).toBe('image/png');
    expect(image.dataUrl.startsWith('data:image/png;base64,')).toBe(true);

    const listed = await call<{ items: { id: string; nodeCount: number }[] }>('runs.list', { workflowId: 'legacy.still_default', role: 'shadow' });
    expect(listed.items.map((r) => r.id)).toContain(runId);
    // The list counts the node runs it does not send.
    expect(listed.items.find((r) => r.id === runId)?.nodeCount).toBe(run.nodes.length);

    // Again from apply_materials: upstream prepare_scene is reused, apply_materials and the render run.
    const again = await call<{ runId: string }>('runs.rerun', { runId, fromNode: 'step3_apply_materials' });
    const rerun = await finished(again.runId);
    expect(rerun.status).toBe('succeeded');
    const logOf = (type: string) => rerun.nodes.find((n) => n.nodeType === type)?.log ?? '';
    expect(logOf('prepare_scene')).toContain('reused the stored output');
    expect(rerun.nodes.filter((n) => n.reused).map((n) => n.nodeType)).toEqual(['prepare_scene']);
    expect(logOf('apply_materials')).not.toContain('reused');
    expect(logOf('render_still')).not.toContain('reused');
  }, T);

  it('names files by the target, not the run: a dry run after a run, and the next run, on the same CAD file reuse its render', async () => {
    const first = await finished((await call<{ runId: string }>('workflows.run', { workflowId: 'legacy.still_default', cadFileId: cadId })).runId);
    expect(first.status).toBe('succeeded');
    const document = backend.workflows.get('legacy.still_default');
    const plan = await call<{ nodes: { type: string; willReuse: boolean | null }[]; renders: number }>('workflows.plan', { document, cadFileId: cadId });
    expect(plan.nodes.filter((n) => n.willReuse).map((n) => n.type)).toEqual(['prepare_scene', 'apply_materials', 'render_still']);
    expect(plan.renders).toBe(0);
    const second = await finished((await call<{ runId: string }>('workflows.run', { workflowId: 'legacy.still_default', cadFileId: cadId })).runId);
    expect(second.nodes.find((n) => n.nodeType === 'render_still')?.log).toContain('reused the stored output');
  }, T);

  it('refuses an invalid workflow with its problems, an unknown node to re-run from, and cancels a running run', async () => {
    const doc = backend.workflows.get('legacy.still_default');
    // Saveable (a missing output is only a warning while editing) but not runnable.
    const keep = new Set(['input', 'step1_resolve_cad']);
    const broken: WorkflowDocument = { ...doc, nodes: doc.nodes.filter((n) => keep.has(n.id)), edges: doc.edges.filter((e) => keep.has(e.source) && keep.has(e.target)), parameters: [] };
    await expect(call('workflows.run', { workflowId: 'nope', cadFileId: cadId })).rejects.toThrow(/nope/);
    const saved = backend.workflows.save({ ...broken, id: 'broken.still', revision: 0 });
    expect(saved.document.revision).toBe(1);
    await expect(call('workflows.run', { workflowId: 'broken.still', cadFileId: cadId })).rejects.toThrow(/invalid_workflow: workflow broken.still cannot run/);

    const slow = backend.workflows.get('legacy.still_default');
    const r = slow.nodes.find((n) => n.type === 'render_still');
    if (r) r.settings = { resolution: { width: 512, height: 512 }, renderer: { samples: 1024 } };
    backend.workflows.save({ ...slow, id: 'slow.still', revision: 0 });
    const { runId } = await call<{ runId: string }>('workflows.run', { workflowId: 'slow.still', cadFileId: cadId });
    expect(await waitFor(() => backend.production.runs.get(runId)?.nodes.some((n) => n.nodeType === 'render_still' && n.status === 'running') ?? false, 30_000)).toBe(true);
    expect((await call<{ cancelled: boolean }>('runs.cancel', { runId })).cancelled).toBe(true);
    expect((await finished(runId)).status).toBe('cancelled');
    await expect(call('runs.rerun', { runId, fromNode: 'ghost' })).rejects.toThrow(/has no node "ghost"/);
  }, T);
});

describe('editor runs with an output type and a draft', () => {
  it("renders what the still_top_exr line's output type asks (EXR, top view, square), where the workflow's defaults give a PNG from three-quarter; the line stays as it was", async () => {
    const line = backend.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: ['still_top_exr'] }).lines[0]!;
    // The output type binds the migrated still workflow at revision 1 (revision 2 sets a small render on the node itself).
    expect(backend.legacy.outputType('still_top_exr')?.outputType?.profile).toMatchObject({ workflowId: 'legacy.still_default', workflowRevision: 1 });
    const document = backend.workflows.get('legacy.still_default', 1);
    type Plan = { nodes: { type: string; settings: Record<string, unknown> | null }[] };
    const planned = (plan: Plan, type: string) => plan.nodes.find((n) => n.type === type)?.settings;

    // Today's run without an output type: the workflow's defaults.
    const plain = await call<Plan>('workflows.plan', { document, cadFileId: cadId });
    expect(planned(plain, 'render_still')).toMatchObject({ output: { format: 'png' }, resolution: { width: 1920, height: 1080 } });
    expect(planned(plain, 'prepare_scene')).toMatchObject({ camera: { angle: 'three_quarter' } });
    // On the line, its output type applies by default; on a bare CAD file when chosen.
    for (const target of [{ orderLineId: line.id }, { cadFileId: cadId, outputTypeKey: 'still_top_exr' }]) {
      const plan = await call<Plan>('workflows.plan', { document, ...target });
      expect(planned(plan, 'render_still')).toMatchObject({ output: { format: 'exr' }, resolution: { width: 512, height: 512 }, renderer: { samples: 32 } });
      expect(planned(plan, 'prepare_scene')).toMatchObject({ camera: { angle: 'top' } });
    }

    const draft = { maxSize: 64, samples: 2 };
    const started = await call<{ runId: string; outputTypeKey: string | null }>('workflows.run', { workflowId: 'legacy.still_default', revision: 1, orderLineId: line.id, draft });
    expect(started.outputTypeKey).toBe('still_top_exr');
    const run = await finished(started.runId);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'graph', role: 'shadow', workflowRevision: 1, draft });
    const nodeOf = (type: string) => run.nodes.find((n) => n.nodeType === type);
    expect(nodeOf('render_still')?.settings).toMatchObject({ output: { format: 'exr' }, resolution: { width: 512, height: 512 }, renderer: { samples: 32 } });
    expect(nodeOf('prepare_scene')?.settings).toMatchObject({ camera: { angle: 'top' } });
    const image = (nodeOf('render_still')?.outputs as { image: { file: string; format: string } }).image;
    expect(image.format).toBe('exr');
    // 512×512 drawn at most 64 px on its longest side: square, as the output type asks.
    expect(await exrSize(image.file)).toEqual({ width: 64, height: 64 });
    // An observer: nothing published or sent, the line as it was.
    expect(backend.production.orders.line(line.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(backend.production.media.list(line.id)).toEqual([]);
    expect(backend.production.outbox.list({ orderLineId: line.id })).toEqual([]);
    expect(backend.production.runs.ofOrderLine(line.id)).toEqual([]);
  }, T);

  it('refuses an unknown output type, one bound to another family, and a draft out of range, naming the field and the value', async () => {
    const line = backend.production.orders.line(backend.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: ['still_top_exr'] }).lines[0]!.id)!;
    await expect(call('workflows.run', { workflowId: 'legacy.still_default', orderLineId: line.id, outputTypeKey: 'no_such_type' })).rejects.toThrow('not_found: outputTypeKey: no output type "no_such_type"');
    await expect(call('workflows.plan', { document: backend.workflows.get('legacy.still_default'), cadFileId: cadId, outputTypeKey: 'no_such_type' })).rejects.toThrow('outputTypeKey: no output type "no_such_type"');
    const ingest = backend.workflows.list({ family: 'cad_file' })[0]!;
    await expect(call('workflows.run', { workflowId: ingest.id, cadFileId: cadId, outputTypeKey: 'still_top_exr' })).rejects.toThrow(
      `wrong_family: outputTypeKey: output type "still_top_exr" binds order_line workflow legacy.still_default; workflow ${ingest.id} is a cad_file workflow`,
    );
    await expect(call('workflows.run', { workflowId: 'legacy.still_default', orderLineId: line.id, draft: { maxSize: 8 } })).rejects.toThrow(/invalid_input: draft\.maxSize: .*8/);
    await expect(call('workflows.run', { workflowId: 'legacy.still_default', orderLineId: line.id, draft: { samples: 0 } })).rejects.toThrow(/invalid_input: draft\.samples: .*0/);
    expect(backend.production.runs.ofOrderLine(line.id)).toEqual([]);
  });
});
