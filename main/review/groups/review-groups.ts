import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiFailure } from '../../../shared/contract/errors';
import type { ReviewDecision } from '../../../shared/comparison/api';
import { REVIEW_GROUPS_PAGE, type GroupDecision, type ReviewGroup, type ReviewGroupMember } from '../../../shared/comparison/review-groups';
import type { Page } from '../../../shared/paging/page';
import { keysetPage, type KeysetQuery } from '../../platform/db/keyset-page';
import type { ComparisonStore, StoredComparison } from '../comparison/comparison-store';
import { groupIdOf } from '../comparison/group-id';
import { createContactSheet } from './contact-sheet';

/** How many differences a group carries in review.groups; review.members pages through the rest. */
export const DIFFERENCES_PAGE = 10;
/** A comparison's review order while pending is at least this (comparisons.concern: pending adds 8). */
const PENDING_CONCERN = 8;
/** How many unresolved differences a refused approval names. */
const NAMED = 10;

type DecisionRow = { id: string; group_id: string; decision: ReviewDecision; note: string; who: string; comparison_count: number; created_at: string };
const toDecision = (r: DecisionRow): GroupDecision => ({ id: r.id, groupId: r.group_id, decision: r.decision, note: r.note, who: r.who, createdAt: r.created_at, comparisonCount: r.comparison_count });
const DECISION_COLUMNS = 'id, group_id, decision, note, who, json_array_length(comparison_ids_json) AS comparison_count, created_at';

type GroupRow = {
  id: string;
  output_type_key: string;
  workflow_id: string | null;
  workflow_content_hash: string | null;
  pass: number;
  warn: number;
  fail: number;
  pending_pass: number;
  pending_warn: number;
  pending_fail: number;
  last_at: string;
  sort_key: string;
};

type MemberRow = {
  id: string;
  verdict: 'pass' | 'warn' | 'fail';
  created_at: string;
  order_line_id: string | null;
  workflow_revision: number | null;
  cad_file_sha256: string | null;
  worst_delta: number;
  reviewed: number;
  reasons_json: string;
  concern: number;
  decision: ReviewDecision | null;
};
const MEMBER_SELECT = `SELECT c.id, c.verdict, c.created_at, c.order_line_id, c.workflow_revision, c.cad_file_sha256, c.worst_delta, c.reviewed, c.concern,
    json_extract(c.report_json, '$.reasons') AS reasons_json,
    (SELECT r.decision FROM comparison_reviews r WHERE r.comparison_id = c.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1) AS decision
  FROM comparisons c`;

/** A page of a group's members in review order: pending first, then fail, warn, pass, then the worst delta (the concern column, indexed per group). */
export const membersQuery = (groupId: string, differences: boolean, limit: number, cursor?: string): KeysetQuery<MemberRow> => ({
  list: `review.members of ${groupId}${differences ? ' (differences)' : ''}`,
  select: MEMBER_SELECT,
  where: differences ? ['c.group_id = ?', 'c.difference = 1'] : ['c.group_id = ?'],
  params: [groupId],
  sortBy: ['c.concern', 'c.id'],
  limit,
  cursor,
  keyOf: (r) => [r.concern, r.id],
});

export interface ReviewGroupsFilter {
  outputTypeKey?: string | undefined;
  awaiting?: boolean | undefined;
  groupId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}
/** A page of groups: awaiting a decision first, then the newest activity (review_groups.sort_key, indexed). */
export function groupsQuery(filter: ReviewGroupsFilter): KeysetQuery<GroupRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.outputTypeKey !== undefined) {
    where.push('g.output_type_key = ?');
    params.push(filter.outputTypeKey);
  }
  if (filter.groupId !== undefined) {
    where.push('g.id = ?');
    params.push(filter.groupId);
  }
  if (filter.awaiting) where.push("g.sort_key >= '1'");
  return { list: 'review.groups', select: 'SELECT g.* FROM review_groups g', where, params, sortBy: ['g.sort_key', 'g.id'], limit: filter.limit ?? REVIEW_GROUPS_PAGE, cursor: filter.cursor, keyOf: (r) => [r.sort_key, r.id] };
}

/**
 * Review groups (issue 22): a lead decides "is this workflow content good for this output type?"
 * once per group instead of once per comparison. A decision writes a comparison review for each
 * comparison of the group's pending set (the rollout gate and sync read reviews), so later
 * comparisons, having no review, form the next pending set.
 *
 * At a year's history (issue 21) nothing here reads a group's comparisons whole: counts come from
 * the groups' rollup (review_groups, kept by triggers), groups and members are keyset pages, and
 * the contact sheet is a bounded sample.
 */
export function createReviewGroups(deps: { db: Database.Database; comparisons: ComparisonStore }) {
  const { db, comparisons } = deps;
  const contactSheet = createContactSheet(db);
  const q = {
    group: db.prepare<[string], GroupRow>('SELECT * FROM review_groups WHERE id = ?'),
    awaiting: db.prepare<[string | null, string | null], { n: number }>(
      "SELECT count(*) AS n FROM review_groups WHERE sort_key >= '1' AND (? IS NULL OR output_type_key = ?)",
    ),
    revisions: db.prepare<[string], { revision: number }>('SELECT revision FROM review_group_revisions WHERE group_id = ? ORDER BY revision'),
    cadFiles: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM review_group_cad_files WHERE group_id = ? AND cad_file_sha256 <> ''"),
    lastDecision: db.prepare<[string], DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM review_group_decisions WHERE group_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    addDecision: db.prepare(
      `INSERT INTO review_group_decisions (id, group_id, output_type_key, workflow_id, workflow_content_hash, decision, note, who, comparison_ids_json, created_at)
       VALUES (@id, @groupId, @outputTypeKey, @workflowId, @workflowContentHash, @decision, @note, @who, @comparisonIds, @createdAt)`,
    ),
    // Pending differences neither opened nor excused: they block an approval.
    unresolvedCount: db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM comparisons c WHERE c.group_id = ? AND c.difference = 1 AND c.concern >= ${PENDING_CONCERN}
         AND NOT EXISTS (SELECT 1 FROM comparison_openings o WHERE o.comparison_id = c.id) AND NOT EXISTS (SELECT 1 FROM comparison_excuses e WHERE e.comparison_id = c.id)`,
    ),
    unresolvedNamed: db.prepare<[string, number], { id: string; verdict: string }>(
      `SELECT c.id, c.verdict FROM comparisons c WHERE c.group_id = ? AND c.difference = 1 AND c.concern >= ${PENDING_CONCERN}
         AND NOT EXISTS (SELECT 1 FROM comparison_openings o WHERE o.comparison_id = c.id) AND NOT EXISTS (SELECT 1 FROM comparison_excuses e WHERE e.comparison_id = c.id)
       ORDER BY c.concern DESC, c.id DESC LIMIT ?`,
    ),
    pendingOf: db.prepare<[string], { id: string; verdict: 'pass' | 'warn' | 'fail' }>(`SELECT id, verdict FROM comparisons WHERE group_id = ? AND concern >= ${PENDING_CONCERN}`),
    membersById: db.prepare<[string], MemberRow>(`${MEMBER_SELECT} WHERE c.id IN (SELECT value FROM json_each(?))`),
    openings: db.prepare<[string], { comparison_id: string; who: string }>(
      'SELECT comparison_id, who FROM comparison_openings WHERE comparison_id IN (SELECT value FROM json_each(?)) ORDER BY opened_at',
    ),
    addOpening: db.prepare('INSERT INTO comparison_openings (comparison_id, who, opened_at) VALUES (?, ?, ?)'),
    excuses: db.prepare<[string], { comparison_id: string; reason: string; who: string; created_at: string }>(
      'SELECT comparison_id, reason, who, created_at FROM comparison_excuses WHERE comparison_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
    ),
    addExcuse: db.prepare('INSERT INTO comparison_excuses (id, comparison_id, reason, who, created_at) VALUES (?, ?, ?, ?, ?)'),
  };

  /** Members as the page shows them: openings and excuses read for these rows only. */
  function toMembers(rows: MemberRow[]): ReviewGroupMember[] {
    const ids = JSON.stringify(rows.map((r) => r.id));
    const opened = new Map<string, string[]>();
    for (const o of q.openings.all(ids)) if (!opened.get(o.comparison_id)?.includes(o.who)) opened.set(o.comparison_id, [...(opened.get(o.comparison_id) ?? []), o.who]);
    // The latest excuse of a comparison is its excuse.
    const excused = new Map<string, { reason: string; who: string; createdAt: string }>();
    for (const e of q.excuses.all(ids)) excused.set(e.comparison_id, { reason: e.reason, who: e.who, createdAt: e.created_at });
    return rows.map((r) => {
      const pending = r.reviewed === 0;
      const openedBy = opened.get(r.id) ?? [];
      const excuse = excused.get(r.id) ?? null;
      return {
        comparisonId: r.id,
        verdict: r.verdict,
        createdAt: r.created_at,
        orderLineId: r.order_line_id,
        workflowRevision: r.workflow_revision,
        cadFileSha256: r.cad_file_sha256,
        worstDelta: r.worst_delta,
        reasons: JSON.parse(r.reasons_json ?? '[]') as string[],
        pending,
        review: r.decision,
        openedBy,
        excuse,
        unresolved: pending && r.verdict !== 'pass' && openedBy.length === 0 && excuse === null,
      };
    });
  }

  function members(input: { groupId: string; differences?: boolean | undefined; limit: number; cursor?: string | undefined }): Page<ReviewGroupMember> {
    rowOrFail(input.groupId);
    const { rows, nextCursor } = keysetPage(db, membersQuery(input.groupId, input.differences === true, input.limit, input.cursor));
    return { items: toMembers(rows), nextCursor };
  }

  const counts = (pass: number, warn: number, fail: number) => ({ pass, warn, fail, total: pass + warn + fail });

  /** One group as review.groups answers it: rollup counts, its first differences and its contact sheet's members. */
  function toGroup(row: GroupRow): ReviewGroup {
    const total = row.pass + row.warn + row.fail;
    const pendingTotal = row.pending_pass + row.pending_warn + row.pending_fail;
    const lastDecision = q.lastDecision.get(row.id);
    const differences = keysetPage(db, membersQuery(row.id, true, DIFFERENCES_PAGE));
    const sheet = contactSheet(row.id, total);
    const shown = new Map(differences.rows.map((r) => [r.id, r]));
    const rest = sheet.comparisonIds.filter((id) => !shown.has(id));
    for (const r of rest.length ? q.membersById.all(JSON.stringify(rest)) : []) shown.set(r.id, r);
    return {
      id: row.id,
      outputTypeKey: row.output_type_key,
      workflowId: row.workflow_id,
      workflowContentHash: row.workflow_content_hash,
      workflowRevisions: q.revisions.all(row.id).map((r) => r.revision),
      counts: counts(row.pass, row.warn, row.fail),
      cadFiles: q.cadFiles.get(row.id)?.n ?? 0,
      pending: {
        counts: counts(row.pending_pass, row.pending_warn, row.pending_fail),
        unresolved: row.pending_warn + row.pending_fail > 0 ? (q.unresolvedCount.get(row.id)?.n ?? 0) : 0,
        since: lastDecision?.created_at ?? null,
      },
      awaitingDecision: pendingTotal > 0,
      lastDecision: lastDecision ? toDecision(lastDecision) : null,
      members: toMembers([...shown.values()]).sort((a, b) => memberOrder(shown, a.comparisonId, b.comparisonId)),
      differences: { comparisonIds: differences.rows.map((r) => r.id), nextCursor: differences.nextCursor },
      contactSheet: sheet,
    };
  }
  // Members in review order, as the pages list them (concern, then id, both descending).
  const memberOrder = (rows: Map<string, MemberRow>, a: string, b: string) => {
    const x = rows.get(a) as MemberRow;
    const y = rows.get(b) as MemberRow;
    return y.concern - x.concern || (a < b ? 1 : a > b ? -1 : 0);
  };

  const rowOrFail = (groupId: string): GroupRow => {
    const row = q.group.get(groupId);
    if (!row) throw new ApiFailure('not_found', `groupId: no review group "${groupId}"`, 'groupId');
    return row;
  };
  const groupOrFail = (groupId: string): ReviewGroup => toGroup(rowOrFail(groupId));
  const comparisonOrFail = (comparisonId: string): StoredComparison => {
    const c = comparisons.get(comparisonId);
    if (!c) throw new ApiFailure('not_found', `comparisonId: no comparison "${comparisonId}"`, 'comparisonId');
    return c;
  };
  const memberOf = (comparisonId: string): ReviewGroupMember => toMembers(q.membersById.all(JSON.stringify([comparisonId])))[0] as ReviewGroupMember;

  return {
    /** A page of groups as review.groups answers them: awaiting a decision first, then the newest activity. */
    groups(filter: ReviewGroupsFilter = {}) {
      const { rows, nextCursor } = keysetPage(db, groupsQuery(filter));
      const key = filter.outputTypeKey ?? null;
      return { groups: rows.map(toGroup), nextCursor, awaitingDecision: q.awaiting.get(key, key)?.n ?? 0 };
    },
    group: groupOrFail,
    members,
    /** How many groups await a decision (the badge's count). */
    awaitingCount: (): number => q.awaiting.get(null, null)?.n ?? 0,
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
        const group = rowOrFail(input.groupId);
        const pending = q.pendingOf.all(group.id);
        if (pending.length === 0) {
          const last = q.lastDecision.get(group.id);
          throw new ApiFailure('nothing_pending', `groupId: group ${group.id} (${group.output_type_key}) has no comparison awaiting a decision${last ? `; it was last ${last.decision === 'approve' ? 'approved' : 'rejected'} by ${last.who} at ${last.created_at}` : ''}`, 'groupId');
        }
        if (input.decision === 'approve') {
          const unresolved = q.unresolvedCount.get(group.id)?.n ?? 0;
          if (unresolved > 0) {
            const named = q.unresolvedNamed.all(group.id, NAMED).map((m) => `${m.id} (${m.verdict})`).join(', ');
            throw new ApiFailure(
              'differences_unopened',
              `groupId: group ${group.id} (${group.output_type_key}) cannot be approved: ${unresolved} difference${unresolved === 1 ? ' was' : 's were'} neither opened nor excused: ${named}${unresolved > NAMED ? ` and ${unresolved - NAMED} more` : ''}. Open each or excuse it with a reason.`,
              'groupId',
            );
          }
        }
        const ids = pending.map((m) => m.id);
        const decision: GroupDecision = { id: crypto.randomUUID(), groupId: group.id, decision: input.decision, note, who: input.who, createdAt: new Date().toISOString(), comparisonCount: ids.length };
        q.addDecision.run({ ...decision, outputTypeKey: group.output_type_key, workflowId: group.workflow_id, workflowContentHash: group.workflow_content_hash, comparisonIds: JSON.stringify(ids) });
        for (const m of pending) {
          const each = input.decision === 'approve' && m.verdict === 'fail' ? 'reject' : input.decision;
          const why = each === input.decision ? note : `failed comparison, rejected on its own while its group was approved: ${note}`;
          comparisons.review({ comparisonId: m.id, decision: each, note: `group ${group.id} ${input.decision === 'approve' ? 'approved' : 'rejected'}: ${why}`, who: input.who });
        }
        return decision;
      })();
      return { decision: decided, group: groupOrFail(input.groupId) };
    },
  };
}

export type ReviewGroups = ReturnType<typeof createReviewGroups>;
