import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../legacy/legacy-testing';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';

/** Output types as invocation profiles: backend defaults, checks against the workflow, rendering. */
const T = 120_000;
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;

async function call<T>(method: string, input: unknown): Promise<{ ok: true; result: T } | { ok: false; error: { code: string; message: string; path: string; issues?: { path: string; message: string }[] } }> {
  return (await backend.dispatch(method as never, input, { transport: 'http' })) as never;
}

beforeAll(() => {
  tmp = makeTempDir('lightbox-output-types-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  backend.legacy.migrate({ documents: exampleDocuments(), verify: true });
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('output types from workflows', () => {
  it('QG-7: output type creation and editing use valid backend defaults (parameters with constraints, the artifact contract)', async () => {
    const d = await call<{ artifactKind: string; parameters: { name: string; default: unknown; schema: Record<string, unknown> | null }[]; artifact: Record<string, unknown>; problems: unknown[] }>('outputTypes.defaults', { workflowId: 'legacy.still_default' });
    if (!d.ok) throw new Error(d.error.message);
    expect(d.result.artifactKind).toBe('still');
    expect(d.result.problems).toEqual([]);
    const width = d.result.parameters.find((p) => p.name === 'resolution.width');
    expect(width?.default).toBe(1920);
    expect(width?.schema).toMatchObject({ type: 'integer', minimum: 16, maximum: 8192 });
    expect(d.result.artifact).toEqual({ kind: 'still', format: 'png', width: 1920, height: 1080, background: { mode: 'color', color: '#ffffff' } });
  });

  it('QG-7: a name and a workflow make a valid output type (backend defaults only), stored, editable and renderable', async () => {
    const created = await call<{ key: string; profile: { workflowId: string; parameterValues: Record<string, unknown>; artifact: Record<string, unknown> } }>('outputTypes.create', { name: 'Catalog still', workflowId: 'legacy.still_default' });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.result.key).toBe('catalog_still');
    expect(created.result.profile.parameterValues['renderer.samples']).toBe(64);
    const listed = await call<{ outputTypes: { key: string; form: string }[] }>('outputTypes.list', {});
    expect(listed.ok && listed.result.outputTypes.find((o) => o.key === 'catalog_still')?.form).toBe('invocation_profile');
    // Editing goes through the same checks and keeps every other default.
    const edited = await call<{ profile: { parameterValues: Record<string, unknown> } }>('outputTypes.update', { key: 'catalog_still', name: 'Catalog still', workflowId: 'legacy.still_default', parameterValues: { 'renderer.samples': 32 } });
    if (!edited.ok) throw new Error(edited.error.message);
    expect(edited.result.profile.parameterValues).toMatchObject({ 'renderer.samples': 32, 'resolution.width': 1920 });
    const badEdit = await call('outputTypes.update', { key: 'catalog_still', name: 'Catalog still', workflowId: 'legacy.still_default', parameterValues: { 'renderer.samples': -1 } });
    expect(badEdit).toMatchObject({ ok: false, error: { code: 'invalid_output_type', path: 'parameterValues.renderer.samples' } });

    const cad = await (await backend.production.cad.importFile(TEST_STEP)).done;
    const line = backend.production.orders.create({ cadFileIds: [cad.id], outputTypeKeys: ['catalog_still'] }).lines[0]?.id as string;
    const outcome = await backend.production.dispatcher.start(line, { draft: { maxSize: 48, samples: 2 } }).done;
    expect(outcome.line.status).toBe('succeeded');
    expect(outcome.assets).toHaveLength(1);
    expect(outcome.assets[0]?.format).toBe('png');
  }, T);

  it('QG-7: output types bind to workflows through an explicit invocation contract: a family or artifact mismatch, a missing required parameter and a bad value are refused by name', async () => {
    const cadFamily = await call('outputTypes.create', { name: 'Ingest', workflowId: 'legacy.cad_ingest_default' });
    expect(cadFamily).toMatchObject({ ok: false, error: { code: 'invalid_output_type', path: 'workflowId' } });
    if (!cadFamily.ok) expect(cadFamily.error.message).toContain('cad_file workflow');

    const mismatch = await call('outputTypes.create', { name: 'Still from a turntable', workflowId: 'legacy.turntable_default', artifact: { kind: 'still' } });
    expect(mismatch).toMatchObject({ ok: false, error: { path: 'artifact.kind', message: 'a still output type cannot bind workflow legacy.turntable_default: it delivers a video' } });

    const doc = backend.workflows.get('legacy.still_default');
    // A required parameter whose setting has no default anywhere (azimuth is optional on the node).
    const params = (doc.parameters ?? []).map((p) => (p.name === 'camera.azimuth_deg' ? { ...p, required: true } : p));
    backend.workflows.save({ ...doc, id: 'needs.engine', revision: 0, parameters: params, nodes: doc.nodes.map((n) => (n.type === 'render_still' ? { ...n, settings: {} } : n)) });
    const validated = await call<{ valid: boolean; problems: { path: string; message: string }[] }>('outputTypes.validate', { name: 'x', workflowId: 'needs.engine', parameterValues: { 'renderer.samples': 0 } });
    if (!validated.ok) throw new Error(validated.error.message);
    expect(validated.result.valid).toBe(false);
    expect(validated.result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['parameterValues.renderer.samples', 'parameterValues.camera.azimuth_deg']));
    expect(validated.result.problems.find((p) => p.path === 'parameterValues.camera.azimuth_deg')?.message).toBe('missing required parameter "camera.azimuth_deg"');
    expect(validated.result.problems.find((p) => p.path === 'parameterValues.renderer.samples')?.message).toMatch(/parameter "renderer.samples"/);
    const unknown = await call<{ problems: { message: string }[] }>('outputTypes.validate', { name: 'x', workflowId: 'legacy.still_default', parameterValues: { 'no.such': 1 } });
    expect(unknown.ok && unknown.result.problems[0]?.message).toBe('workflow legacy.still_default has no parameter "no.such"');
  });

  it('QG-7: legacy output types remain renderable during migration (before, and after, with both forms kept)', async () => {
    const fresh = testBackend(path.join(tmp.dir, 'data-legacy'));
    try {
      const preset = exampleDocuments().filter((d) => d.fileName === 'preset.still_quick_preview.json' || d.fileName === 'pipeline.still_selfpublish.json');
      fresh.legacy.import(preset);
      const cad = await (await fresh.production.cad.importFile(TEST_STEP)).done;
      const render = async () => {
        const line = fresh.production.orders.create({ cadFileIds: [cad.id], outputTypeKeys: ['still_quick_preview'] }).lines[0]?.id as string;
        return fresh.production.dispatcher.start(line, { draft: { maxSize: 48, samples: 2 } }).done;
      };
      const before = await render();
      expect(before.line.status).toBe('succeeded');
      expect(fresh.legacy.outputType('still_quick_preview')?.outputType).toBeNull();
      fresh.legacy.migrate({ keys: ['still_quick_preview'], verify: true });
      const row = fresh.legacy.outputType('still_quick_preview');
      expect(row?.legacy).not.toBeNull();
      expect(row?.outputType?.profile.workflowId).toBe('legacy.still_selfpublish');
      const after = await render();
      expect(after.line.status).toBe('succeeded');
      expect(after.run.mode).toBe('legacy');
      expect(after.assets[0]?.sha256).toBe(before.assets[0]?.sha256);
    } finally {
      await fresh.close();
    }
  }, T);

  it('a profile on "latest approved revision" runs the newest revision whose shadow pass was approved, not a newer unapproved one', async () => {
    const cad = (await (await backend.production.cad.importFile(TEST_STEP)).done).id;
    const base = backend.workflows.get('legacy.still_default');
    const r2 = backend.workflows.save({ ...base, nodes: base.nodes.map((n) => (n.type === 'render_still' ? { ...n, settings: { renderer: { samples: 3 } } } : n)) }).document;
    const created = await call<{ key: string }>('outputTypes.create', { name: 'Latest approved', workflowId: 'legacy.still_default', workflowRevision: r2.revision, revisionPolicy: 'latest_approved' });
    if (!created.ok) throw new Error(created.error.message);
    const dispatch = async (mode?: 'graph' | 'shadow') => {
      const line = backend.production.orders.create({ cadFileIds: [cad], outputTypeKeys: ['latest_approved'] }).lines[0]?.id as string;
      return backend.production.dispatcher.start(line, { ...(mode ? { mode } : {}), draft: { maxSize: 48, samples: 2 } }).done;
    };
    const shadowed = await dispatch('shadow');
    const comparison = backend.production.comparisons.ofRun(shadowed.run.id);
    expect(comparison).toMatchObject({ verdict: 'pass', workflowRevision: r2.revision });
    backend.production.comparisons.review({ comparisonId: comparison?.id as string, decision: 'approve', who: 'lead' });
    // A newer revision, pinned but never shadowed and approved.
    const r3 = backend.workflows.save({ ...r2, nodes: r2.nodes.map((n) => (n.type === 'render_still' ? { ...n, settings: { renderer: { samples: 5 } } } : n)) }).document;
    const moved = await call('outputTypes.update', { key: 'latest_approved', name: 'Latest approved', workflowId: 'legacy.still_default', workflowRevision: r3.revision, revisionPolicy: 'latest_approved' });
    expect(moved.ok).toBe(true);
    const graph = await dispatch('graph');
    expect(graph.run).toMatchObject({ mode: 'graph', workflowRevision: r2.revision, status: 'succeeded' });
  }, T);
});
