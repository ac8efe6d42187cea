import type Database from 'better-sqlite3';
import { ApiFailure } from '../../../shared/contract/errors';
import type { MediaAsset } from '../../../shared/media/api';
import type { Notification } from '../../../shared/notifications/api';
import type { OrderLine } from '../../../shared/orders/api';
import type { Draft, RenderLog, WorkflowRun } from '../../../shared/runs/api';
import type { ExecutionMode } from '../../../shared/workflow/document';
import type { RenderFarm } from '../farm/types';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { ExecutableRegistry } from '../executors';
import type { NodeCache } from '../runtime/node-cache';
import type { Fault } from '../runtime/faults';
import type { ShadowEffects } from './shadow-effects';
import type { MediaLibrary } from '../../production/media/media-library';
import type { NotificationOutbox } from '../../production/notifications';
import type { OrderStore } from '../../production/orders/order-store';
import type { RunStore, RunTarget } from '../../production/runs/run-store';
import type { Tools } from '../tools/resolve-tools';
import { createTargetResolver } from './dispatch-target';
import { runLine } from './line-run';

export type { Tools };

export interface DispatchDeps {
  db: Database.Database;
  dataDir: string;
  runs: RunStore;
  orders: OrderStore;
  media: MediaLibrary;
  outbox: NotificationOutbox;
  legacy: LegacyService;
  farm: () => Promise<RenderFarm>;
  tools: () => Promise<Tools>;
  timeoutMs?: number;
  /** The node types every run (legacy pipelines too) runs through. */
  registry: ExecutableRegistry;
  /** The bound workflows, for graph and shadow modes. */
  workflows?: WorkflowStore;
  /** The graph modes' parts (node cache, test faults); without them only legacy mode dispatches. */
  graph?: { cache: NodeCache | null; faults?: Fault[]; nodeTimeoutMs?: number };
  /** Computes and stores the comparison of a shadow run against its legacy run. */
  compare?: (input: ShadowCompareInput) => Promise<unknown>;
  /** An authoritative graph run of the output type failed (and fell back to legacy where it has a preset): the rollout guard counts it. */
  onGraphFailure?: (outputTypeKey: string) => void;
  onProgress?: (event: { orderLineId: string; runId: string | null; status: OrderLine['status']; step: string | null; done?: number; total?: number }) => void;
  /** Node status and log lines of every run, as they happen. */
  onNode?: (event: { runId: string; nodeId: string; nodeType: string; status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'reused' | 'cancelled'; error?: string; done?: number; total?: number }) => void;
  onLog?: (event: { runId: string; nodeId: string; line: string }) => void;
}

export interface ShadowCompareInput {
  orderLineId: string;
  outputTypeKey: string;
  legacyRunId: string;
  shadowRunId: string;
  shadow: ShadowEffects;
  workflowId: string | null;
  workflowRevision: number | null;
  farm: RenderFarm;
  tools: Tools;
}

export interface DispatchOutcome {
  line: OrderLine;
  run: WorkflowRun;
  assets: MediaAsset[];
  notifications: Notification[];
  renderLogs: RenderLog[];
}

export interface DispatchStart {
  orderLineId: string;
  runId: string;
  attempt: number;
  /** The line had already succeeded: nothing ran, `done` gives its result. */
  alreadyDone: boolean;
  done: Promise<DispatchOutcome>;
}

/**
 * The legacy dispatcher: an order line whose output type is a legacy render preset runs the
 * preset's pipeline steps in order through the executors. Idempotent per attempt: a line that
 * succeeded is not rendered again, a line being rendered by a live process is refused, and a
 * run whose process died is marked interrupted and its line queued again.
 */
export function createOrderDispatcher(deps: DispatchDeps) {
  const { db, runs, orders } = deps;
  const resolveTarget = createTargetResolver(deps);
  const active = new Map<string, { controller: AbortController; runId: string; farm: RenderFarm | null }>();
  const q = {
    claim: db.prepare(
      `UPDATE order_lines SET status = 'rendering', attempts = attempts + 1, mode_used = @mode, started_at = @now, finished_at = NULL, error = NULL
       WHERE id = @id AND status IN ('queued', 'failed', 'cancelled') AND cancelled_at IS NULL
         AND order_id NOT IN (SELECT id FROM orders WHERE archived_at IS NOT NULL)`,
    ),
    finishLine: db.prepare(`UPDATE order_lines SET status = @status, finished_at = @now, error = @error WHERE id = @id AND status = 'rendering'`),
    requeue: db.prepare(`UPDATE order_lines SET status = 'queued', queued_at = @now, error = @error WHERE id = @id AND status = 'rendering'`),
  };

  function outcomeOf(lineId: string, runId: string): DispatchOutcome {
    const line = orders.line(lineId) as OrderLine;
    return {
      line,
      run: runs.get(runId) as WorkflowRun,
      assets: deps.media.list(lineId).filter((a) => a.runId === runId),
      notifications: deps.outbox.list({ orderLineId: lineId }).filter((n) => n.runId === runId),
      renderLogs: runs.renderLogsOfRun(runId),
    };
  }

  /**
   * Runs whose process is gone become interrupted; their lines go back to the queue. Then the
   * media library's staging is finished off for every run no longer running: files its committed
   * rows name are moved into place, the rest removed. With `sweep` (at start), files in the media
   * library that no row names are removed too.
   */
  function recover(options: { sweep?: boolean } = {}): WorkflowRun[] {
    const recovered = runs.recoverInterrupted();
    for (const run of recovered) {
      if (run.orderLineId && run.role === 'authoritative') {
        q.requeue.run({ id: run.orderLineId, now: new Date().toISOString(), error: `attempt ${run.attempt} was interrupted (its process ended); dispatch again to complete it` });
      }
    }
    deps.media.recover((runId) => runs.get(runId)?.status === 'running', options);
    return recovered;
  }


  function start(orderLineId: string, options: { mode?: ExecutionMode; draft?: Draft } = {}): DispatchStart {
    recover();
    const line = orders.line(orderLineId);
    if (!line) throw new ApiFailure('not_found', `no order line "${orderLineId}"`, 'orderLineId');
    // A line cancelled before dispatch, or of an archived order, is refused with the reason.
    orders.assertDispatchable(orderLineId);
    if (line.status === 'succeeded') {
      const done = runs.ofOrderLine(orderLineId).find((r) => r.status === 'succeeded' && r.role === 'authoritative');
      if (done) return { orderLineId, runId: done.id, attempt: done.attempt, alreadyDone: true, done: Promise.resolve(outcomeOf(orderLineId, done.id)) };
    }
    if (line.status === 'rendering') {
      const running = runs.ofOrderLine(orderLineId).find((r) => r.status === 'running');
      throw new ApiFailure('busy', `order line ${orderLineId} is being rendered right now${running ? ` (run ${running.id}, attempt ${running.attempt})` : ''}`, 'orderLineId');
    }
    const target = resolveTarget(line, options.mode);
    const { mode, pipelineKey } = target;
    const draft = options.draft ?? {};
    // What the bound workflow runs on, kept with its runs so one can be run again from a node.
    const runTarget: RunTarget = { cadFileId: line.cadFileId, orderLineId, overrides: line.overrides, parameterValues: target.parameterValues, draft };
    const firstRun = mode === 'graph' ? { mode: 'graph' as const, workflowId: target.workflow?.id ?? null, workflowRevision: target.workflow?.revision ?? null, target: runTarget } : { mode, pipelineKey };
    const claimed = db.transaction(() => {
      const now = new Date().toISOString();
      if (q.claim.run({ id: orderLineId, mode, now }).changes !== 1) return null;
      const attempt = (orders.line(orderLineId) as OrderLine).attempts;
      const runId = runs.create({ family: 'order_line', orderLineId, cadFileId: line.cadFileId, attempt, role: 'authoritative', draft, ...firstRun });
      return { attempt, runId };
    })();
    if (!claimed) throw new ApiFailure('busy', `order line ${orderLineId} was claimed by another dispatch just now`, 'orderLineId');
    const { attempt } = claimed;

    const controller = new AbortController();
    const handle = { controller, runId: claimed.runId, farm: null as RenderFarm | null };
    active.set(orderLineId, handle);
    const done = runLine({
      deps,
      line,
      target,
      draft,
      runTarget,
      attempt,
      claimedRunId: claimed.runId,
      controller,
      handle,
      finishLineRow: (row) => q.finishLine.run(row),
      outcomeOf,
      onEnd: (authoritativeRunId) => {
        active.delete(orderLineId);
        const final = orders.line(orderLineId);
        deps.onProgress?.({ orderLineId, runId: authoritativeRunId, status: final?.status ?? 'failed', step: null });
      },
    });
    return { orderLineId, runId: claimed.runId, attempt, alreadyDone: false, done };
  }

  return {
    start,
    recover,
    /** Cancels the line's running dispatch in this process; its Blender jobs are killed at once. */
    cancel(orderLineId: string): boolean {
      const handle = active.get(orderLineId);
      if (!handle) return false;
      handle.controller.abort();
      handle.farm?.cancelRun(handle.runId);
      return true;
    },
    /** Waits for nothing; the dispatches in flight in this process. */
    activeCount: () => active.size,
  };
}

export type OrderDispatcher = ReturnType<typeof createOrderDispatcher>;
