import path from 'node:path';
import type { Draft } from '../../../shared/runs/api';
import type { OrderLine } from '../../../shared/orders/api';
import type { ExecutionMode } from '../../../shared/workflow/document';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { RunContext } from '../executors/context';
import type { RenderFarm } from '../farm/types';
import { createRunContext } from '../runtime/run-context';
import { runGraph, type GraphResult, type GraphRunInput } from '../runtime/run-graph';
import { compilePipeline } from '../../catalog/legacy/compile-pipeline';
import type { RunTarget } from '../../production/runs/run-store';
import type { DispatchTarget } from './dispatch-target';
import type { DispatchDeps, DispatchOutcome, Tools } from './order-dispatcher';
import { resolveCadMesh } from './resolve-cad';
import { createRunEffects } from './run-effects';
import { createShadowEffects } from './shadow-effects';
import { withPriority } from '../farm/with-priority';

/** Above the default 0 of every other render: a shadow observer and its comparison. */
const SHADOW_PRIORITY = 1;

/** One claimed attempt of an order line, as the dispatcher hands it over. */
export interface LineRunContext {
  deps: DispatchDeps;
  line: OrderLine;
  target: DispatchTarget;
  draft: Draft;
  runTarget: RunTarget;
  attempt: number;
  /** The authoritative run the claim created. */
  claimedRunId: string;
  controller: AbortController;
  /** The dispatcher's handle on this line: the run to cancel and its farm. */
  handle: { runId: string; farm: RenderFarm | null };
  finishLineRow: (row: { id: string; status: 'succeeded' | 'failed' | 'cancelled'; now: string; error: string | null }) => void;
  outcomeOf: (orderLineId: string, runId: string) => DispatchOutcome;
  /** Called once the attempt is over, with the run that ended up authoritative. */
  onEnd: (authoritativeRunId: string) => void;
}

/**
 * Runs a claimed attempt in its mode: legacy runs the preset's pipeline; graph runs the bound
 * workflow and falls back to legacy at once on any failure; shadow runs legacy, then the workflow
 * as an observer, then compares them. What is published is committed with the line's status in
 * one transaction, and its staged files are moved into place right after (run-effects).
 */
export function runLine(ctx: LineRunContext): Promise<DispatchOutcome> {
  const { deps, line, target, draft, runTarget, attempt, claimedRunId, controller, handle } = ctx;
  const { db, runs } = deps;
  const orderLineId = line.id;
  const { mode, preset, pipelineKey, pipeline } = target;
  // The legacy side: the preset's pipeline compiled to a linear workflow, run by the same runtime.
  const compiled = pipeline ? compilePipeline(pipeline, preset, (type) => deps.registry.current(type)) : null;
  const typeKey = target.outputTypeKey;
  const progress = (runId: string, step: string | null, extra: { done?: number; total?: number } = {}) =>
    deps.onProgress?.({ orderLineId, runId, status: 'rendering', step, ...extra });
  const facts = { orderId: line.orderId, orderLineId, lineNo: line.lineNo, outputType: typeKey, cadFile: { id: line.cadFileId, name: line.cadName } };

  /** A run's context: the same for every mode but its effects, role and farm view. */
  const contextFor = (runId: string, runMode: ExecutionMode, role: 'authoritative' | 'shadow', farm: RenderFarm, tools: Tools, effects: Pick<RunContext, 'publish' | 'notify'>): RunContext =>
    createRunContext({
      runId,
      mode: runMode,
      role,
      farm,
      tools,
      signal: controller.signal,
      names: { order: line.orderId, line: String(line.lineNo), cad: path.basename(line.cadName, path.extname(line.cadName)), preset: typeKey },
      draft,
      ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
      orderLine: { type: 'order_line', orderLineId, orderId: line.orderId, lineNo: line.lineNo, cadFileId: line.cadFileId, outputTypeKey: line.outputTypeKey, overrides: line.overrides },
      parameters: target.parameterValues,
      resolveCad: (l) => resolveCadMesh(db, l.cadFileId),
      effects,
      recordRender: (entry) => runs.recordRender(runId, orderLineId, draft, entry),
    });

  /** Node status, progress and log lines of a run, as events (progress on the line only for the authoritative run). */
  const hooksFor = (runId: string, document: WorkflowDocument, authoritative: boolean) => ({
    onNode: (e: Parameters<NonNullable<GraphRunInput['onNode']>>[0]) => {
      if (authoritative && e.status === 'running') progress(runId, e.nodeId);
      deps.onNode?.({ runId, ...e });
    },
    onProgress: (n: string, d: number, t: number) => {
      if (authoritative) progress(runId, n, { done: d, total: t });
      deps.onNode?.({ runId, nodeId: n, nodeType: document.nodes.find((x) => x.id === n)?.type ?? '', status: 'running', done: d, total: t });
    },
    onLog: (nodeId: string, text: string) => deps.onLog?.({ runId, nodeId, line: text }),
  });

  type Ended = { status: 'succeeded' | 'failed' | 'cancelled'; failedStep: string | null; error: string | null };
  /** The legacy pipeline, compiled and run step by step, authoritative, committed in one transaction with the line's status. */
  const runLegacy = async (runId: string, farm: RenderFarm, tools: Tools): Promise<Ended> => {
    const effects = createRunEffects(deps.media, deps.outbox, { runId, orderLineId, attempt, facts });
    let result: Ended;
    try {
      const document = compiled as WorkflowDocument;
      progress(runId, 'input');
      const ran = await runGraph({
        document,
        registry: deps.registry,
        parameterValues: {},
        overrides: line.overrides,
        run: contextFor(runId, 'legacy', 'authoritative', farm, tools, effects),
        runs,
        // Legacy renders afresh every time, in step order, publishing by FORMAT.md's rule.
        cache: null,
        parallel: 1,
        selfPublish: 'pipeline',
        workRoot: path.join(deps.dataDir, 'runs', runId),
        ...hooksFor(runId, document, true),
      });
      result = { status: ran.status, failedStep: ran.failedNode, error: ran.error };
    } catch (error) {
      result = { status: controller.signal.aborted ? 'cancelled' : 'failed', failedStep: null, error: (error as Error).message };
    }
    db.transaction(() => {
      effects.commit();
      runs.finish(runId, result.status, result.status === 'succeeded' ? undefined : { step: result.failedStep, message: result.error ?? result.status });
      finishLine(result);
    })();
    effects.settle();
    return result;
  };
  const finishLine = (result: Ended) =>
    ctx.finishLineRow({ id: orderLineId, status: result.status, now: new Date().toISOString(), error: result.status === 'succeeded' ? null : `${result.failedStep ? `${result.failedStep}: ` : ''}${result.error ?? result.status}` });

  /** The bound workflow through the graph runtime, with the given effects. */
  const runWorkflow = async (runId: string, role: 'authoritative' | 'shadow', farm: RenderFarm, tools: Tools, effects: Pick<RunContext, 'publish' | 'notify'>): Promise<GraphResult> => {
    const graph = deps.graph as NonNullable<DispatchDeps['graph']>;
    const workflow = target.workflow as WorkflowDocument;
    const validation = deps.workflows ? deps.workflows.validate(workflow, 'dispatch') : { valid: true, problems: [] };
    if (!validation.valid) {
      const first = validation.problems.find((p) => p.severity === 'error');
      return { status: 'failed' as const, failedNode: null, error: `validation: ${first ? `${first.path}: ${first.message}` : 'the workflow is invalid'}`, outputs: new Map(), reused: [] };
    }
    return runGraph({
      document: workflow,
      registry: deps.registry,
      parameterValues: runTarget.parameterValues,
      overrides: runTarget.overrides,
      run: contextFor(runId, role === 'shadow' ? 'shadow' : 'graph', role, farm, tools, effects),
      runs,
      cache: graph.cache,
      workRoot: path.join(deps.dataDir, 'runs', runId),
      faults: graph.faults,
      nodeTimeoutMs: graph.nodeTimeoutMs,
      ...hooksFor(runId, workflow, role === 'authoritative'),
    }).catch((error: unknown) => ({ status: 'failed' as const, failedNode: null, error: (error as Error).message, outputs: new Map(), reused: [] }));
  };

  return (async (): Promise<DispatchOutcome> => {
    let authoritativeRun = claimedRunId;
    try {
      let sharedFarm: RenderFarm;
      let tools: Tools;
      try {
        [sharedFarm, tools] = await Promise.all([deps.farm(), deps.tools()]);
      } catch (error) {
        // The farm or a tool could not start: the run fails before any step.
        const result: Ended = { status: controller.signal.aborted ? 'cancelled' : 'failed', failedStep: null, error: (error as Error).message };
        db.transaction(() => {
          runs.finish(claimedRunId, result.status, { step: null, message: result.error ?? '' });
          finishLine(result);
        })();
        return ctx.outcomeOf(orderLineId, claimedRunId);
      }
      handle.farm = sharedFarm;

      if (mode === 'graph') {
        const effects = createRunEffects(deps.media, deps.outbox, { runId: claimedRunId, orderLineId, attempt, facts });
        const result = await runWorkflow(claimedRunId, 'authoritative', sharedFarm, tools, effects);
        if (result.status === 'succeeded') {
          db.transaction(() => {
            effects.commit();
            runs.finish(claimedRunId, 'succeeded');
            finishLine({ status: 'succeeded', failedStep: null, error: null });
          })();
          effects.settle();
        } else if (result.status === 'cancelled') {
          await effects.discard();
          db.transaction(() => {
            runs.finish(claimedRunId, 'cancelled', { step: result.failedNode, message: 'cancelled' });
            finishLine({ status: 'cancelled', failedStep: result.failedNode, error: 'cancelled' });
          })();
        } else if (!pipelineKey) {
          // A workflow-only output type has no legacy form to fall back to: the line fails, nothing
          // is published, and what its notify nodes queued on failure (render.failed) is sent.
          await effects.discard({ keepNotifications: true });
          db.transaction(() => {
            effects.commit();
            runs.finish(claimedRunId, 'failed', { step: result.failedNode, message: result.error ?? 'failed' });
            finishLine({ status: 'failed', failedStep: result.failedNode, error: result.error });
          })();
          effects.settle();
        } else {
          // Any graph failure: nothing of it is published, and legacy renders the same line at once.
          await effects.discard();
          const reason = `${result.failedNode ? `${result.failedNode}: ` : ''}${result.error ?? 'failed'}`;
          const fallbackId = db.transaction(() => {
            runs.finish(claimedRunId, 'failed', { step: result.failedNode, message: result.error ?? 'failed' });
            runs.markFallback(claimedRunId, reason);
            return runs.create({ family: 'order_line', orderLineId, cadFileId: line.cadFileId, attempt, mode: 'legacy', role: 'authoritative', pipelineKey, draft, fallbackOf: claimedRunId });
          })();
          authoritativeRun = fallbackId;
          handle.runId = fallbackId;
          await runLegacy(fallbackId, sharedFarm, tools);
        }
        // After the line has its one result: the guard may switch the next dispatches back to shadow.
        // A dispatch that forced graph (a test, a re-run) is not the rollout's graph: it is not counted.
        if (result.status === 'failed' && target.rolledOut) deps.onGraphFailure?.(typeKey);
        return ctx.outcomeOf(orderLineId, authoritativeRun);
      }

      const legacyResult = await runLegacy(claimedRunId, sharedFarm, tools);
      if (mode === 'shadow' && legacyResult.status !== 'cancelled') {
        // The observer: same inputs, its own area, never touching the line.
        const shadowId = runs.create({ family: 'order_line', orderLineId, cadFileId: line.cadFileId, attempt, mode: 'shadow', role: 'shadow', workflowId: target.workflow?.id ?? null, workflowRevision: target.workflow?.revision ?? null, draft, target: runTarget });
        const shadow = createShadowEffects(path.join(deps.dataDir, 'shadow'), shadowId);
        // Ahead of later lines' legacy renders, so each comparison follows its line (issue 22 item 6).
        const observerFarm = withPriority(sharedFarm, SHADOW_PRIORITY);
        const result = await runWorkflow(shadowId, 'shadow', observerFarm, tools, shadow);
        runs.finish(shadowId, result.status, result.status === 'succeeded' ? undefined : { step: result.failedNode, message: result.error ?? result.status });
        if (deps.compare) {
          await deps
            .compare({ orderLineId, outputTypeKey: typeKey, legacyRunId: claimedRunId, shadowRunId: shadowId, shadow, workflowId: target.workflow?.id ?? null, workflowRevision: target.workflow?.revision ?? null, farm: observerFarm, tools })
            .catch((error: unknown) => runs.appendLog(shadowId, 'input', `comparison failed: ${(error as Error).message}`));
        }
      }
      return ctx.outcomeOf(orderLineId, claimedRunId);
    } finally {
      ctx.onEnd(authoritativeRun);
    }
  })();
}
