import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiFailure } from '../../../shared/contract/errors';
import type { ReviewDecision } from '../../../shared/comparison/api';
import type { GroupDecision, ReviewGroup, ReviewGroupMember } from '../../../shared/comparison/review-groups';
import type { ComparisonStore, StoredComparison } from '../comparison/comparison-store';
import { byConcern, contactSheet, worstDelta } from './contact-sheet';

type DecisionRow = { id: string; group_id: string; decision: ReviewDecision; note: string; who: string; comparison_ids_json: string; created_at: string };
const toDecision = (r: DecisionRow): GroupDecision => ({ id: r.id, groupId: r.group_id, decision: r.decision, note: r.note, who: r.who, createdAt: r.created_at, comparisonIds: JSON.parse(r.comparison_ids_json) as string[] });

/** A group's id: output type, workflow and the content that ran (a revision number is only local history). */
export function groupIdOf(c: Pick<StoredComparison, 'outputTypeKey' | 'workflowId' | 'workflowContentHash'>): string {
  return `g-${crypto.createHash('sha256').update(JSON.stringify([c.outputTypeKey, c.workflowId, c.workflowContentHash])).digest('hex').slice(0, 16)}`;
}

/** The differences (each must be opened or excused) and the contact sheet's members; passes beyond the sample stay one call away. */
function trimmedMembers(group: ReviewGroup): ReviewGroup {
  const sheet = new Set(group.contactSheet.comparisonIds);
  const members = group.members.filter((m) => m.verdict !== 'pass' || sheet.has(m.comparisonId));
  return { ...group, members, allMembers: members.length === group.members.length };
}

const counts = (ms: { verdict: 'pass' | 'warn' | 'fail' }[]) => ({
  pass: ms.filter((m) => m.verdict === 'pass').length,
  warn: ms.filter((m) => m.verdict === 'warn').length,
  fail: ms.filter((m) => m.verdict === 'fail').length,
  total: ms.length,
});

/**
 * Review groups (issue 22): a lead decides "is this workflow content good for this output type?"
 * once per group instead of once per comparison. A decision writes a comparison review for each
 * comparison of the group's pending set (the rollout gate and sync read reviews), so later
 * comparisons, having no review, form the next pending set.
 */
export function createReviewGroups(deps: { db: Database.Database; comparisons: ComparisonStore }) {
  const { db, comparisons } = deps;
  const q = {
    decisions: db.prepare<[], DecisionRow>('SELECT * FROM review_group_decisions ORDER BY created_at DESC, rowid DESC'),
    lastDecision: db.prepare<[string], DecisionRow>('SELECT * FROM review_group_decisions WHERE group_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    addDecision: db.prepare(
      `INSERT INTO review_group_decisions (id, group_id, output_type_key, workflow_id, workflow_content_hash, decision, note, who, comparison_ids_json, created_at)
       VALUES (@id, @groupId, @outputTypeKey, @workflowId, @workflowContentHash, @decision, @note, @who, @comparisonIds, @createdAt)`,
    ),
    openings: db.prepare<[], { comparison_id: string; who: string }>('SELECT comparison_id, who FROM comparison_openings ORDER BY opened_at'),
    addOpening: db.prepare('INSERT INTO comparison_openings (comparison_id, who, opened_at) VALUES (?, ?, ?)'),
    excuses: db.prepare<[], { comparison_id: string; reason: string; who: string; created_at: string }>('SELECT * FROM comparison_excuses ORDER BY created_at, rowid'),
    addExcuse: db.prepare('INSERT INTO comparison_excuses (id, comparison_id, reason, who, created_at) VALUES (?, ?, ?, ?, ?)'),
    // The groups with a comparison no review covers yet: three columns of the pending rows only.
    pendingKeys: db.prepare<[], { output_type_key: string; workflow_id: string | null; workflow_content_hash: string | null }>(
      `SELECT DISTINCT output_type_key, workflow_id, workflow_content_hash FROM comparisons c
       WHERE NOT EXISTS (SELECT 1 FROM comparison_reviews r WHERE r.comparison_id = c.id)`,
    ),
  };

  function build(filter: { outputTypeKey?: string; awaiting?: boolean } = {}): ReviewGroup[] {
    const opened = new Map<string, string[]>();
    for (const o of q.openings.all()) if (!opened.get(o.comparison_id)?.includes(o.who)) opened.set(o.comparison_id, [...(opened.get(o.comparison_id) ?? []), o.who]);
    // The latest excuse of a comparison is its excuse.
    const excused = new Map<string, { reason: string; who: string; createdAt: string }>();
    for (const e of q.excuses.all()) excused.set(e.comparison_id, { reason: e.reason, who: e.who, createdAt: e.created_at });
    const lastDecisions = new Map<string, GroupDecision>();
    for (const d of q.decisions.all()) if (!lastDecisions.has(d.group_id)) lastDecisions.set(d.group_id, toDecision(d));

    const byGroup = new Map<string, (StoredComparison & { cadFileSha256: string | null })[]>();
    for (const c of comparisons.forGroups(filter.outputTypeKey)) {
      const id = groupIdOf(c);
      const group = byGroup.get(id);
      if (group) group.push(c);
      else byGroup.set(id, [c]);
    }
    const groups: ReviewGroup[] = [];
    for (const [id, all] of byGroup) {
      const first = all[0] as StoredComparison;
      const members: ReviewGroupMember[] = all.map((c) => ({
        comparisonId: c.id,
        verdict: c.verdict,
        createdAt: c.createdAt,
        orderLineId: c.orderLineId,
        workflowRevision: c.workflowRevision,
        cadFileSha256: c.cadFileSha256,
        worstDelta: worstDelta(c.report),
        reasons: c.report.reasons,
        pending: c.review === null,
        review: c.review?.decision ?? null,
        openedBy: opened.get(c.id) ?? [],
        excuse: excused.get(c.id) ?? null,
      }));
      members.sort(byConcern);
      const pending = members.filter((m) => m.pending);
      const lastDecision = lastDecisions.get(id) ?? null;
      const group: ReviewGroup = {
        id,
        outputTypeKey: first.outputTypeKey,
        workflowId: first.workflowId,
        workflowContentHash: first.workflowContentHash,
        workflowRevisions: [...new Set(all.map((c) => c.workflowRevision).filter((r): r is number => r !== null))].sort((a, b) => a - b),
        counts: counts(members),
        cadFiles: new Set(members.map((m) => m.cadFileSha256).filter((s): s is string => s !== null)).size,
        pending: {
          counts: counts(pending),
          comparisonIds: pending.map((m) => m.comparisonId),
          unresolved: pending.filter((m) => m.verdict !== 'pass' && m.openedBy.length === 0 && m.excuse === null).map((m) => m.comparisonId),
          since: lastDecision?.createdAt ?? null,
        },
        awaitingDecision: pending.length > 0,
        lastDecision,
        members,
        allMembers: true,
        contactSheet: contactSheet(members),
      };
      if (!filter.awaiting || group.awaitingDecision) groups.push(group);
    }
    // Groups awaiting a decision first, then the newest activity.
    const newest = (g: ReviewGroup) => g.members.reduce((t, m) => (m.createdAt > t ? m.createdAt : t), '');
    return groups.sort((a, b) => Number(b.awaitingDecision) - Number(a.awaitingDecision) || newest(b).localeCompare(newest(a)));
  }

  const groupOrFail = (groupId: string): ReviewGroup => {
    const group = build().find((g) => g.id === groupId);
    if (!group) throw new ApiFailure('not_found', `groupId: no review group "${groupId}"`, 'groupId');
    return group;
  };
  const comparisonOrFail = (comparisonId: string): StoredComparison => {
    const c = comparisons.get(comparisonId);
    if (!c) throw new ApiFailure('not_found', `comparisonId: no comparison "${comparisonId}"`, 'comparisonId');
    return c;
  };
  const memberOf = (comparisonId: string): ReviewGroupMember => {
    const c = comparisonOrFail(comparisonId);
    return build({ outputTypeKey: c.outputTypeKey }).flatMap((g) => g.members).find((m) => m.comparisonId === comparisonId) as ReviewGroupMember;
  };

  return {
    /** The groups as review.groups answers them: members trimmed to what the page draws unless allMembers (one group). */
    groups: (filter: { outputTypeKey?: string; awaiting?: boolean; groupId?: string; allMembers?: boolean } = {}) => {
      const groups = build(filter).filter((g) => filter.groupId === undefined || g.id === filter.groupId);
      const shown = filter.allMembers ? groups : groups.map(trimmedMembers);
      return { groups: shown, awaitingDecision: filter.awaiting ? groups.length : groups.filter((g) => g.awaitingDecision).length };
    },
    group: groupOrFail,
    /** How many groups await a decision (the badge's count). */
    awaitingCount: (): number =>
      new Set(q.pendingKeys.all().map((r) => groupIdOf({ outputTypeKey: r.output_type_key, workflowId: r.workflow_id, workflowContentHash: r.workflow_content_hash }))).size,
    /** One notification per pending set: the group and the decision it follows (none: the first set). */
    pendingSetKey(c: Pick<StoredComparison, 'outputTypeKey' | 'workflowId' | 'workflowContentHash'>): string {
      const id = groupIdOf(c);
      return `review-group:${id}:after:${q.lastDecision.get(id)?.id ?? 'none'}`;
    },
    groupIdOf,
    /** A person looked at a comparison (the viewer opened it): a warn or fail counts as seen. */
    open(input: { comparisonId: string; who: string }): ReviewGroupMember {
      comparisonOrFail(input.comparisonId);
      q.addOpening.run(input.comparisonId, input.who, new Date().toISOString());
      return memberOf(input.comparisonId);
    },
    /** A lead excuses a difference without opening it, with a reason (kept; the latest applies). */
    excuse(input: { comparisonId: string; reason: string; who: string }): ReviewGroupMember {
      const c = comparisonOrFail(input.comparisonId);
      if (c.verdict === 'pass') throw new ApiFailure('not_a_difference', `comparisonId: comparison ${c.id} passed: only a warn or fail comparison is excused`, 'comparisonId');
      const reason = input.reason.trim();
      if (!reason) throw new ApiFailure('reason_required', 'reason: an excuse needs a reason', 'reason');
      q.addExcuse.run(crypto.randomUUID(), c.id, reason, input.who, new Date().toISOString());
      return memberOf(c.id);
    },
    /**
     * Approve or reject a group's pending set, with a note. An approval is refused while a pending
     * warn or fail was neither opened nor excused. Each pending comparison gets a review: approved
     * passes and warns are approved; a failed comparison cannot be approved, so it is rejected with
     * the group's note (the failure stays on record; the group's content is what was approved).
     */
    decide(input: { groupId: string; decision: ReviewDecision; note: string; who: string }): { decision: GroupDecision; group: ReviewGroup } {
      const note = input.note.trim();
      if (!note) throw new ApiFailure('note_required', 'note: a group decision needs a note', 'note');
      const decided = db.transaction(() => {
        const group = groupOrFail(input.groupId);
        if (!group.awaitingDecision) {
          throw new ApiFailure('nothing_pending', `groupId: group ${group.id} (${group.outputTypeKey}) has no comparison awaiting a decision${group.lastDecision ? `; it was last ${group.lastDecision.decision === 'approve' ? 'approved' : 'rejected'} by ${group.lastDecision.who} at ${group.lastDecision.createdAt}` : ''}`, 'groupId');
        }
        if (input.decision === 'approve' && group.pending.unresolved.length > 0) {
          const named = group.pending.unresolved.map((id) => `${id} (${group.members.find((m) => m.comparisonId === id)?.verdict})`).join(', ');
          throw new ApiFailure(
            'differences_unopened',
            `groupId: group ${group.id} (${group.outputTypeKey}) cannot be approved: ${group.pending.unresolved.length} difference${group.pending.unresolved.length === 1 ? ' was' : 's were'} neither opened nor excused: ${named}. Open each or excuse it with a reason.`,
            'groupId',
          );
        }
        const decision: GroupDecision = { id: crypto.randomUUID(), groupId: group.id, decision: input.decision, note, who: input.who, createdAt: new Date().toISOString(), comparisonIds: group.pending.comparisonIds };
        q.addDecision.run({ ...decision, outputTypeKey: group.outputTypeKey, workflowId: group.workflowId, workflowContentHash: group.workflowContentHash, comparisonIds: JSON.stringify(decision.comparisonIds) });
        for (const m of group.members.filter((x) => x.pending)) {
          const each = input.decision === 'approve' && m.verdict === 'fail' ? 'reject' : input.decision;
          const why = each === input.decision ? note : `failed comparison, rejected on its own while its group was approved: ${note}`;
          comparisons.review({ comparisonId: m.comparisonId, decision: each, note: `group ${group.id} ${input.decision === 'approve' ? 'approved' : 'rejected'}: ${why}`, who: input.who });
        }
        return decision;
      })();
      return { decision: decided, group: groupOrFail(input.groupId) };
    },
  };
}

export type ReviewGroups = ReturnType<typeof createReviewGroups>;
