import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncPullResult, SyncPushResult } from '../../../shared/sync/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { Backend } from '../../entry/app/backend';
import { addNode, connect, edit, node, NOTIFY, removeNode, RENDER, setSetting, stillBase } from '../../catalog/workflows/merge/merge-testing';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { ServerUnreachable } from '../../platform/transport/http-client';
import type { HubConnection } from './workstation-sync';
import { contentHashOf, revisionIdOf } from './sync-testing';

/**
 * Sync between three data directories, each its own backend: a hub and two workstations. The
 * workstations reach the hub through its contract dispatch (what its HTTP transport calls), so
 * every input crosses the zod schemas; sync-processes.test.ts does the same over real processes.
 */

const HUB = 'http://hub.test';
const WF = 'legacy.still_default';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function setup() {
  const tmp = makeTempDir('lightbox-sync-');
  const open = (name: string) => testBackend(path.join(tmp.dir, name));
  const backends = { hub: open('hub'), a: open('a'), b: open('b') };
  cleanups.push(async () => {
    for (const b of Object.values(backends)) await b.close();
    tmp.cleanup();
  });
  let hubDown = false;
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    if (hubDown) throw new ServerUnreachable(HUB, `${HUB} could not be reached (ECONNREFUSED)`);
    const result = await backends.hub.dispatch(method, input, { transport: 'http' });
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.result as T;
  };
  const hub: HubConnection = { pull: (input) => call<SyncPullResult>('sync.pull', input), push: (input) => call<SyncPushResult>('sync.push', input) };
  return { ...backends, hub, hubBackend: backends.hub, setHubDown: (down: boolean) => (hubDown = down), call };
}

const saveEdit = (backend: Backend, change: (d: WorkflowDocument) => void) => {
  const current = backend.workflows.get(WF);
  return backend.workflows.save(edit(current, change), 'edit').revisionInfo;
};
const samples = (backend: Backend) => (node(backend.workflows.get(WF), RENDER).settings as { renderer?: { samples?: number } }).renderer?.samples;

describe('sync of workflows between a hub and two workstations', () => {
  it('edits to different nodes on both workstations merge with no conflict, and both see the result', async () => {
    const { hub, a, b } = setup();
    a.workflows.save({ ...stillBase(), revision: 0 });
    expect(await a.sync.run(hub, HUB)).toMatchObject({ pushed: 1, pulled: 0, conflicts: 0, refused: [] });
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pushed: 0, pulled: 1, conflicts: 0 });
    // Offline on both: A changes the render node, B the notify node.
    saveEdit(a, (d) => setSetting(d, RENDER, 'renderer.samples', 128));
    saveEdit(b, (d) => (node(d, NOTIFY).settings.on_failure = false));
    expect(await a.sync.run(hub, HUB)).toMatchObject({ pushed: 1, pulled: 0, conflicts: 0 });
    const merged = await b.sync.run(hub, HUB);
    // B pulled A's edit, merged it with its own (a revision with two parents) and pushed both.
    expect(merged).toMatchObject({ pulled: 1, pushed: 2, conflicts: 0, merged: [WF] });
    expect(b.workflows.revision(WF).parents).toHaveLength(2);
    expect(await a.sync.run(hub, HUB)).toMatchObject({ pulled: 2, pushed: 0, conflicts: 0 });
    for (const side of [a, b]) {
      expect(samples(side)).toBe(128);
      expect(node(side.workflows.get(WF), NOTIFY).settings.on_failure).toBe(false);
    }
    // Same content, same revision id everywhere.
    expect(a.workflows.revision(WF).revisionId).toBe(b.workflows.revision(WF).revisionId);
    expect(a.sync.status()).toMatchObject({ pending: 0, conflicts: 0, hubUrl: HUB });
  });

  it('the same setting changed differently: one conflict naming the node and the setting; resolved, both converge', async () => {
    const { hub, a, b } = setup();
    a.workflows.save({ ...stillBase(), revision: 0 });
    await a.sync.run(hub, HUB);
    await b.sync.run(hub, HUB);
    saveEdit(a, (d) => setSetting(d, RENDER, 'renderer.samples', 64));
    saveEdit(b, (d) => setSetting(d, RENDER, 'renderer.samples', 256));
    await a.sync.run(hub, HUB);
    const before = b.workflows.revision(WF).revisionId;
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pulled: 1, pushed: 0, conflicts: 1 });
    // Nothing lost, nothing pushed: B's head is still its own edit.
    expect(b.workflows.revision(WF).revisionId).toBe(before);
    expect(samples(b)).toBe(256);
    const conflicts = b.sync.conflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ workflowId: WF, nodeId: RENDER, setting: 'settings.renderer.samples', mine: 256, theirs: 64, take: null });
    expect(conflicts[0]?.message).toContain(RENDER);
    // A second sync keeps the open conflict as it is.
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pushed: 0, conflicts: 1 });
    expect(b.sync.status().conflicts).toBe(1);

    const resolved = b.sync.resolve(conflicts[0]?.id as string, 'theirs');
    expect(resolved.open).toEqual([]);
    expect(resolved.saved?.parents).toEqual([before, a.workflows.revision(WF).revisionId]);
    expect(b.sync.conflicts()).toEqual([]);
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pushed: 2, conflicts: 0 });
    expect(await a.sync.run(hub, HUB)).toMatchObject({ pulled: 2, conflicts: 0 });
    expect(samples(a)).toBe(64);
    expect(samples(b)).toBe(64);
    expect(a.workflows.revision(WF).revisionId).toBe(b.workflows.revision(WF).revisionId);
  });

  it('a hub that is down loses nothing: the edits wait and go at the next sync', async () => {
    const { hub, a, b, setHubDown } = setup();
    a.workflows.save({ ...stillBase(), revision: 0 });
    await a.sync.run(hub, HUB);
    saveEdit(a, (d) => setSetting(d, RENDER, 'renderer.samples', 96));
    saveEdit(a, (d) => setSetting(d, RENDER, 'renderer.seed', 3));
    setHubDown(true);
    await expect(a.sync.run(hub, HUB)).rejects.toBeInstanceOf(ServerUnreachable);
    expect(a.sync.pendingFor(HUB)).toBe(2);
    expect(samples(a)).toBe(96);
    setHubDown(false);
    expect(await a.sync.run(hub, HUB)).toMatchObject({ pushed: 2, conflicts: 0 });
    expect(a.sync.pendingFor(HUB)).toBe(0);
    await b.sync.run(hub, HUB);
    expect(samples(b)).toBe(96);
  });

  it('a push behind the hub is refused as behind and stores nothing', async () => {
    const { a, b, hub, call } = setup();
    a.workflows.save({ ...stillBase(), revision: 0 });
    await a.sync.run(hub, HUB);
    await b.sync.run(hub, HUB);
    saveEdit(a, (d) => setSetting(d, RENDER, 'renderer.samples', 64));
    await a.sync.run(hub, HUB);
    const mine = saveEdit(b, (d) => setSetting(d, RENDER, 'renderer.samples', 32));
    const document = b.workflows.get(WF) as unknown as Record<string, unknown>;
    const answer = await call<SyncPushResult>('sync.push', { revisions: [{ workflowId: WF, revisionId: mine.revisionId, parents: mine.parents, contentHash: mine.contentHash, document }] });
    expect(answer.accepted).toEqual([]);
    expect(answer.refused).toEqual([expect.objectContaining({ code: 'behind', path: 'revisions[0]', revisionId: mine.revisionId })]);
    expect(answer.heads[WF]).toBe(a.workflows.revision(WF).revisionId);
  });

  it('refuses hostile pushes naming the field and the value', async () => {
    const { a, hub, call } = setup();
    const saved = a.workflows.save({ ...stillBase(), revision: 0 }).revisionInfo;
    const document = a.workflows.get(WF) as unknown as Record<string, unknown>;
    const good = { workflowId: WF, revisionId: saved.revisionId, parents: saved.parents, contentHash: saved.contentHash, document };
    const push = (revision: unknown) => call<SyncPushResult>('sync.push', { revisions: [revision] });
    const refusal = async (revision: unknown) => (await push(revision)).refused[0];

    // The schema: not a sha256, too many parents, an extra field.
    await expect(push({ ...good, revisionId: 'x' })).rejects.toMatchObject({ code: 'invalid_input', path: 'revisions[0].revisionId' });
    await expect(push({ ...good, parents: [saved.contentHash, saved.contentHash, saved.contentHash] })).rejects.toMatchObject({ path: 'revisions[0].parents' });
    await expect(push({ ...good, sneaky: true })).rejects.toMatchObject({ code: 'invalid_input' });
    // Hashes that do not match the content, a document of another workflow, an unknown parent.
    const tampered = { ...document, name: 'tampered' };
    expect(await refusal({ ...good, document: tampered })).toMatchObject({ code: 'hash_mismatch', path: 'revisions[0].contentHash' });
    expect(await refusal({ ...good, revisionId: saved.contentHash })).toMatchObject({ code: 'hash_mismatch', path: 'revisions[0].revisionId' });
    expect(await refusal({ ...good, workflowId: 'other' })).toMatchObject({ path: 'revisions[0].document.id' });
    // Consistent hashes over an invalid document: validation names the field.
    const broken = edit(document as unknown as WorkflowDocument, (d) => {
      node(d, RENDER).type = 'no_such_node';
    }) as unknown as Record<string, unknown>;
    const brokenHash = contentHashOf(broken);
    const invalid = await refusal({ ...good, document: broken, contentHash: brokenHash, revisionId: revisionIdOf([], brokenHash) });
    expect(invalid).toMatchObject({ code: 'invalid_workflow' });
    expect(invalid?.path).toMatch(/^revisions\[0\]\.document\.nodes\[\d+\]\.type$/);
    const orphanHash = contentHashOf(document);
    const parent = 'f'.repeat(64);
    expect(await refusal({ ...good, parents: [parent], revisionId: revisionIdOf([parent], orphanHash) })).toMatchObject({ code: 'unknown_parent', path: 'revisions[0].parents[0]' });
    // None of it was stored; the honest revision is.
    expect((await hub.pull({})).revisions).toEqual([]);
    expect((await push(good)).accepted).toEqual([saved.revisionId]);
  });

  it('a node deleted on one side and edited on the other is a conflict; taking the edit keeps the node, and a conflict made stale by a local save is merged again', async () => {
    const { hub, a, b } = setup();
    a.workflows.save({ ...stillBase(), revision: 0 });
    await a.sync.run(hub, HUB);
    await b.sync.run(hub, HUB);
    saveEdit(a, (d) => setSetting(d, NOTIFY, 'on_failure', false));
    await a.sync.run(hub, HUB);
    saveEdit(b, (d) => removeNode(d, NOTIFY));
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pushed: 0, conflicts: 1 });
    const [conflict] = b.sync.conflicts();
    expect(conflict).toMatchObject({ kind: 'delete-edit', nodeId: NOTIFY });
    // B saves again meanwhile: the recorded merge no longer fits its head; resolve says so, sync merges anew.
    saveEdit(b, (d) => setSetting(d, RENDER, 'renderer.samples', 48));
    expect(() => b.sync.resolve(conflict?.id as string, 'theirs')).toThrow(/was saved since this merge was made/);
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pushed: 0, conflicts: 1 });
    const [again] = b.sync.conflicts();
    expect(again).toMatchObject({ kind: 'delete-edit', nodeId: NOTIFY, take: null });
    expect(() => b.sync.resolve('no-such-conflict', 'mine')).toThrow(/no open conflict "no-such-conflict"/);
    const resolved = b.sync.resolve(again?.conflictId as string, 'theirs');
    expect(resolved.saved).not.toBeNull();
    expect(node(b.workflows.get(WF), NOTIFY).settings.on_failure).toBe(false);
    expect(samples(b)).toBe(48);
    expect(await b.sync.run(hub, HUB)).toMatchObject({ conflicts: 0, refused: [] });
    await a.sync.run(hub, HUB);
    expect(a.workflows.revision(WF).revisionId).toBe(b.workflows.revision(WF).revisionId);
  });

  it('a revision pulled from the hub that does not check out here is refused naming the field, kept out, and pulled again next time', async () => {
    const { hub, hubBackend, a } = setup();
    // A hub that hands out a revision whose document does not validate (written around its store).
    const doc = { ...stillBase(), id: 'bad.workflow', revision: 1 };
    node(doc, RENDER).type = 'no_such_node';
    const contentHash = contentHashOf(doc);
    const revisionId = revisionIdOf([], contentHash);
    const now = new Date().toISOString();
    hubBackend.db.prepare(`INSERT INTO workflows (id, name, family, execution_mode, current_revision, created_at, updated_at) VALUES ('bad.workflow', 'bad', 'order_line', 'legacy', 1, ?, ?)`).run(now, now);
    hubBackend.db
      .prepare(`INSERT INTO workflow_revisions (workflow_id, revision, document_json, saved_at, note, revision_id, parents_json, content_hash) VALUES ('bad.workflow', 1, ?, ?, NULL, ?, '[]', ?)`)
      .run(JSON.stringify(doc), now, revisionId, contentHash);
    const first = await a.sync.run(hub, HUB);
    expect(first.pulled).toBe(0);
    expect(first.refused).toEqual([expect.objectContaining({ workflowId: 'bad.workflow', revisionId, code: 'invalid_workflow' })]);
    expect(first.refused[0]?.path).toMatch(/^revisions\[0\]\.document\.nodes\[\d+\]\.type$/);
    expect(a.workflows.list().map((w) => w.id)).not.toContain('bad.workflow');
    // Not skipped for good: the next sync meets it again.
    expect((await a.sync.run(hub, HUB)).refused).toHaveLength(1);
  });

  it('structural conflicts (a deleted node the other side connected to) are resolved choice by choice, follow-ups included, before the merge is saved', async () => {
    const { hub, a, b } = setup();
    a.workflows.save(edit({ ...stillBase(), revision: 0 }, (d) => {
      addNode(d, 'postprocess_1', 'postprocess');
      connect(d, RENDER, 'image', 'postprocess_1', 'image');
    }));
    await a.sync.run(hub, HUB);
    await b.sync.run(hub, HUB);
    saveEdit(b, (d) => {
      addNode(d, 'output_save_1', 'output_save');
      connect(d, 'postprocess_1', 'thumbnail', 'output_save_1', 'artifact');
    });
    await b.sync.run(hub, HUB);
    saveEdit(a, (d) => removeNode(d, 'postprocess_1'));
    const synced = await a.sync.run(hub, HUB);
    expect(synced.conflicts).toBeGreaterThan(0);
    expect(a.sync.conflicts().map((c) => c.kind)).toContain('dangling-edge');
    // Keep the deletion: choose mine for whatever is open until the merge validates and is saved.
    let saved = null;
    for (let round = 0; round < 4 && !saved; round++) {
      const open = a.sync.conflicts().filter((c) => c.take === null);
      expect(open.length).toBeGreaterThan(0);
      for (const c of open) saved = a.sync.resolve(c.id, 'mine').saved;
    }
    expect(saved?.parents).toHaveLength(2);
    expect(a.sync.conflicts()).toEqual([]);
    const merged = a.workflows.get(WF);
    expect(merged.nodes.map((n) => n.id)).not.toContain('postprocess_1');
    expect(a.workflows.validate(merged).valid).toBe(true);
    expect(await a.sync.run(hub, HUB)).toMatchObject({ conflicts: 0, refused: [] });
    await b.sync.run(hub, HUB);
    expect(b.workflows.revision(WF).revisionId).toBe(a.workflows.revision(WF).revisionId);
  });

  it('a sync reads past what it pushed: the next one fetches none of it back, and a revision another pushed meanwhile comes along', async () => {
    const { hub, a, b } = setup();
    a.workflows.save({ ...stillBase(), revision: 0 });
    const fetched: string[] = [];
    let beforePush = async () => {};
    const watched: HubConnection = {
      pull: async (input) => {
        const page = await hub.pull(input);
        fetched.push(...page.revisions.map((r) => r.revisionId));
        return page;
      },
      push: async (input) => {
        await beforePush();
        return hub.push(input);
      },
    };
    expect(await a.sync.run(watched, HUB)).toMatchObject({ pushed: 1, pulled: 0 });
    fetched.length = 0;
    expect(await a.sync.run(watched, HUB)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(fetched).toEqual([]);

    // B pushes a workflow of its own between A's pull and A's push: A's read past its push stores it.
    const other = b.workflows.save({ ...stillBase(), id: 'studio.other', name: 'Other', executionMode: 'graph', revision: 0 }).revisionInfo;
    saveEdit(a, (d) => setSetting(d, RENDER, 'renderer.samples', 128));
    beforePush = async () => {
      beforePush = async () => {};
      expect(await b.sync.run(hub, HUB)).toMatchObject({ pushed: 1, pulled: 1 });
    };
    expect(await a.sync.run(watched, HUB)).toMatchObject({ pushed: 1, pulled: 1, conflicts: 0, refused: [] });
    expect(a.workflows.revision('studio.other').revisionId).toBe(other.revisionId);
    fetched.length = 0;
    expect(await a.sync.run(watched, HUB)).toMatchObject({ pushed: 0, pulled: 0 });
    expect(fetched).toEqual([]);
    expect(await b.sync.run(hub, HUB)).toMatchObject({ pulled: 1 });
    expect(samples(b)).toBe(128);
  });
});
