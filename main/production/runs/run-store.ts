import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { OrderLineOverrides } from '../../../shared/orders/api';
import type { Draft, NodeRun, RenderLog, WorkflowRun } from '../../../shared/runs/api';
import type { ExecutionMode, Family, OnError } from '../../../shared/workflow/document';
import type { RenderLogEntry, RunRole } from './records';

/** What a workflow run ran on, kept with it (context_json) so it can be run again from a node. */
export interface RunTarget {
  cadFileId: string;
  orderLineId: string | null;
  overrides: OrderLineOverrides;
  parameterValues: Record<string, unknown>;
  draft: Draft;
  /** The output type whose parameter values an editor run applied (none: the workflow's defaults). */
  outputTypeKey?: string | null;
}

export interface NewRun {
  family: Family;
  orderLineId?: string | null;
  cadFileId?: string | null;
  attempt: number;
  mode: ExecutionMode;
  role: RunRole;
  pipelineKey?: string | null;
  workflowId?: string | null;
  workflowRevision?: number | null;
  draft?: Draft | null;
  /** The graph run this legacy run stands in for. */
  fallbackOf?: string | null;
  /** Workflow runs: their inputs, for a re-run from a node. */
  target?: RunTarget;
}

/** A workflow_runs row (context_json aside: only a re-run reads it). */
export type RunRow = {
  id: string;
  family: Family;
  order_line_id: string | null;
  cad_file_id: string | null;
  attempt: number;
  mode: ExecutionMode;
  role: RunRole;
  pipeline_key: string | null;
  workflow_id: string | null;
  workflow_revision: number | null;
  status: WorkflowRun['status'];
  failed_step: string | null;
  error: string | null;
  draft_json: string | null;
  owner_pid: number | null;
  owner_token: string | null;
  started_at: string;
  finished_at: string | null;
  fallback_of: string | null;
  fallback_reason: string | null;
  origin: string | null;
  summary_json: string | null;
};

/** A run made on another machine, as sync carries it (the workflow revision already translated to this history). */
export interface RunSummary {
  id: string;
  family: Family;
  attempt: number;
  mode: ExecutionMode;
  role: RunRole;
  pipelineKey: string | null;
  workflowId: string | null;
  workflowRevision: number | null;
  status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  failedStep: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  fallbackReason: string | null;
  keyImage: string | null;
}

type NodeRow = {
  node_id: string;
  node_type: string;
  step_index: number;
  status: NodeRun['status'];
  reused: 0 | 1;
  on_error: OnError;
  settings_json: string | null;
  outputs_json: string | null;
  error: string | null;
  log: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
};

/** A run without its node runs (what a list shows), from its row; the id of the legacy run that took over from it is looked up by the caller. */
export const runHeadOf = (r: Omit<RunRow, 'owner_pid' | 'owner_token'>, fallbackRunId: string | null): Omit<WorkflowRun, 'nodes'> => ({
  id: r.id,
  family: r.family,
  orderLineId: r.order_line_id,
  cadFileId: r.cad_file_id,
  attempt: r.attempt,
  mode: r.mode,
  role: r.role,
  pipelineKey: r.pipeline_key,
  workflowId: r.workflow_id,
  workflowRevision: r.workflow_revision,
  status: r.status,
  failedStep: r.failed_step,
  error: r.error,
  draft: r.draft_json ? (JSON.parse(r.draft_json) as Draft) : null,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  fallbackOf: r.fallback_of,
  fallbackReason: r.fallback_reason,
  fallbackRunId,
  origin: r.origin,
  keyImage: r.summary_json ? ((JSON.parse(r.summary_json) as { keyImage?: string | null }).keyImage ?? null) : null,
});

/** This process, as the owner of the runs it starts: pid plus a token, so a reused pid is not mistaken for us. */
export const OWNER_TOKEN = crypto.randomUUID();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const now = () => new Date().toISOString();
const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Workflow runs, node runs and render logs. Node runs and render logs are written as they
 * happen (they are the record of what ran); a run's effects (assets, notifications) are
 * committed by the dispatcher when the run ends.
 */
export function createRunStore(db: Database.Database) {
  const q = {
    insertRun: db.prepare(
      `INSERT INTO workflow_runs (id, family, order_line_id, cad_file_id, attempt, mode, role, pipeline_key, workflow_id, workflow_revision, status, draft_json, owner_pid, owner_token, started_at, fallback_of, context_json)
       VALUES (@id, @family, @orderLineId, @cadFileId, @attempt, @mode, @role, @pipelineKey, @workflowId, @workflowRevision, 'running', @draft, @pid, @token, @now, @fallbackOf, @context)`,
    ),
    insertSummary: db.prepare(
      `INSERT OR IGNORE INTO workflow_runs (id, family, attempt, mode, role, pipeline_key, workflow_id, workflow_revision, status, failed_step, error, started_at, finished_at, fallback_reason, origin, summary_json)
       VALUES (@id, @family, @attempt, @mode, @role, @pipelineKey, @workflowId, @workflowRevision, @status, @failedStep, @error, @startedAt, @finishedAt, @fallbackReason, @origin, @summary)`,
    ),
    localFinished: db.prepare<[], { id: string }>(`SELECT id FROM workflow_runs WHERE origin IS NULL AND status <> 'running' ORDER BY started_at, rowid`),
    localAfter: db.prepare<[number, number], { seq: number; id: string; status: string }>('SELECT rowid AS seq, id, status FROM workflow_runs WHERE origin IS NULL AND rowid > ? ORDER BY rowid LIMIT ?'),
    finishRun: db.prepare(`UPDATE workflow_runs SET status = @status, failed_step = @failedStep, error = @error, finished_at = @now WHERE id = @id AND status = 'running'`),
    run: db.prepare<[string], RunRow>('SELECT * FROM workflow_runs WHERE id = ?'),
    runsOfLine: db.prepare<[string], RunRow>('SELECT * FROM workflow_runs WHERE order_line_id = ? ORDER BY attempt DESC, role'),
    runsOfCad: db.prepare<[string], RunRow>(`SELECT * FROM workflow_runs WHERE cad_file_id = ? AND family = 'cad_file' ORDER BY started_at DESC`),
    running: db.prepare<[], RunRow>(`SELECT * FROM workflow_runs WHERE status = 'running'`),
    fallbackRun: db.prepare<[string], { id: string }>('SELECT id FROM workflow_runs WHERE fallback_of = ?'),
    nodes: db.prepare<[string], NodeRow>('SELECT * FROM node_runs WHERE run_id = ? ORDER BY step_index, node_id'),
    startNode: db.prepare(
      `INSERT INTO node_runs (run_id, node_id, node_type, step_index, status, on_error, settings_json, started_at)
       VALUES (@runId, @nodeId, @nodeType, @stepIndex, 'running', @onError, @settings, @now)
       ON CONFLICT (run_id, node_id) DO UPDATE SET status = 'running', reused = 0, settings_json = excluded.settings_json, started_at = excluded.started_at, error = NULL, finished_at = NULL`,
    ),
    finishNode: db.prepare(
      `UPDATE node_runs SET status = @status, reused = @reused, outputs_json = @outputs, error = @error, finished_at = @now, duration_ms = @durationMs WHERE run_id = @runId AND node_id = @nodeId`,
    ),
    appendLog: db.prepare(`UPDATE node_runs SET log = substr(log || @line || char(10), -200000) WHERE run_id = @runId AND node_id = @nodeId`),
    interruptNodes: db.prepare(`UPDATE node_runs SET status = 'interrupted', finished_at = @now WHERE run_id = @runId AND status = 'running'`),
    insertLog: db.prepare(
      `INSERT INTO render_logs (id, run_id, node_id, order_line_id, engine, samples, width, height, frame_start, frame_end, blender_version, output_path, output_sha256, duration_ms, status, exit_code, error, draft_json, created_at)
       VALUES (@id, @runId, @nodeId, @orderLineId, @engine, @samples, @width, @height, @frameStart, @frameEnd, @blenderVersion, @outputPath, @outputSha256, @durationMs, @status, @exitCode, @error, @draft, @now)`,
    ),
    logsOfLine: db.prepare<[string], Record<string, unknown>>('SELECT * FROM render_logs WHERE order_line_id = ? ORDER BY created_at DESC'),
    logsOfRun: db.prepare<[string], Record<string, unknown>>('SELECT * FROM render_logs WHERE run_id = ? ORDER BY created_at'),
  };

  const toNode = (r: NodeRow): NodeRun => ({
    nodeId: r.node_id,
    nodeType: r.node_type,
    stepIndex: r.step_index,
    status: r.status,
    reused: r.reused === 1,
    onError: r.on_error,
    settings: r.settings_json ? (JSON.parse(r.settings_json) as Record<string, unknown>) : null,
    outputs: r.outputs_json ? (JSON.parse(r.outputs_json) as Record<string, unknown>) : null,
    error: r.error,
    log: r.log,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
  });
  const toRun = (r: RunRow): WorkflowRun => ({ ...runHeadOf(r, q.fallbackRun.get(r.id)?.id ?? null), nodes: q.nodes.all(r.id).map(toNode) });
  const toLog = (r: Record<string, unknown>): RenderLog => ({
    id: r.id as string,
    runId: r.run_id as string,
    nodeId: r.node_id as string,
    orderLineId: (r.order_line_id as string | null) ?? null,
    engine: r.engine as string | null,
    samples: r.samples as number | null,
    width: r.width as number | null,
    height: r.height as number | null,
    frameStart: r.frame_start as number | null,
    frameEnd: r.frame_end as number | null,
    blenderVersion: r.blender_version as string | null,
    outputPath: r.output_path as string | null,
    outputSha256: r.output_sha256 as string | null,
    durationMs: r.duration_ms as number,
    status: r.status as RenderLog['status'],
    exitCode: r.exit_code as number | null,
    error: r.error as string | null,
    draft: r.draft_json ? (JSON.parse(r.draft_json as string) as Draft) : null,
    createdAt: r.created_at as string,
  });

  return {
    /** Inserts a running run owned by this process (inside the caller's transaction when there is one). */
    create(run: NewRun): string {
      const id = crypto.randomUUID();
      q.insertRun.run({
        id,
        family: run.family,
        orderLineId: run.orderLineId ?? null,
        cadFileId: run.cadFileId ?? null,
        attempt: run.attempt,
        mode: run.mode,
        role: run.role,
        pipelineKey: run.pipelineKey ?? null,
        workflowId: run.workflowId ?? null,
        workflowRevision: run.workflowRevision ?? null,
        draft: json(run.draft && Object.keys(run.draft).length > 0 ? run.draft : null),
        pid: process.pid,
        token: OWNER_TOKEN,
        now: now(),
        fallbackOf: run.fallbackOf ?? null,
        context: run.target ? JSON.stringify(run.target) : null,
      });
      return id;
    },
    /** A run made on another machine, kept as its summary (sync); one already here is not taken twice. */
    insertSummary(run: RunSummary, origin: string): void {
      q.insertSummary.run({ ...run, origin, summary: JSON.stringify({ keyImage: run.keyImage }) });
    },
    /** Finished runs made here (not summaries), oldest first: what sync sends up. */
    localFinishedIds: (): string[] => q.localFinished.all().map((r) => r.id),
    /** Runs made here stored after `seq` (rowid), in that order; one still running is not ready to sync. */
    localAfter: (seq: number, limit: number) => q.localAfter.all(seq, limit).map((r) => ({ key: r.id, seq: r.seq, ready: r.status !== 'running' })),
    /** Ends a running run; false when it was not running any more. */
    finish(id: string, status: 'succeeded' | 'failed' | 'cancelled', failure?: { step: string | null; message: string }): boolean {
      return q.finishRun.run({ id, status, failedStep: failure?.step ?? null, error: failure?.message ?? null, now: now() }).changes === 1;
    },
    /** Records on a graph run that legacy took over, and why. */
    markFallback(id: string, reason: string): void {
      db.prepare('UPDATE workflow_runs SET fallback_reason = ? WHERE id = ?').run(reason, id);
    },
    get(id: string): WorkflowRun | undefined {
      const row = q.run.get(id);
      return row ? toRun(row) : undefined;
    },
    ofOrderLine: (orderLineId: string): WorkflowRun[] => q.runsOfLine.all(orderLineId).map(toRun),
    ofCadFile: (cadFileId: string): WorkflowRun[] => q.runsOfCad.all(cadFileId).map(toRun),
    startNode(runId: string, node: { nodeId: string; nodeType: string; stepIndex: number; onError: OnError; settings: unknown }): void {
      q.startNode.run({ runId, ...node, settings: json(node.settings), now: now() });
    },
    finishNode(runId: string, nodeId: string, result: { status: NodeRun['status']; reused?: boolean; outputs?: unknown; error?: string | null; durationMs: number | null }): void {
      q.finishNode.run({ runId, nodeId, status: result.status, reused: result.reused ? 1 : 0, outputs: json(result.outputs), error: result.error ?? null, durationMs: result.durationMs, now: now() });
    },
    appendLog(runId: string, nodeId: string, line: string): void {
      q.appendLog.run({ runId, nodeId, line });
    },
    recordRender(runId: string, orderLineId: string | null, draft: Draft | null, entry: RenderLogEntry): void {
      q.insertLog.run({ id: crypto.randomUUID(), runId, orderLineId, ...entry, draft: json(draft && Object.keys(draft).length > 0 ? draft : null), now: now() });
    },
    renderLogsOfLine: (orderLineId: string): RenderLog[] => q.logsOfLine.all(orderLineId).map(toLog),
    renderLogsOfRun: (runId: string): RenderLog[] => q.logsOfRun.all(runId).map(toLog),
    /** True while the process that started the run is alive (this process counts only for its own runs). */
    ownerAlive(run: { id: string }): boolean {
      const row = q.run.get(run.id);
      if (!row || row.owner_pid === null) return false;
      if (row.owner_pid === process.pid) return row.owner_token === OWNER_TOKEN;
      return processAlive(row.owner_pid);
    },
    /**
     * Marks every running run whose owner is gone (killed, crashed) as interrupted, with its
     * running nodes; answers them so the caller can put their order lines back in the queue.
     */
    recoverInterrupted(): WorkflowRun[] {
      const recovered: WorkflowRun[] = [];
      for (const row of q.running.all()) {
        if (this.ownerAlive(row)) continue;
        db.transaction(() => {
          db.prepare(`UPDATE workflow_runs SET status = 'interrupted', error = @error, finished_at = @now WHERE id = @id AND status = 'running'`).run({
            id: row.id,
            error: `interrupted: the Lightbox process that ran it (pid ${row.owner_pid ?? '?'}) ended before the run finished`,
            now: now(),
          });
          q.interruptNodes.run({ runId: row.id, now: now() });
        })();
        recovered.push(toRun({ ...row, status: 'interrupted' }));
      }
      return recovered;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
