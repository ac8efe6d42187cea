import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { createTargetResolver } from '../../execution/dispatch/dispatch-target';
import { openDatabase } from '../../platform/db/open-database';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import type { OrderLine } from '../../../shared/orders/api';
import type { OutputType } from '../../../shared/output-types/profile';
import { exampleDocuments } from '../legacy/legacy-testing';
import { createOutputTypeStore, modeOf } from './output-type-store';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('lightbox-output-type-store-');
});
afterEach(() => tmp.cleanup());

const profiled = (key: string, executionMode?: 'legacy' | 'graph' | 'shadow'): OutputType => ({
  key,
  name: `Type ${key}`,
  artifact: 'still',
  active: true,
  extra: {},
  profile: { workflowId: 'wf.still', workflowRevision: 1, parameterValues: {}, artifact: { kind: 'still' }, ...(executionMode ? { executionMode } : {}) },
});

describe('output-type store', () => {
  it('keeps the mode in one place, the column: the profile JSON never carries it, and every read sees the column', () => {
    const db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
    try {
      const store = createOutputTypeStore(db);
      const raw = (key: string) => db.prepare('SELECT execution_mode AS mode, profile_json AS json FROM output_types WHERE key = ?').get(key) as { mode: string | null; json: string | null };
      store.insertProfile(profiled('a', 'shadow'));
      expect(raw('a').mode).toBe('shadow');
      expect(JSON.parse(raw('a').json as string).profile).not.toHaveProperty('executionMode');
      expect(store.get('a')).toMatchObject({ mode: 'shadow', outputType: { profile: { executionMode: 'shadow' } } });

      // Rollout sets the column, and logs from the mode it had.
      const change = store.setMode('a', 'graph', { reason: 'approved', who: 'lead' });
      expect(change).toMatchObject({ targetKind: 'output_type', target: 'a', fromMode: 'shadow', toMode: 'graph', override: false, comparisonId: null });
      expect(store.list().find((o) => o.key === 'a')?.outputType?.profile.executionMode).toBe('graph');
      expect(store.modeChangesPage({ limit: 50 }).items).toEqual([change]);
      expect(store.modeChange(change.id)).toEqual(change);
      expect(store.lastModeChangeTo('graph', ['a', 'a'])).toBe(change.createdAt);
      expect(store.lastModeChangeTo('shadow', ['a', 'wf.none'])).toBeNull();

      // An edit without a mode clears it: the output type follows its workflow again.
      store.updateProfile('a', profiled('a'));
      expect(raw('a').mode).toBeNull();
      expect(store.get('a')).toMatchObject({ mode: null });
      expect(store.get('a')?.outputType?.profile).not.toHaveProperty('executionMode');

      // Should a profile on disk still say a mode, the column is what is read.
      db.prepare('UPDATE output_types SET profile_json = ?, execution_mode = ? WHERE key = ?').run(JSON.stringify(profiled('a', 'graph')), 'legacy', 'a');
      expect(store.get('a')?.outputType?.profile.executionMode).toBe('legacy');
      db.prepare('UPDATE output_types SET execution_mode = NULL WHERE key = ?').run('a');
      expect(store.get('a')?.outputType?.profile).not.toHaveProperty('executionMode');

      // A legacy preset: no profile, no mode; replaced, its profile and mode go, logged when asked.
      store.insertPreset({ key: 'p', name: 'P', artifact: 'still', text: '{}', file: 'p.json' });
      store.attachProfile('p', profiled('p', 'graph'));
      expect(store.get('p')).toMatchObject({ mode: 'graph', legacyText: '{}', name: 'P' });
      expect(store.replacePreset({ key: 'p', name: 'P2', artifact: 'still', text: '{ }', file: 'p.json' }, { reason: 'stale', who: 'legacy import' })).toMatchObject({ fromMode: 'graph', toMode: 'legacy' });
      expect(store.get('p')).toMatchObject({ mode: null, outputType: null, legacyText: '{ }', name: 'P2' });
      expect(store.logWorkflowMode('wf.still', 'legacy', 'shadow', { reason: null, who: 'lead' })).toMatchObject({ targetKind: 'workflow', target: 'wf.still' });
      // Oldest first as logged (changes within one millisecond too); the page holds the same changes.
      expect(store.modeChangeIds().map((id) => store.modeChange(id)?.target)).toEqual(['a', 'p', 'wf.still']);
      expect([...store.modeChangeIds()].sort()).toEqual(store.modeChangesPage({ limit: 50 }).items.map((c) => c.id).sort());
    } finally {
      db.close();
    }
  });

  it('reads a mode one way: own, else the workflow as rolled out, else legacy (graph without a legacy form)', () => {
    expect(modeOf('shadow', 'graph', true)).toBe('shadow');
    expect(modeOf(null, 'graph', true)).toBe('graph');
    expect(modeOf(undefined, undefined, true)).toBe('legacy');
    expect(modeOf(null, null, false)).toBe('graph');
  });
});

describe('one owner: a mode written through one service is what the others read', () => {
  let backend: Backend;
  beforeEach(() => {
    backend = testBackend(path.join(tmp.dir, 'data'));
    backend.legacy.migrate({ documents: exampleDocuments(), verify: true });
  });
  afterEach(() => backend.close());

  it('rollout, the output-type service, legacy migration, the contract and dispatch agree', async () => {
    const { rollout, outputTypes } = backend.production;
    const key = 'still_white_2k';
    const resolve = createTargetResolver({ db: backend.db, legacy: backend.legacy, workflows: backend.workflows, graph: {} });
    const dispatchMode = () => resolve({ outputTypeKey: key } as OrderLine).mode;
    const viaContract = async () => {
      const got = await backend.dispatch('outputTypes.get', { key }, { transport: 'http' });
      const listed = await backend.dispatch('outputTypes.list', {}, { transport: 'http' });
      if (!got.ok || !listed.ok) throw new Error('outputTypes.get/list failed');
      const one = got.result as { executionMode: string };
      const all = listed.result as { outputTypes: { key: string; executionMode: string }[] };
      return [one.executionMode, all.outputTypes.find((o) => o.key === key)?.executionMode];
    };
    // Migrated, no mode of its own: it follows its workflow (legacy).
    expect(backend.legacy.outputType(key)?.outputType?.profile).not.toHaveProperty('executionMode');
    expect(rollout.outputType(key)).toMatchObject({ ownMode: null, effectiveMode: 'legacy' });
    expect(dispatchMode()).toBe('legacy');

    // Rollout writes it: every reader sees it.
    rollout.set({ target: key, mode: 'graph', override: true, reason: 'drill', who: 'lead' });
    expect(backend.legacy.outputType(key)).toMatchObject({ executionMode: 'graph', outputType: { profile: { executionMode: 'graph' } } });
    expect(rollout.outputType(key)).toMatchObject({ ownMode: 'graph', effectiveMode: 'graph' });
    expect(await viaContract()).toEqual(['graph', 'graph']);
    expect(dispatchMode()).toBe('graph');

    // The output-type service writes it: rollout and dispatch see it; the log's "from" is rollout's mode.
    const web = backend.legacy.outputType(key)?.outputType as OutputType;
    outputTypes.update(key, { name: web.name, workflowId: web.profile.workflowId, workflowRevision: web.profile.workflowRevision, parameterValues: web.profile.parameterValues, executionMode: 'shadow' });
    expect(rollout.outputType(key)).toMatchObject({ ownMode: 'shadow', effectiveMode: 'shadow' });
    expect(dispatchMode()).toBe('shadow');
    expect(rollout.set({ target: key, mode: 'legacy', reason: 'rollback', who: 'lead' })).toMatchObject({ fromMode: 'shadow', toMode: 'legacy' });

    // A re-migration keeps the mode (same binding); an edit without one hands it back to the workflow.
    rollout.set({ target: key, mode: 'shadow', who: 'lead' });
    expect(backend.legacy.migrate({ keys: [key] }).verified).toBe(true);
    expect(rollout.outputType(key)?.ownMode).toBe('shadow');
    outputTypes.update(key, { name: web.name, workflowId: web.profile.workflowId, workflowRevision: web.profile.workflowRevision, parameterValues: web.profile.parameterValues });
    rollout.set({ target: web.profile.workflowId, mode: 'shadow', reason: 'observe', who: 'lead' });
    expect(rollout.outputType(key)).toMatchObject({ ownMode: null, workflowMode: 'shadow', effectiveMode: 'shadow' });
    expect(dispatchMode()).toBe('shadow');
  });
});
