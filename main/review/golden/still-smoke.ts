import path from 'node:path';
import type { MediaAsset } from '../../../shared/media/api';
import type { Notification } from '../../../shared/notifications/api';
import type { OrderLine } from '../../../shared/orders/api';
import type { PreflightCheck } from '../../../shared/preflight/report';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { ApiFailure } from '../../../shared/contract/errors';
import type { Studio } from './studio';
import { resourcesDir } from '../../../workers/resources/paths';
import { resolveDispatch, type RunSummary } from './outcome';
import { provisionCadFile, provisionLegacy, readLegacyBundle } from './provision';

/**
 * The canonical still smoke contract (`lightbox test-render-pipeline --workflow-still-smoke`): the
 * sample CAD file, the `still_smoke` output type migrated to a workflow, one smoke order, and one
 * order line per run, all provisioned idempotently from what ships in `resources/`.
 */
export const SMOKE_SUITE = 'workflow-still-smoke';
export const SMOKE_OUTPUT_TYPE = 'still_smoke';
export const SMOKE_ORDER_NAME = 'Lightbox still smoke (test-render-pipeline --workflow-still-smoke)';

export const smokeResourcesDir = (): string => path.join(resourcesDir(), 'smoke');
export const smokeCadFile = (): string => path.join(resourcesDir(), 'samples', 'as1-oc-214.stp');

export interface SmokeContract {
  cadFile: { id: string; name: string; created: boolean };
  /** The output type and the workflow revision its invocation profile binds. */
  outputType: { key: string; workflowId: string; workflowRevision: number };
  /** false: the output type was already migrated to the current workflow; nothing was saved again. */
  migrated: boolean;
}

/** The CAD file and the migrated output type (the order and its line come after preflight). */
export async function provisionStillSmoke(backend: Studio): Promise<SmokeContract> {
  const { cadFile, created } = await provisionCadFile(backend, smokeCadFile());
  // The smoke preset is Lightbox's own (its key is the contract's): a changed shipped one replaces it.
  const legacy = provisionLegacy(backend, readLegacyBundle(smokeResourcesDir()), { refuseChanged: false });
  const profile = backend.legacy.outputType(SMOKE_OUTPUT_TYPE)?.outputType?.profile;
  if (!profile) throw new ApiFailure('not_migrated', `output type "${SMOKE_OUTPUT_TYPE}" binds no workflow after its migration`, 'outputType');
  return {
    cadFile: { id: cadFile.id, name: cadFile.name, created },
    outputType: { key: SMOKE_OUTPUT_TYPE, workflowId: profile.workflowId, workflowRevision: profile.workflowRevision },
    migrated: legacy.migrated,
  };
}

/**
 * The smoke order (created once, found by its name) and an order line for this run: a queued line
 * not yet tried in another mode, or a failed or cancelled one of this mode, else a new line. A
 * succeeded line is history and is never dispatched again.
 */
export function smokeOrderLine(backend: Studio, cadFileId: string, mode: ExecutionMode): { orderId: string; orderCreated: boolean; line: OrderLine; lineCreated: boolean } {
  const { production } = backend;
  // Lines whose process died go back to the queue first, so they can be reused.
  production.dispatcher.recover();
  const order = production.orders.firstNamed(SMOKE_ORDER_NAME);
  if (!order) {
    const created = production.orders.create({ name: SMOKE_ORDER_NAME, cadFileIds: [cadFileId], outputTypeKeys: [SMOKE_OUTPUT_TYPE] });
    return { orderId: created.id, orderCreated: true, line: created.lines[0] as OrderLine, lineCreated: true };
  }
  const reusable = order.lines.find(
    (l) =>
      l.cadFileId === cadFileId &&
      l.outputTypeKey === SMOKE_OUTPUT_TYPE &&
      ((l.status === 'queued' && (l.modeUsed === null || l.modeUsed === mode)) || ((l.status === 'failed' || l.status === 'cancelled') && l.modeUsed === mode)),
  );
  if (reusable) return { orderId: order.id, orderCreated: false, line: reusable, lineCreated: false };
  const [line] = production.orders.addLines(order.id, { cadFileIds: [cadFileId], outputTypeKeys: [SMOKE_OUTPUT_TYPE] });
  return { orderId: order.id, orderCreated: false, line: line as OrderLine, lineCreated: true };
}

export interface SmokeResult {
  suite: typeof SMOKE_SUITE;
  mode: ExecutionMode;
  ok: boolean;
  /** Why it is not ok, for people; empty when ok. */
  problems: string[];
  preflight: { ok: boolean; blocking: Pick<PreflightCheck, 'id' | 'title' | 'detail' | 'fix'>[] };
  cadFile: SmokeContract['cadFile'] | null;
  outputType: SmokeContract['outputType'] | null;
  migrated: boolean | null;
  orderId: string | null;
  orderCreated: boolean | null;
  orderLineId: string | null;
  lineCreated: boolean | null;
  lineStatus: OrderLine['status'] | null;
  lineError: string | null;
  /** Every run of the attempt; the order line's result is the one marked authoritative. */
  runs: RunSummary[];
  /** Graph mode: the graph run failed and legacy rendered the line instead. */
  fellBack: boolean;
  fallbackReason: string | null;
  assets: MediaAsset[];
  notifications: Notification[];
  comparison: { id: string; verdict: string; reasons: string[] } | null;
}

export interface SmokeOptions {
  /** Called with the order line id once the dispatch has started (for cancellation). */
  onStarted?: (orderLineId: string) => void;
}

/**
 * Provisions the contract, runs preflight, dispatches the smoke order line in `mode` through its
 * output type and bound workflow, and judges it: ok only when the line succeeded with one media
 * asset, in graph mode without falling back to legacy, in shadow mode with a `pass` comparison.
 */
export async function runStillSmoke(backend: Studio, mode: ExecutionMode, options: SmokeOptions = {}): Promise<SmokeResult> {
  const result: SmokeResult = {
    suite: SMOKE_SUITE,
    mode,
    ok: false,
    problems: [],
    preflight: { ok: false, blocking: [] },
    cadFile: null,
    outputType: null,
    migrated: null,
    orderId: null,
    orderCreated: null,
    orderLineId: null,
    lineCreated: null,
    lineStatus: null,
    lineError: null,
    runs: [],
    fellBack: false,
    fallbackReason: null,
    assets: [],
    notifications: [],
    comparison: null,
  };
  const contract = await provisionStillSmoke(backend);
  Object.assign(result, { cadFile: contract.cadFile, outputType: contract.outputType, migrated: contract.migrated });

  const report = await backend.preflight.run();
  result.preflight = {
    ok: report.ok,
    blocking: report.checks.filter((c) => c.status === 'fail').map((c) => ({ id: c.id, title: c.title, detail: c.detail, ...(c.fix ? { fix: c.fix } : {}) })),
  };
  if (!report.ok) {
    result.problems.push(...(result.preflight.blocking.length > 0 ? result.preflight.blocking.map((c) => `preflight: ${c.title}: ${c.detail}${c.fix ? ` (fix: ${c.fix})` : ''}`) : ['preflight: not ready']));
    return result;
  }

  const { orderId, orderCreated, line, lineCreated } = smokeOrderLine(backend, contract.cadFile.id, mode);
  Object.assign(result, { orderId, orderCreated, orderLineId: line.id, lineCreated });
  const started = backend.production.dispatcher.start(line.id, { mode, draft: {} });
  options.onStarted?.(line.id);
  const resolved = resolveDispatch(backend, await started.done);
  const { run, fallback, shadowRun, comparison } = resolved;
  Object.assign(result, {
    lineStatus: resolved.line.status,
    lineError: resolved.line.error,
    runs: resolved.runs,
    fellBack: fallback !== null,
    fallbackReason: fallback?.fallbackReason ?? null,
    assets: resolved.assets,
    notifications: resolved.notifications,
    comparison: comparison ? { id: comparison.id, verdict: comparison.verdict, reasons: comparison.report.reasons } : null,
  });

  const problems = result.problems;
  if (resolved.line.status !== 'succeeded') problems.push(`order line ${line.id} ${resolved.line.status}${resolved.line.error ? `: ${resolved.line.error}` : ''}`);
  else if (resolved.assets.length !== 1) problems.push(`order line ${line.id} published ${resolved.assets.length} media assets, not exactly one`);
  if (mode === 'graph') {
    if (fallback) problems.push(`the graph run ${fallback.id} failed and fell back to legacy (run ${run.id}): ${fallback.fallbackReason ?? 'no reason recorded'}`);
    else if (run.mode !== 'graph') problems.push(`the authoritative run ${run.id} ran in ${run.mode} mode, not graph`);
    else if (run.workflowId !== contract.outputType.workflowId || run.workflowRevision !== contract.outputType.workflowRevision) {
      problems.push(`the graph run ran ${run.workflowId ?? '?'}@${run.workflowRevision ?? '?'}, not the bound ${contract.outputType.workflowId}@${contract.outputType.workflowRevision}`);
    }
  } else if (run.mode !== mode) problems.push(`the authoritative run ${run.id} ran in ${run.mode} mode, not ${mode}`);
  if (mode === 'shadow' && resolved.line.status === 'succeeded') {
    if (!shadowRun) problems.push('no shadow run was recorded');
    else if (shadowRun.status !== 'succeeded') problems.push(`the shadow run ${shadowRun.id} ${shadowRun.status}${shadowRun.error ? `: ${shadowRun.error}` : ''}`);
    if (!comparison) problems.push('no shadow comparison was stored');
    else if (comparison.verdict !== 'pass') problems.push(`the shadow comparison ${comparison.id} is ${comparison.verdict}: ${comparison.report.reasons.join('; ')}`);
  }
  result.ok = problems.length === 0;
  return result;
}
