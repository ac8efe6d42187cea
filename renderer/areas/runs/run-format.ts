import type { Draft, NodeRun, RunSummary, WorkflowRun } from '../../../shared/runs/api';

/** What a node shows: its stored status, or what events said since ("reused", "waiting" before it starts). */
export type NodeShownStatus = NodeRun['status'] | 'reused' | 'waiting';
export type RunShownStatus = WorkflowRun['status'];

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${((ms % 60_000) / 1000).toFixed(0)} s`;
}

export function runDurationMs(run: Pick<RunSummary, 'startedAt' | 'finishedAt'>, now = Date.now()): number | null {
  const start = new Date(run.startedAt).getTime();
  if (Number.isNaN(start)) return null;
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : now;
  return Number.isNaN(end) ? null : Math.max(0, end - start);
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A stored node run as it is shown: a succeeded node that served a stored output shows as reused. */
export function storedNodeStatus(node: Pick<NodeRun, 'status' | 'reused'>): NodeShownStatus {
  return node.status === 'succeeded' && node.reused ? 'reused' : node.status;
}

/** "workflow@revision", else the output type, else the legacy pipeline. */
export function runSubject(run: Pick<RunSummary, 'workflowId' | 'workflowRevision' | 'pipelineKey'> & { outputTypeKey?: string | null }): string {
  if (run.workflowId) return run.workflowRevision !== null ? `${run.workflowId}@${run.workflowRevision}` : run.workflowId;
  if (run.outputTypeKey) return `output type ${run.outputTypeKey}`;
  if (run.pipelineKey) return `pipeline ${run.pipelineKey}`;
  return '—';
}

/** The status word as shown: lower case, as the backend names it ("running", "succeeded", "reused"). */
export function statusText(status: string): string {
  return status;
}

/** Render progress as a whole percentage (floored, so 100 % only once everything is done). */
export function percent(progress: { done: number; total: number }): number {
  if (progress.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((progress.done / progress.total) * 100)));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A run's draft (smaller, fewer samples), as its details list it: "No", or "Yes (max size 64 px, 2 samples)". */
export function draftText(draft: Draft | null): string {
  if (!draft || Object.keys(draft).length === 0) return 'No';
  const parts = [draft.maxSize !== undefined ? `max size ${draft.maxSize} px` : null, draft.samples !== undefined ? `${draft.samples} samples` : null].filter(Boolean);
  return `Yes${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
