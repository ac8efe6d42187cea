import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncPullResult, SyncPushResult, SyncRunResult } from '../../../shared/sync/api';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { createPeopleStore } from '../../platform/people/people-store';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';
import type { HubConnection } from './workstation-sync';

/**
 * Sync beyond workflows (issue 17 items 3 and 8): output types with their profiles and legacy
 * presets, rollout modes and their log, comparison reviews, and runs and comparisons as summaries
 * with key images, between a hub and two workstations, each its own backend. A workstation
 * reaches the hub through its dispatch with the input signed as the hub's access signs it (the
 * pushing person's name in `who`); sync-processes tests the same over real processes.
 */
const HUB = 'http://hub.test';
const KEY = 'still_white_2k';
const T = 240_000;

let tmp: ReturnType<typeof makeTempDir>;
let hub: Backend;
let a: Backend; // the artist's workstation (ana)
let b: Backend; // the lead's workstation (lee)

const connection = (who: string): HubConnection => {
  const call = async <R>(method: string, input: object): Promise<R> => {
    const result = await hub.dispatch(method, method === 'sync.push' ? { ...input, who } : input, { transport: 'http' });
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.result as R;
  };
  return { pull: (input) => call<SyncPullResult>('sync.pull', input), push: (input) => call<SyncPushResult>('sync.push', input) };
};
const ana = connection('ana');
const lee = connection('lee');
const sync = (side: Backend, as: HubConnection): Promise<SyncRunResult> => side.sync.run(as, HUB);

beforeAll(() => {
  tmp = makeTempDir('lightbox-sync-records-');
  hub = testBackend(path.join(tmp.dir, 'hub'));
  a = testBackend(path.join(tmp.dir, 'a'));
  b = testBackend(path.join(tmp.dir, 'b'));
  const people = createPeopleStore(hub.db);
  people.add('ana', 'artist');
  people.add('lee', 'lead');
});
afterAll(async () => {
  for (const side of [hub, a, b]) await side.close();
  tmp.cleanup();
});

describe('sync of output types, reviews, rollout and run summaries', () => {
  it('output types with their legacy presets and profiles travel, the pinned revision translated by id', async () => {
    a.legacy.migrate({ documents: exampleDocuments(), verify: true });
    const keys = a.legacy.listOutputTypes().map((o) => o.key).sort();
    expect(keys.length).toBeGreaterThan(1);
    const first = await sync(a, ana);
    expect(first.refused).toEqual([]);
    expect(first.byKind?.output_type).toEqual({ pushed: keys.length, pulled: 0 });
    const second = await sync(b, lee);
    expect(second.byKind?.output_type).toEqual({ pushed: 0, pulled: keys.length });
    for (const key of keys) {
      const mine = a.legacy.outputType(key);
      const theirs = b.legacy.outputType(key);
      // The legacy preset text exactly, the profile (pinning the same revision) and the mode.
      expect(theirs?.legacy).toEqual(mine?.legacy);
      expect(theirs?.outputType).toEqual(mine?.outputType);
      expect(theirs?.executionMode).toBe(mine?.executionMode);
    }
    // In step: nothing moves again either way.
    expect(await sync(a, ana)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(await sync(b, lee)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(a.sync.status()).toMatchObject({ pending: 0, conflicts: 0 });
  }, T);

  it("an artist's mode change is refused by the hub with the rule; a lead's goes everywhere with its log entry", async () => {
    a.production.rollout.set({ target: KEY, mode: 'shadow', who: 'ana' });
    const refused = await sync(a, ana);
    expect(refused.refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ record: `output_type:${KEY}`, code: 'forbidden', message: "setting an output type's mode to shadow is a rollout change needs the lead role; ana is an artist" }),
        expect.objectContaining({ code: 'forbidden', message: 'changing a rollout mode to shadow needs the lead role; ana is an artist' }),
      ]),
    );
    expect(hub.legacy.outputType(KEY)?.executionMode).not.toBe('shadow');
    // The artist's change stays here, waiting (nothing lost); the lead makes the same change on B.
    expect(a.sync.status().pending).toBeGreaterThanOrEqual(2);
    b.production.rollout.set({ target: KEY, mode: 'shadow', reason: 'try the graph beside legacy', who: 'lee' });
    const led = await sync(b, lee);
    expect(led.refused).toEqual([]);
    expect(led.byKind?.mode_change?.pushed).toBe(1);
    expect(hub.legacy.outputType(KEY)?.executionMode).toBe('shadow');
    // A now holds the same state as the hub: its own change is no longer different, and the lead's log entry arrived.
    await sync(a, ana);
    expect(a.legacy.outputType(KEY)?.executionMode).toBe('shadow');
    const logged = a.production.rollout.status().changes.filter((c) => c.target === KEY && c.who === 'lee');
    expect(logged).toEqual([expect.objectContaining({ toMode: 'shadow', reason: 'try the graph beside legacy' })]);
  }, T);

  it("runs and comparisons go up as summaries with key images; an artist's approval is refused, a lead's is visible on the other workstation and opens graph there", async () => {
    const cadId = (await (await a.production.cad.importFile(TEST_STEP)).done).id;
    const line = a.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: [KEY] }).lines[0]?.id as string;
    await a.production.dispatcher.start(line, { draft: { maxSize: 48, samples: 2 } }).done;
    const shadow = a.production.runs.ofOrderLine(line).find((r) => r.role === 'shadow');
    const comparison = a.production.comparisons.ofRun(shadow?.id as string);
    expect(comparison).toMatchObject({ verdict: 'pass', outputTypeKey: KEY });
    const id = comparison?.id as string;

    const up = await sync(a, ana);
    expect(up.refused.filter((r) => r.record?.startsWith('run:') || r.record?.startsWith('comparison:'))).toEqual([]);
    expect(up.byKind?.comparison?.pushed).toBe(1);
    expect(up.byKind?.run?.pushed).toBeGreaterThanOrEqual(2);
    // The hub holds the summaries: the two runs with key images, the comparison pointing at them.
    const hubShadow = hub.production.runs.get(shadow?.id as string);
    expect(hubShadow).toMatchObject({ origin: 'ana', role: 'shadow', status: 'succeeded', nodes: [] });
    expect(hubShadow?.keyImage).toMatch(/^data:image\/webp;base64,/);
    expect(hub.production.comparisons.get(id)).toMatchObject({ verdict: 'pass', workflowContentHash: comparison?.workflowContentHash, review: null });

    // The artist approves on A: kept on A, refused by the hub with the rule in words.
    a.production.comparisons.review({ comparisonId: id, decision: 'approve', who: 'ana' });
    const artistPush = await sync(a, ana);
    expect(artistPush.refused).toContainEqual(expect.objectContaining({ code: 'forbidden', message: 'approving a comparison needs the lead role; ana is an artist' }));
    expect(hub.production.comparisons.get(id)?.review).toBeNull();

    // The lead pulls the comparison to B, approves it there, and syncs: the hub signs it with the lead's name.
    await sync(b, lee);
    expect(b.production.comparisons.get(id)).toMatchObject({ verdict: 'pass', review: null });
    b.production.comparisons.review({ comparisonId: id, decision: 'approve', note: 'clean', who: 'someone' });
    expect((await sync(b, lee)).byKind?.review).toEqual({ pushed: 1, pulled: 0 });
    expect(hub.production.comparisons.get(id)?.review).toMatchObject({ decision: 'approve', who: 'lee', note: 'clean' });

    // Visible on A after its next sync, and the rollout gate there reads it (approvals follow content).
    await sync(a, ana);
    expect(a.production.comparisons.get(id)?.review).toMatchObject({ decision: 'approve', who: 'lee' });
    // One pass on one CAD file is what this test makes: the studio's coverage rule, on B, says so; B counts A's CAD file by its content.
    b.production.rollout.setRules({ target: 'studio', minPasses: 1, minCadFiles: 1, who: 'lee' });
    expect(b.production.rollout.outputType(KEY)).toMatchObject({ cleanPass: true, graphBlockedBy: null, gates: { coverage: { passes: 1, cadFiles: 1 } } });
    b.production.rollout.set({ target: KEY, mode: 'graph', reason: 'passed and approved', who: 'lee' });
    await sync(b, lee);
    await sync(a, ana);
    expect(a.legacy.outputType(KEY)?.executionMode).toBe('graph');
  }, T);

  it('an output type changed on both sides is a conflict for a person, resolved by taking one side', async () => {
    const key = 'still_top_exr';
    const rename = (side: Backend, name: string) => {
      const current = side.legacy.outputType(key)?.outputType;
      if (!current) throw new Error(`no profile for ${key}`);
      side.production.outputTypes.update(key, { name, workflowId: current.profile.workflowId, workflowRevision: current.profile.workflowRevision, parameterValues: current.profile.parameterValues, active: current.active });
    };
    rename(a, 'Top view, EXR (A)');
    rename(b, 'Top view, EXR (B)');
    expect((await sync(a, ana)).byKind?.output_type?.pushed).toBe(1);
    const both = await sync(b, lee);
    expect(both.conflicts).toBe(1);
    const [conflict] = b.sync.conflicts().filter((c) => c.record);
    expect(conflict).toMatchObject({ id: `output_type:${key}`, kind: 'changed_on_both', record: { kind: 'output_type', key }, message: expect.stringContaining(`output type "${key}" was changed here and on the hub`) });
    expect(conflict?.setting).toContain('name');
    // Nothing of B's is lost meanwhile, nor pushed over A's.
    expect(b.legacy.outputType(key)?.name).toBe('Top view, EXR (B)');
    expect(hub.legacy.outputType(key)?.name).toBe('Top view, EXR (A)');
    b.sync.resolve(`output_type:${key}`, 'mine');
    expect((await sync(b, lee)).byKind?.output_type?.pushed).toBe(1);
    await sync(a, ana);
    for (const side of [hub, a, b]) expect(side.legacy.outputType(key)?.name).toBe('Top view, EXR (B)');
    expect(b.sync.status().conflicts).toBe(0);
  }, T);

  it("a sync reads on from how far each made-once kind was exchanged; a mark naming another row (rowids renumbered) only means reading from the start", async () => {
    type Mark = { kind: string; seq: number; key: string };
    const marks = (side: Backend, scope: string) => side.db.prepare<[string], Mark>('SELECT kind, seq, key FROM sync_watermarks WHERE scope = ? ORDER BY kind').all(scope);
    await sync(a, ana);
    await sync(b, lee);
    const before = marks(a, HUB);
    // Every local run and comparison of A was exchanged: their marks sit at the newest one.
    const newest = (table: string) => a.db.prepare<[], { seq: number; key: string }>(`SELECT rowid AS seq, id AS key FROM ${table} WHERE origin IS NULL ORDER BY rowid DESC LIMIT 1`).get();
    expect(before.find((m) => m.kind === 'run')).toMatchObject(newest('workflow_runs') as object);
    expect(before.find((m) => m.kind === 'comparison')).toMatchObject(newest('comparisons') as object);
    // The hub keeps how far its own records are in its log the same way.
    expect(marks(hub, '(hub log)').map((m) => m.kind)).toEqual(expect.arrayContaining(['mode_change', 'review']));
    // Rowids renumbered (a VACUUM): the marks no longer name their rows. Nothing moves, nothing is lost, the marks come back.
    const pending = a.sync.status().pending;
    a.db.prepare("UPDATE sync_watermarks SET key = 'renumbered' WHERE scope = ?").run(HUB);
    expect(await sync(a, ana)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(marks(a, HUB)).toEqual(before);
    expect(a.sync.status().pending).toBe(pending);
  }, T);

  it('a hostile record is refused naming the field and the value, and stores nothing', async () => {
    const before = hub.legacy.outputType('still_top_exr');
    const answer = await ana.push({
      revisions: [],
      records: [{ kind: 'output_type', key: 'still_top_exr', hash: 'f'.repeat(64), body: { name: 'x' }, base: null }],
    });
    expect(answer.refused).toEqual([expect.objectContaining({ code: 'bad_hash', path: 'records[0].hash' })]);
    expect(hub.legacy.outputType('still_top_exr')).toEqual(before);
  });
});
