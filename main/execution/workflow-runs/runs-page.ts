import type { z } from 'zod';
import type { RunsListInput } from '../../../shared/runs/api';
import type { KeysetQuery } from '../../platform/db/keyset-page';
import type { RunRow } from '../../production/runs/run-store';
import { byCadFileName } from '../../production/orders/cad-name-search';

/** What a page answers per run: its own columns, and counts of its node runs (not the node runs themselves). */
export type RunPageRow = Omit<RunRow, 'owner_pid' | 'owner_token'> & {
  fallback_run_id: string | null;
  output_type_key: string | null;
  cad_name: string | null;
  node_count: number;
  failed_nodes: number;
};

/** The run's columns a list shows (not context_json, the inputs a re-run reads, nor the owner). */
const RUN_COLUMNS = ['id', 'family', 'order_line_id', 'cad_file_id', 'attempt', 'mode', 'role', 'pipeline_key', 'workflow_id', 'workflow_revision', 'status', 'failed_step', 'error', 'draft_json', 'started_at', 'finished_at', 'fallback_of', 'fallback_reason', 'origin', 'summary_json']
  .map((c) => `r.${c}`)
  .join(', ');

/**
 * The keyset query of a page of runs, newest first: filters are equality on indexed columns
 * (workflow, status lead their indexes), search: id, workflow, pipeline and CAD file name (the trigram index, text-search.ts).
 */
export function runsPageQuery(filter: z.output<typeof RunsListInput>): KeysetQuery<RunPageRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('r.workflow_id = ?', filter.workflowId);
  add('r.mode = ?', filter.mode);
  add('r.role = ?', filter.role);
  add('r.status = ?', filter.status);
  add('r.cad_file_id = ?', filter.cadFileId);
  add('r.order_line_id = ?', filter.orderLineId);
  add('r.started_at >= ?', filter.since);
  add('r.started_at < ?', filter.until);
  const search = filter.q
    ? { table: 'workflow_runs r', rowid: 'r.rowid', fts: 'workflow_runs_search', columns: ['r.id', 'r.workflow_id', 'r.pipeline_key'], via: byCadFileName('r.cad_file_id'), text: filter.q }
    : undefined;
  return {
    list: 'runs.list',
    // One statement answers the page: the node runs are counted by their (run, node) key, never read.
    select: `SELECT ${RUN_COLUMNS}, l.output_type_key, c.name AS cad_name,
        (SELECT f.id FROM workflow_runs f WHERE f.fallback_of = r.id) AS fallback_run_id,
        (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id) AS node_count,
        (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id AND n.status = 'failed') AS failed_nodes
      FROM workflow_runs r LEFT JOIN order_lines l ON l.id = r.order_line_id LEFT JOIN cad_files c ON c.id = r.cad_file_id`,
    where,
    params,
    sortBy: ['r.started_at', 'r.id'],
    limit: filter.limit,
    cursor: filter.cursor,
    keyOf: (r) => [r.started_at, r.id],
    search,
  };
}
