import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncPullResult, SyncPushResult } from '../../../shared/sync/api';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { edit, node, NOTIFY, RENDER, setSetting } from '../../catalog/workflows/merge/merge-testing';
import type { HubConnection } from '../../production/sync/workstation-sync';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { contentMismatch } from './approval-content';

/** Issue 17 item 7: a shadow pass and its approval are for the content that ran, not its revision number. */

const H = (c: string) => c.repeat(64);

describe('contentMismatch', () => {
  it('the same content applies whatever its number; other content never; numbers only when no hash is known', () => {
    expect(contentMismatch({ revision: 5, contentHash: H('a') }, { workflowRevision: 2, workflowContentHash: H('a'), reviewedContentHash: H('a') })).toBeNull();
    expect(contentMismatch({ revision: 2, contentHash: H('b') }, { workflowRevision: 2, workflowContentHash: H('a'), reviewedContentHash: H('a') })).toMatch(/bound revision 2 has other content \(bbbbbbbbbbbb\): a change or merge since needs a new shadow pass and approval/);
    expect(contentMismatch({ revision: 2, contentHash: H('a') }, { workflowRevision: 2, workflowContentHash: H('a'), reviewedContentHash: H('c') })).toMatch(/review it again/);
    expect(contentMismatch({ revision: 3, contentHash: H('a') }, { workflowRevision: 2, workflowContentHash: null, reviewedContentHash: null })).toBe('its latest pass was for revision 2, not the bound revision 3');
    expect(contentMismatch({ revision: 2, contentHash: null }, { workflowRevision: 2, workflowContentHash: H('a'), reviewedContentHash: null })).toBeNull();
  });
});

const T = 60_000;
const KEY = 'still_white_2k';
const WF = 'legacy.still_default';
let tmp: ReturnType<typeof makeTempDir>;
let a: Backend;
let b: Backend;
let hubBackend: Backend;
let hub: HubConnection;

beforeAll(() => {
  tmp = makeTempDir('lightbox-approval-content-');
  a = testBackend(path.join(tmp.dir, 'a'));
  b = testBackend(path.join(tmp.dir, 'b'));
  hubBackend = testBackend(path.join(tmp.dir, 'hub'));
  const call = async <R>(method: string, input: unknown): Promise<R> => {
    const r = await hubBackend.dispatch(method, input, { transport: 'http' });
    if (!r.ok) throw new Error(r.error.message);
    return r.result as R;
  };
  hub = { pull: (i) => call<SyncPullResult>('sync.pull', i), push: (i) => call<SyncPushResult>('sync.push', i) };
  a.legacy.migrate({ documents: exampleDocuments(), verify: true });
}, T);
afterAll(async () => {
  for (const x of [a, b, hubBackend]) await x?.close();
  tmp?.cleanup();
});

/** A passed shadow comparison of `revision`, stored as the comparison store stores one (runs need not have rendered). */
function passedComparison(backend: Backend, revision: number): string {
  const run = (mode: 'legacy' | 'shadow', role: 'authoritative' | 'shadow') =>
    backend.production.runs.create({ family: 'order_line', attempt: 1, mode, role, workflowId: role === 'shadow' ? WF : null, workflowRevision: role === 'shadow' ? revision : null });
  const id = crypto.randomUUID();
  backend.db
    .prepare(
      `INSERT INTO comparisons (id, order_line_id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, verdict, report_json, created_at, workflow_content_hash)
       VALUES (?, NULL, ?, ?, ?, ?, ?, 'pass', '{}', ?, (SELECT content_hash FROM workflow_revisions WHERE workflow_id = ? AND revision = ?))`,
    )
    .run(id, KEY, run('shadow', 'authoritative'), run('shadow', 'shadow'), WF, revision, new Date().toISOString(), WF, revision);
  return id;
}

describe('approvals follow content through sync', () => {
  it('an approval applies to the same content under another number, and not to a merge that changed it', async () => {
    expect(a.legacy.outputType(KEY)?.outputType?.profile).toMatchObject({ workflowId: WF, workflowRevision: 1 });
    const comparison = passedComparison(a, 1);
    const reviewed = a.production.comparisons.review({ comparisonId: comparison, decision: 'approve', who: 'lead' });
    const approvedContent = a.workflows.revision(WF, 1).contentHash;
    expect(a.production.comparisons.get(reviewed.id)).toMatchObject({ workflowContentHash: approvedContent, reviewedContentHash: approvedContent });
    expect(a.production.rollout.outputType(KEY)).toMatchObject({ cleanPass: true, gates: { approval: { ok: true } } });

    // Revision 2: the same content saved again (as a sync or an import can make one); pinned, the approval still applies.
    const same = a.workflows.save(a.workflows.get(WF), 'saved again').revisionInfo;
    expect(same).toMatchObject({ revision: 2, contentHash: approvedContent });
    a.production.rollout.tryRevision({ outputTypeKey: KEY, workflowId: WF, revision: 2, who: 'lead' });
    expect(a.production.rollout.outputType(KEY)).toMatchObject({ workflowRevision: 2, cleanPass: true, gates: { approval: { ok: true } } });

    // Both sides change the workflow; A's sync merges them into a revision with other content.
    await a.sync.run(hub, 'hub');
    await b.sync.run(hub, 'hub');
    b.workflows.save(edit(b.workflows.get(WF), (d) => setSetting(d, RENDER, 'renderer.samples', 3)), 'fewer samples');
    await b.sync.run(hub, 'hub');
    a.workflows.save(edit(a.workflows.get(WF), (d) => (node(d, NOTIFY).settings.on_failure = false)), 'quiet');
    expect(await a.sync.run(hub, 'hub')).toMatchObject({ conflicts: 0, merged: [WF] });
    const merge = a.workflows.revision(WF);
    expect(merge.parents).toHaveLength(2);
    expect(merge.contentHash).not.toBe(approvedContent);
    a.production.rollout.tryRevision({ outputTypeKey: KEY, workflowId: WF, revision: merge.revision, who: 'lead' });
    const status = a.production.rollout.outputType(KEY);
    expect(status).toMatchObject({ workflowRevision: merge.revision, cleanPass: false });
    expect(status?.graphBlockedBy).toContain(`the bound revision ${merge.revision} has other content`);
    expect(() => a.production.rollout.set({ target: KEY, mode: 'graph', who: 'lead' })).toThrow(/needs a new shadow pass and approval/);
  }, T);
});
