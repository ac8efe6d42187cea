import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { validateWorkflow } from '../../../shared/workflow/validate';
import { LegacyImportFailure } from './legacy-service';
import { exampleDocuments } from './legacy-testing';

const preset = (key: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: 'lightbox.legacy/render-preset@1',
    key,
    name: `Preset ${key}`,
    artifact: 'still',
    resolution: { width: 64, height: 64 },
    ...extra,
  });

describe('legacy service', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let backend: Backend;
  beforeEach(() => {
    tmp = makeTempDir();
    backend = testBackend(`${tmp.dir}/data`);
  });
  afterEach(() => {
    backend.close();
    tmp.cleanup();
  });
  const count = (table: string) => (backend.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('imports every example, keeping the text exactly, and re-imports as unchanged', () => {
    const docs = exampleDocuments();
    expect(docs.length).toBeGreaterThanOrEqual(13);
    const first = backend.legacy.import(docs);
    expect(first.imported.map((r) => r.status)).toEqual(docs.map(() => 'created'));
    expect(count('legacy_pipelines')).toBe(docs.filter((d) => d.fileName.startsWith('pipeline.')).length);
    expect(count('output_types')).toBe(docs.filter((d) => d.fileName.startsWith('preset.')).length);
    for (const d of docs.filter((x) => x.fileName.startsWith('preset.'))) {
      const key = (JSON.parse(d.text) as { key: string }).key;
      expect(backend.legacy.outputType(key)?.legacyText).toBe(d.text);
    }
    const again = backend.legacy.import(docs);
    expect(again.imported.map((r) => r.status)).toEqual(docs.map(() => 'unchanged'));
  });

  it('migrates every example to valid workflows and profiles with zero differences, idempotently', () => {
    const docs = exampleDocuments();
    const result = backend.legacy.migrate({ documents: docs, verify: true });
    expect(result.differences).toEqual([]);
    expect(result.verified).toBe(true);
    expect(result.workflows.map((w) => w.pipelineKey).sort()).toEqual(
      docs.filter((d) => d.fileName.startsWith('pipeline.')).map((d) => (JSON.parse(d.text) as { key: string }).key).sort(),
    );
    for (const w of result.workflows) {
      const doc = backend.workflows.get(w.workflowId);
      expect(doc.revision).toBe(1);
      expect(doc.executionMode).toBe('legacy');
      const { problems } = validateWorkflow(doc, backend.nodes, { mode: 'save' });
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    }
    const web = backend.legacy.outputType('still_transparent_web')?.outputType;
    expect(web?.profile).toMatchObject({ workflowId: 'legacy.still_catalog', workflowRevision: 1, artifact: { kind: 'still' } });
    expect(web?.profile.parameterValues).toMatchObject({ 'post.trim': true, 'renderer.samples': 48, 'materials.by_part': { 'bolt*': 'black_oxide', 'nut*': 'black_oxide', rod: 'chrome' } });
    expect(JSON.stringify(web?.extra)).toBe(JSON.stringify({ erp_sku_field: 'MATNR', legacy_id: 4411, tags: ['web', 'catalog'] }));
    expect(backend.legacy.outputType('still_white_2k')?.outputType).toMatchObject({ created_at: '2024-03-02T09:12:44Z', updated_at: '2025-11-18T16:40:03Z' });
    expect(backend.legacy.listPipelines().every((p) => p.migratedWorkflowId === `legacy.${p.key}`)).toBe(true);

    const again = backend.legacy.migrate({});
    expect(again.differences).toEqual([]);
    expect(again.workflows.every((w) => w.revision === 1)).toBe(true);
  });

  it('a re-migration keeps the rollout mode and revision policy; a newly bound revision turns pinned graph into shadow, logged', () => {
    backend.legacy.migrate({ documents: exampleDocuments(), verify: true });
    const { rollout, outputTypes } = backend.production;
    const profileOf = (key: string) => backend.legacy.outputType(key)?.outputType?.profile;
    rollout.set({ target: 'still_quick_preview', mode: 'graph', override: true, reason: 'approved by hand', who: 'lead' });
    rollout.set({ target: 'still_transparent_web', mode: 'graph', override: true, reason: 'approved by hand', who: 'lead' });
    const web = backend.legacy.outputType('still_transparent_web')?.outputType;
    if (!web) throw new Error('still_transparent_web was not migrated');
    outputTypes.update('still_transparent_web', { name: web.name, workflowId: web.profile.workflowId, workflowRevision: web.profile.workflowRevision, parameterValues: web.profile.parameterValues, executionMode: 'graph', revisionPolicy: 'latest_approved' });
    const quickBound = profileOf('still_quick_preview');

    // The same presets again: same bindings, so every choice stays.
    expect(backend.legacy.migrate({}).verified).toBe(true);
    expect(profileOf('still_quick_preview')).toMatchObject({ executionMode: 'graph', workflowRevision: quickBound?.workflowRevision });
    expect(profileOf('still_transparent_web')).toMatchObject({ executionMode: 'graph', revisionPolicy: 'latest_approved' });

    // Their workflows edited in the editor: migrating again stores the presets' content as new revisions.
    for (const id of new Set([quickBound?.workflowId, web.profile.workflowId])) {
      const doc = backend.workflows.get(id as string);
      backend.workflows.save({ ...doc, name: `${doc.name} (edited)` });
    }
    expect(backend.legacy.migrate({}).verified).toBe(true);
    const quick = profileOf('still_quick_preview');
    expect(quick?.workflowRevision).toBe((quickBound?.workflowRevision ?? 0) + 2);
    // Pinned graph would run a revision nobody approved: it observes in shadow instead, and the log says why.
    expect(quick?.executionMode).toBe('shadow');
    expect(backend.legacy.outputType('still_quick_preview')?.executionMode).toBe('shadow');
    expect(rollout.status().changes.find((c) => c.target === 'still_quick_preview')).toMatchObject({
      fromMode: 'graph',
      toMode: 'shadow',
      who: 'legacy migration',
      reason: `re-migration bound ${quickBound?.workflowId} revision ${quick?.workflowRevision}, which has no approved shadow pass yet`,
    });
    // latest_approved dispatches only approved revisions anyway: graph stays.
    expect(profileOf('still_transparent_web')).toMatchObject({ executionMode: 'graph', revisionPolicy: 'latest_approved' });
  });

  it('uses a shipped preset workflow when the preset names one that was not imported', () => {
    const docs = exampleDocuments().filter((d) => d.fileName === 'preset.still_white_2k.json');
    backend.legacy.import(docs);
    expect(count('legacy_pipelines')).toBe(0);
    const result = backend.legacy.migrate({ keys: ['still_white_2k'] });
    expect(result).toMatchObject({ verified: true, workflows: [{ pipelineKey: 'still_default', workflowId: 'legacy.still_default', revision: 1 }] });
    expect(backend.workflows.get('legacy.still_default').nodes.map((n) => n.id)).toEqual([
      'input',
      'step1_resolve_cad',
      'step2_prepare_scene',
      'step3_apply_materials',
      'step4_render_still',
      'step5_save_output',
      'step6_notify',
    ]);
  });

  it('refuses a preset whose pipeline exists nowhere, naming both', () => {
    expect(() => backend.legacy.import([{ fileName: 'p.json', text: preset('lonely', { pipeline: 'nowhere' }) }])).toThrow(
      /p\.json \(preset "lonely"\): pipeline: .*"lonely".*"nowhere"/,
    );
  });

  it('is all or nothing: one bad file stores nothing and every error is listed', () => {
    const docs = [
      ...exampleDocuments(),
      { fileName: 'bad.json', text: preset('bad', { renderer: { smaples: 8 } }) },
      { fileName: 'worse.json', text: '{ "format": ' },
    ];
    let failure: unknown;
    try {
      backend.legacy.import(docs);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(LegacyImportFailure);
    const data = (failure as LegacyImportFailure).toData();
    expect(data.code).toBe('invalid_legacy_document');
    expect(data.issues?.map((i) => i.path)).toEqual(['bad.json:renderer.smaples', 'worse.json:']);
    expect(count('legacy_pipelines')).toBe(0);
    expect(count('output_types')).toBe(0);
    expect(() => backend.legacy.migrate({ documents: docs })).toThrow(LegacyImportFailure);
    expect(count('workflows')).toBe(0);
  });

  it('answers import refusals through the contract with every issue', async () => {
    const r = await backend.dispatch('legacy.import', { documents: [{ fileName: 'bad.json', text: preset('bad', { materials: { default: 'gold' } }) }] }, { transport: 'http' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.issues?.[0]).toMatchObject({ path: 'bad.json:materials.default' });
    expect(r.error.issues?.[0]?.message).toMatch(/bad\.json \(preset "bad"\).*"gold"/);
  });

  it('dry run computes and verifies but stores nothing', () => {
    const result = backend.legacy.migrate({ documents: exampleDocuments(), dryRun: true });
    expect(result.verified).toBe(true);
    expect(result.workflows.every((w) => w.revision === 1)).toBe(true);
    expect(count('legacy_pipelines') + count('output_types') + count('workflows')).toBe(0);
  });

  it('a changed preset is "updated" and its stale profile is cleared until migrated again', () => {
    backend.legacy.migrate({ documents: [{ fileName: 'a.json', text: preset('a') }] });
    expect(backend.legacy.outputType('a')?.outputType).not.toBeNull();
    backend.production.rollout.set({ target: 'a', mode: 'shadow', who: 'lead' });
    const r = backend.legacy.import([{ fileName: 'a.json', text: preset('a', { renderer: { samples: 9 } }) }]);
    expect(r.imported[0]?.status).toBe('updated');
    expect(backend.legacy.outputType('a')).toMatchObject({ outputType: null, executionMode: 'legacy' });
    // The mode the lead chose went with the stale profile: the rollout log says so.
    expect(backend.production.rollout.status().changes[0]).toMatchObject({ target: 'a', fromMode: 'shadow', toMode: 'legacy', who: 'legacy import' });
    backend.legacy.migrate({ keys: ['a'] });
    expect(backend.legacy.outputType('a')?.outputType?.profile.parameterValues['renderer.samples']).toBe(9);
  });

  it('names an unknown key to migrate', () => {
    expect(() => backend.legacy.migrate({ keys: ['ghost'] })).toThrow(/"ghost"/);
  });
});
