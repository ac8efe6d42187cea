import type { MediaAsset } from '../../../shared/media/api';
import type { Notification } from '../../../shared/notifications/api';
import type { OrderLine } from '../../../shared/orders/api';
import type { WorkflowRun } from '../../../shared/runs/api';
import type { Studio } from './studio';
import type { StoredComparison } from '../comparison/comparison-store';
import type { DispatchOutcome } from '../../execution/dispatch/order-dispatcher';

/** One run of a dispatch attempt, without its node logs and outputs. */
export interface RunSummary {
  id: string;
  mode: WorkflowRun['mode'];
  role: WorkflowRun['role'];
  status: WorkflowRun['status'];
  /** The run whose result the order line carries. */
  authoritative: boolean;
  attempt: number;
  pipelineKey: string | null;
  workflowId: string | null;
  workflowRevision: number | null;
  fallbackOf: string | null;
  fallbackReason: string | null;
  failedStep: string | null;
  error: string | null;
  draft: WorkflowRun['draft'];
  nodes: { nodeId: string; nodeType: string; status: string; durationMs: number | null; error: string | null }[];
}

/** What one dispatch of an order line came to: every run of the attempt, the shadow run and its comparison. */
export interface ResolvedDispatch {
  line: OrderLine;
  /** The authoritative run (the legacy fallback run when a graph run fell back). */
  run: WorkflowRun;
  runs: RunSummary[];
  /** A graph run of this attempt that fell back to legacy. */
  fallback: WorkflowRun | null;
  shadowRun: WorkflowRun | null;
  comparison: StoredComparison | null;
  assets: MediaAsset[];
  notifications: Notification[];
}

export function summarizeRun(run: WorkflowRun, authoritativeId: string): RunSummary {
  return {
    id: run.id,
    mode: run.mode,
    role: run.role,
    status: run.status,
    authoritative: run.id === authoritativeId,
    attempt: run.attempt,
    pipelineKey: run.pipelineKey,
    workflowId: run.workflowId,
    workflowRevision: run.workflowRevision,
    fallbackOf: run.fallbackOf,
    fallbackReason: run.fallbackReason,
    failedStep: run.failedStep,
    error: run.error,
    draft: run.draft,
    nodes: run.nodes.map((n) => ({ nodeId: n.nodeId, nodeType: n.nodeType, status: n.status, durationMs: n.durationMs, error: n.error })),
  };
}

/** Every run of the outcome's attempt (a graph run that fell back, a shadow observer) and the comparison. */
export function resolveDispatch(backend: Studio, outcome: DispatchOutcome): ResolvedDispatch {
  const { production } = backend;
  // In the order they ran: a graph run before its fallback, the legacy run before its shadow observer.
  const later = (r: WorkflowRun) => (r.fallbackOf !== null ? 1 : 0) + (r.role === 'shadow' ? 2 : 0);
  const attemptRuns = production.runs
    .ofOrderLine(outcome.line.id)
    .filter((r) => r.attempt === outcome.run.attempt)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || later(a) - later(b));
  const fallback = attemptRuns.find((r) => r.mode === 'graph' && r.fallbackReason !== null) ?? null;
  const shadowRun = attemptRuns.find((r) => r.role === 'shadow') ?? null;
  const comparison = production.comparisons.ofRun(outcome.run.id) ?? null;
  return {
    line: outcome.line,
    run: outcome.run,
    runs: attemptRuns.map((r) => summarizeRun(r, outcome.run.id)),
    fallback,
    shadowRun,
    comparison: comparison && (shadowRun === null || comparison.shadowRunId === shadowRun.id) ? comparison : null,
    assets: outcome.assets,
    notifications: production.outbox.list({ orderLineId: outcome.line.id }).filter((n) => n.runId === outcome.run.id),
  };
}
