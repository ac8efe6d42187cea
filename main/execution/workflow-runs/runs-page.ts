import type { z } from 'zod';
import type { RunsListInput } from '../../../shared/runs/api';
import { searchClause, type KeysetQuery } from '../../platform/db/keyset-page';

export interface RunPageRow {
  id: string;
  started_at: string;
  output_type_key: string | null;
  cad_name: string | null;
  node_count: number;
  failed_nodes: number;
}

/**
 * The keyset query of a page of runs, newest first: filters are equality on indexed columns
 * (workflow, status lead their indexes), search is LIKE on id, workflow, pipeline and CAD file name.
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
  const search = searchClause(['r.id', 'r.workflow_id', 'r.pipeline_key', 'c.name'], filter.q);
  if (search) {
    where.push(search.sql);
    params.push(...search.params);
  }
  return {
    list: 'runs.list',
    select: `SELECT r.id, r.started_at, l.output_type_key, c.name AS cad_name,
        (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id) AS node_count,
        (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id AND n.status = 'failed') AS failed_nodes
      FROM workflow_runs r LEFT JOIN order_lines l ON l.id = r.order_line_id LEFT JOIN cad_files c ON c.id = r.cad_file_id`,
    where,
    params,
    sortBy: ['r.started_at', 'r.id'],
    limit: filter.limit,
    cursor: filter.cursor,
    keyOf: (r) => [r.started_at, r.id],
  };
}
