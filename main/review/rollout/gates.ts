import type Database from 'better-sqlite3';
import type { RolloutGates, RolloutRules } from '../../../shared/rollout/api';

export interface Rate {
  runs: number;
  failed: number;
  rate: number | null;
}

const rateOf = (statuses: { status: string }[]): Rate => {
  const failed = statuses.filter((s) => s.status === 'failed').length;
  return { runs: statuses.length, failed, rate: statuses.length === 0 ? null : failed / statuses.length };
};
const percent = (r: Rate) => (r.rate === null ? 'no runs' : `${Math.round(r.rate * 100)} %`);
export const rateWords = (what: string, r: Rate) => `${what} failed ${r.failed} of ${r.runs}${r.runs === 0 ? '' : ` (${percent(r)})`}`;

/**
 * What rollout's gates count (issue 19), over SQL: error rates in the rules' window, shadow coverage
 * of the bound revision (counted by the comparison store), and the guard's count of graph runs that fell back. Only runs of order
 * lines of this machine count for error rates (summaries synced from elsewhere have no line here);
 * coverage counts comparisons from everywhere.
 */
export function createGateCounts(db: Database.Database) {
  const q = {
    // The bound revision's graph runs: authoritative graph runs and shadow observers.
    graph: db.prepare<{ key: string; workflowId: string; revision: number; since: string; limit: number }, { status: string }>(
      `SELECT r.status FROM workflow_runs r JOIN order_lines l ON l.id = r.order_line_id
       WHERE l.output_type_key = @key AND r.workflow_id = @workflowId AND r.workflow_revision = @revision
         AND r.status IN ('succeeded', 'failed') AND r.started_at >= @since
       ORDER BY r.started_at DESC LIMIT @limit`,
    ),
    // Legacy runs: the preset's pipeline, whatever the dispatch's mode (a shadow dispatch's authoritative run, a fallback).
    legacy: db.prepare<{ key: string; since: string; limit: number }, { status: string }>(
      `SELECT r.status FROM workflow_runs r JOIN order_lines l ON l.id = r.order_line_id
       WHERE l.output_type_key = @key AND r.workflow_id IS NULL AND r.pipeline_key IS NOT NULL
         AND r.status IN ('succeeded', 'failed') AND r.started_at >= @since
       ORDER BY r.started_at DESC LIMIT @limit`,
    ),
    // Since graph was enabled: its authoritative runs; a failed one fell back to legacy.
    guarded: db.prepare<{ key: string; workflowId: string; since: string }, { status: string }>(
      `SELECT r.status FROM workflow_runs r JOIN order_lines l ON l.id = r.order_line_id
       WHERE l.output_type_key = @key AND r.workflow_id = @workflowId AND r.mode = 'graph' AND r.role = 'authoritative'
         AND r.status IN ('succeeded', 'failed') AND r.started_at >= @since`,
    ),
  };
  const since = (rules: RolloutRules, now: Date) => new Date(now.getTime() - rules.windowDays * 86_400_000).toISOString();

  return {
    rates(key: string, bound: { workflowId: string; revision: number } | null, rules: RolloutRules, now = new Date()): { graph: Rate; legacy: Rate } {
      const window = { key, since: since(rules, now), limit: rules.windowRuns };
      return {
        graph: bound ? rateOf(q.graph.all({ ...window, workflowId: bound.workflowId, revision: bound.revision })) : rateOf([]),
        legacy: rateOf(q.legacy.all(window)),
      };
    },
    /** Authoritative graph runs of the bound workflow since graph was enabled, and how many fell back. */
    guarded(key: string, workflowId: string, enabledAt: string): { runs: number; fellBack: number } {
      const r = rateOf(q.guarded.all({ key, workflowId, since: enabledAt }));
      return { runs: r.runs, fellBack: r.failed };
    },
  };
}

export type GateCounts = ReturnType<typeof createGateCounts>;

/** The error-rate gate in words: met when the graph's rate is at or below legacy's (or graph has no runs in the window). */
export function errorRateGate(rates: { graph: Rate; legacy: Rate }, revisionWords: string): RolloutGates['errorRate'] {
  const graphWorse = rates.graph.rate !== null && rates.graph.rate > (rates.legacy.rate ?? 0);
  const words = `${rateWords(`graph (${revisionWords})`, rates.graph)}, ${rateWords('legacy', rates.legacy)}`;
  return { ok: !graphWorse, detail: graphWorse ? `its graph error rate is above legacy's: ${words}` : words, ...rates };
}

/** The coverage gate in words ("2 of 3 passes, 1 of 2 CAD files"). */
export function coverageGate(passes: number, cadFiles: number, rules: RolloutRules): RolloutGates['coverage'] {
  const ok = passes >= rules.minPasses && cadFiles >= rules.minCadFiles;
  const progress = `${passes} of ${rules.minPasses} passes, ${cadFiles} of ${rules.minCadFiles} CAD files`;
  return { ok, detail: ok ? progress : `its shadow coverage is short: ${progress}`, passes, minPasses: rules.minPasses, cadFiles, minCadFiles: rules.minCadFiles };
}
