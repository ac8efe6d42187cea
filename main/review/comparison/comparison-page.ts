import type { ReviewFilter, Verdict } from '../../../shared/comparison/api';
import { searchClause, type KeysetQuery } from '../../platform/db/keyset-page';

export interface ComparisonsPageQuery {
  outputTypeKey?: string | undefined;
  verdict?: Verdict | undefined;
  review?: ReviewFilter | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The latest review's decision of comparison `c` (comparison_reviews_comparison serves it). */
const LATEST_DECISION = '(SELECT r.decision FROM comparison_reviews r WHERE r.comparison_id = c.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)';

/**
 * The keyset query of a page of comparisons, newest first: output type and verdict lead their
 * indexes; the review filter is the latest review's decision (none: pending); search matches the
 * output type, the workflow and the id.
 */
export function comparisonsPageQuery<Row extends { created_at: string; id: string }>(query: ComparisonsPageQuery): KeysetQuery<Row> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('c.output_type_key = ?', query.outputTypeKey);
  add('c.verdict = ?', query.verdict);
  add('c.created_at >= ?', query.since);
  add('c.created_at < ?', query.until);
  if (query.review === 'pending') where.push('c.reviewed = 0');
  else add(`${LATEST_DECISION} = ?`, query.review);
  const search = searchClause(['c.output_type_key', 'c.workflow_id', 'c.id'], query.q);
  if (search) {
    where.push(search.sql);
    params.push(...search.params);
  }
  return { list: 'comparisons.list', select: 'SELECT c.* FROM comparisons c', where, params, sortBy: ['c.created_at', 'c.id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at, r.id] };
}

/** Comparisons nobody has reviewed yet: the review groups' pending counts, summed (one row per group). */
export const PENDING_COUNT_SQL = 'SELECT coalesce(sum(pending_pass + pending_warn + pending_fail), 0) AS n FROM review_groups';
export const REVIEWED_COUNT_SQL = 'SELECT count(DISTINCT comparison_id) AS n FROM comparison_reviews';
/** The newest comparison of each output type: one index seek per output type. */
export const LATEST_PER_OUTPUT_TYPE_SQL = `SELECT c.* FROM (SELECT DISTINCT output_type_key AS k FROM comparisons) t
  JOIN comparisons c ON c.id = (SELECT c2.id FROM comparisons c2 WHERE c2.output_type_key = t.k ORDER BY c2.created_at DESC, c2.id DESC LIMIT 1)`;
