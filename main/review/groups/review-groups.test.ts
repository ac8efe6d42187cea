import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import type { ReviewGroup } from '../../../shared/comparison/review-groups';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';
import { cliOn } from '../../testing/cli-capture';

/**
 * Review at studio scale (issue 22): a batch of shadow dispatches (real Blender, tiny drafts) with
 * passes and one difference (a shadow failure injected with LIGHTBOX_TEST_FAULTS) forms one group
 * per output type and workflow content; the group is approved once, only after the difference was
 * opened or excused; the approval is what the rollout gate reads; a later comparison is pending again.
 */
const T = 400_000;
const DRAFT = { maxSize: 48, samples: 2 };
const SECOND_STEP = path.resolve('node_modules/occt-import-js/test/testfiles/cube-10x10mm/Cube 10x10.stp');
const FAIL_SHADOW = [{ node: 'step4_render_still', fault: 'fail', mode: 'shadow' }];
const KEY = 'still_white_2k';

let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
const opened: Backend[] = [];
const cads = { a: '', b: '' };
let main: Backend;

function open(faults?: unknown[]): Backend {
  const env = { ...process.env, ...(faults ? { LIGHTBOX_TEST_FAULTS: JSON.stringify(faults) } : {}) };
  const b = testBackend(dataDir, env);
  opened.push(b);
  return b;
}
const dispatch = async (b: Backend, cad: string) => {
  const line = b.production.orders.create({ cadFileIds: [cad], outputTypeKeys: [KEY] }).lines[0]?.id as string;
  await b.production.dispatcher.start(line, { draft: DRAFT }).done;
  return main.production.comparisons.latestOfOutputType(KEY)?.id as string;
};
/** A contract call as the app makes it (input checked by the contract); a refusal throws its message. */
const call = async <T>(method: string, input: unknown): Promise<T> => {
  const answer = (await main.dispatch(method as never, input as never, { transport: 'http' })) as { ok: true; result: T } | { ok: false; error: { message: string } };
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.result;
};
const groupOf = () => main.production.reviewGroups.groups({ outputTypeKey: KEY }).groups;
const reviewNotices = () => main.production.outbox.list({}).filter((n) => n.event === 'comparison.review');

beforeAll(async () => {
  tmp = makeTempDir('lightbox-review-groups-');
  dataDir = path.join(tmp.dir, 'data');
  main = open();
  main.legacy.migrate({ documents: exampleDocuments(), verify: true });
  cads.a = (await (await main.production.cad.importFile(TEST_STEP)).done).id;
  cads.b = (await (await main.production.cad.importFile(SECOND_STEP)).done).id;
  main.production.rollout.set({ target: KEY, mode: 'shadow', who: 'lead' });
  // The coverage gate is not the subject here: one pass on one file is enough.
  main.production.rollout.setRules({ target: KEY, minPasses: 1, minCadFiles: 1, who: 'lead' });
}, T);
afterAll(async () => {
  for (const b of opened) await b.close();
  tmp.cleanup();
});

describe('review groups', () => {
  it('a batch with passes and one difference is one group, approved once after the difference is opened; the approval opens the gate; a later comparison is pending again', async () => {
    const passA = await dispatch(main, cads.a);
    const failed = await dispatch(open(FAIL_SHADOW), cads.a);
    const passB = await dispatch(main, cads.b);
    expect(main.production.comparisons.get(failed)?.verdict).toBe('fail');

    // One group: the output type and the workflow content that ran; the difference listed first.
    const [group, ...others] = groupOf();
    expect(others).toEqual([]);
    expect(group).toMatchObject({
      outputTypeKey: KEY,
      workflowRevisions: [1],
      counts: { pass: 2, warn: 0, fail: 1, total: 3 },
      cadFiles: 2,
      awaitingDecision: true,
      pending: { counts: { total: 3 }, unresolved: 1, since: null },
      lastDecision: null,
      differences: { comparisonIds: [failed], nextCursor: null },
      contactSheet: { sampled: false, total: 3 },
    });
    expect(group?.members.map((m) => m.comparisonId)).toEqual([failed, expect.any(String), expect.any(String)]);
    expect(group?.members.slice(1).map((m) => m.comparisonId).sort()).toEqual([passA, passB].sort());
    expect(group?.members[0]).toMatchObject({ verdict: 'fail', worstDelta: 1, pending: true, openedBy: [], excuse: null, unresolved: true });
    const groupId = (group as ReviewGroup).id;
    // The badge counts groups, and one desktop notification was raised for the group, not three.
    expect(await call<{ pendingReview: number; pendingGroups: number }>('comparisons.summary', {})).toMatchObject({ pendingReview: 3, pendingGroups: 1 });
    expect(reviewNotices()).toEqual([expect.objectContaining({ channel: 'desktop', payload: expect.objectContaining({ groupId, comparisonId: passA }) })]);

    // Not approvable while the difference was neither opened nor excused; the refusal names it and records nothing.
    const { rollout } = main.production;
    expect(rollout.outputType(KEY)?.gates.approval).toMatchObject({ ok: false, detail: 'its latest shadow pass is not approved yet' });
    expect(() => main.production.reviewGroups.decide({ groupId, decision: 'approve', note: 'looks right', who: 'lead' })).toThrow(
      `groupId: group ${groupId} (${KEY}) cannot be approved: 1 difference was neither opened nor excused: ${failed} (fail). Open each or excuse it with a reason.`,
    );
    expect(groupOf()[0]).toMatchObject({ awaitingDecision: true, lastDecision: null });
    await expect(call('review.excuse', { comparisonId: passA, reason: 'x', who: 'lead' })).rejects.toThrow(`comparisonId: comparison ${passA} passed: only a warn or fail comparison is excused`);
    await expect(call('review.decide', { groupId, decision: 'approve', note: '', who: 'lead' })).rejects.toThrow(/note/);

    // The lead opens the difference (the viewer records it), then approves the group once.
    expect(await call('review.open', { comparisonId: failed, who: 'lead' })).toMatchObject({ comparisonId: failed, openedBy: ['lead'], unresolved: false });
    const decided = await call<{ decision: { comparisonCount: number }; group: ReviewGroup }>('review.decide', { groupId, decision: 'approve', note: 'shadow failure was the injected fault', who: 'lead' });
    expect(decided.decision.comparisonCount).toBe(3);
    expect(decided.group).toMatchObject({ awaitingDecision: false, pending: { counts: { total: 0 }, unresolved: 0 }, lastDecision: { decision: 'approve', who: 'lead', comparisonCount: 3 } });
    expect(decided.group.members.every((m) => !m.pending)).toBe(true);
    // Every comparison of the pending set got a review: the passes approved, the failure rejected on its own.
    expect(main.production.comparisons.get(passB)?.review).toMatchObject({ decision: 'approve', who: 'lead', note: `group ${groupId} approved: shadow failure was the injected fault` });
    expect(main.production.comparisons.get(failed)?.review?.decision).toBe('reject');
    // What the rollout gate reads: the latest comparison (a pass of the bound content) is approved.
    expect(rollout.outputType(KEY)?.gates.approval).toMatchObject({ ok: true });
    // Only the error-rate gate still holds graph back (the injected shadow failure counts against it).
    expect(rollout.outputType(KEY)?.gates).toMatchObject({ approval: { ok: true }, coverage: { ok: true }, errorRate: { ok: false } });
    expect(rollout.outputType(KEY)?.graphBlockedBy).toMatch(/^its graph error rate is above legacy's/);
    expect(await call('comparisons.summary', {})).toMatchObject({ pendingReview: 0, pendingGroups: 0 });
    expect(() => main.production.reviewGroups.decide({ groupId, decision: 'approve', note: 'again', who: 'lead' })).toThrow(`group ${groupId} (${KEY}) has no comparison awaiting a decision; it was last approved by lead`);

    // A comparison arriving after the approval is not covered: a new pending set, and one new notification.
    const later = await dispatch(open(FAIL_SHADOW), cads.b);
    expect(groupOf()[0]).toMatchObject({ id: groupId, awaitingDecision: true, counts: { total: 4 }, pending: { counts: { total: 1, fail: 1 }, unresolved: 1, since: decided.group.lastDecision?.createdAt } });
    // The pending difference leads its group's differences (pending first), then the decided one.
    expect(groupOf()[0]?.differences.comparisonIds).toEqual([later, failed]);
    expect(main.production.comparisons.get(passB)?.review?.decision).toBe('approve');
    expect(reviewNotices()).toHaveLength(2);
    expect(rollout.outputType(KEY)?.gates.approval.ok).toBe(false);

    // The CLI: same groups, same rule; an excuse lets the approval through.
    const listed = await cliOn(dataDir, ['review', 'list', '--json']);
    expect(listed.code, listed.err).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject({ awaitingDecision: 1, groups: [{ id: groupId, pending: { unresolved: 1 }, differences: { comparisonIds: [later, failed] } }], nextCursor: null });
    const text = await cliOn(dataDir, ['review', 'list']);
    expect(text.out).toContain(`FAIL ${later}  NOT OPENED`);
    const refused = await cliOn(dataDir, ['review', 'approve', groupId, '--note', 'fine', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ error: { code: 'differences_unopened', path: 'groupId', message: expect.stringContaining(`${later} (fail)`) } });
    expect((await cliOn(dataDir, ['review', 'approve', groupId])).err).toContain('--note TEXT is required');
    expect((await cliOn(dataDir, ['review', 'excuse', later, '--reason', 'injected fault again'])).code).toBe(0);
    const approved = await cliOn(dataDir, ['review', 'approve', groupId, '--note', 'fault excused', '--json']);
    expect(approved.code, approved.err).toBe(0);
    expect(JSON.parse(approved.out)).toMatchObject({ decision: { comparisonCount: 1, decision: 'approve' }, group: { awaitingDecision: false } });
    expect(groupOf()[0]?.members.find((m) => m.comparisonId === later)).toMatchObject({ excuse: { reason: 'injected fault again' }, review: 'reject', pending: false });
  }, T);

  it('review.members pages through one group (or its differences) in review order; review.groups pages groups; bad input is refused by name', async () => {
    const [group] = groupOf();
    const groupId = (group as ReviewGroup).id;
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call<{ items: { comparisonId: string; verdict: string }[]; nextCursor: string | null }>('review.members', { groupId, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      walked.push(...page.items.map((m) => m.comparisonId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(walked).toHaveLength(group?.counts.total as number);
    expect(new Set(walked).size).toBe(walked.length);
    const differences = await call<{ items: { verdict: string }[] }>('review.members', { groupId, differences: true });
    expect(differences.items.map((m) => m.verdict)).toEqual(['fail', 'fail']);
    await expect(call('review.members', { groupId: 'g-nope' })).rejects.toThrow('groupId: no review group "g-nope"');
    await expect(call('review.members', { groupId, cursor: 'not a cursor' })).rejects.toThrow(/cursor "not a cursor" is not a cursor of review.members/);
    await expect(call('review.groups', { limit: 0 })).rejects.toThrow(/limit/);
    expect(await call('review.groups', { groupId: 'g-nope' })).toMatchObject({ groups: [], nextCursor: null });
    const members = await cliOn(dataDir, ['review', 'members', groupId, '--differences', '--json']);
    expect(members.code, members.err).toBe(0);
    expect(JSON.parse(members.out)).toMatchObject({ members: [{ verdict: 'fail' }, { verdict: 'fail' }], nextCursor: null });
  });
});
