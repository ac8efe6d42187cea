import crypto from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ApiFailure } from '../../shared/contract/errors';
import type { MediaAsset } from '../../shared/media/api';
import type { Notification } from '../../shared/notifications/api';
import type { OrderLine } from '../../shared/orders/api';
import type { Draft, RenderLog, WorkflowRun } from '../../shared/runs/api';
import type { ExecutionMode } from '../../shared/workflow/document';
import type { MeshArtifact } from '../executors/artifacts';
import type { RunContext } from '../executors/context';
import type { RenderFarm } from '../farm/types';
import { abortableFarm } from '../farm/abortable-farm';
import type { LegacyService } from '../legacy/legacy-service';
import { nodeTypeOfService } from '../legacy/pipeline-schema';
import { fillPresetDefaults } from '../legacy/preset-schema';
import { projectPreset } from '../legacy/project';
import type { WorkflowDocument } from '../../shared/workflow/document';
import type { WorkflowStore } from '../workflows/types';
import type { NodeRegistry } from '../nodes/registry';
import type { NodeCache } from '../graph-runtime/node-cache';
import type { Fault } from '../graph-runtime/faults';
import { runGraph } from '../graph-runtime/run-graph';
import { createShadowEffects, type ShadowEffects } from './shadow-effects';
import type { MediaLibrary } from '../media/media-library';
import type { NotificationOutbox } from '../notifications';
import type { OrderStore } from '../orders/order-store';
import type { RunStore, RunTarget } from '../runs/run-store';
import { runChain, type ChainStep } from './run-chain';
import { resolveCadMesh } from './resolve-cad';
import { createRunEffects } from './run-effects';
import { legacyStepSettings } from './step-settings';

export interface Tools {
  blenderPath: string;
  ffmpegPath?: string;
  ffprobePath?: string;
}

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
  /** The bound workflows, for graph and shadow modes. */
  workflows?: WorkflowStore;
  /** The graph runtime's parts; without them only legacy mode dispatches. */
  graph?: { registry: NodeRegistry; cache: NodeCache | null; faults?: Fault[]; nodeTimeoutMs?: number };
  /** Computes and stores the comparison of a shadow run against its legacy run. */
  compare?: (input: ShadowCompareInput) => Promise<unknown>;
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

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

function currentMode(workflows: WorkflowStore, id: string): ExecutionMode | undefined {
  try {
    return workflows.get(id).executionMode;
  } catch {
    return undefined;
  }
}

/** The Blender version the farm runs, asked once per farm with a ping job. */
export function blenderVersionOf(farm: RenderFarm): () => Promise<string | null> {
  let asked: Promise<string | null> | null = null;
  return () => {
    asked ??= farm
      .runJob({ kind: 'ping', id: `version-${crypto.randomBytes(3).toString('hex')}` }, { label: 'blender version', timeoutMs: 120_000 })
      .then((reply) => reply.blender ?? null)
      .catch(() => null);
    return asked;
  };
}

/**
 * The legacy dispatcher: an order line whose output type is a legacy render preset runs the
 * preset's pipeline steps in order through the executors. Idempotent per attempt: a line that
 * succeeded is not rendered again, a line being rendered by a live process is refused, and a
 * run whose process died is marked interrupted and its line queued again.
 */
export function createOrderDispatcher(deps: DispatchDeps) {
  const { db, runs, orders } = deps;
  const active = new Map<string, { controller: AbortController; runId: string; farm: RenderFarm | null }>();
  const q = {
    claim: db.prepare(
      `UPDATE order_lines SET status = 'rendering', attempts = attempts + 1, mode_used = @mode, started_at = @now, finished_at = NULL, error = NULL
       WHERE id = @id AND status IN ('queued', 'failed', 'cancelled')`,
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

  /** Runs whose process is gone become interrupted; their lines go back to the queue. */
  function recover(): WorkflowRun[] {
    const recovered = runs.recoverInterrupted();
    for (const run of recovered) {
      if (run.orderLineId && run.role === 'authoritative') {
        q.requeue.run({ id: run.orderLineId, now: new Date().toISOString(), error: `attempt ${run.attempt} was interrupted (its process ended); dispatch again to complete it` });
      }
    }
    return recovered;
  }

  const resolveCad = (cadFileId: string): MeshArtifact => resolveCadMesh(db, cadFileId);

  /**
   * The revision a profile runs: the pinned one, or with `latest_approved` the newest revision
   * whose shadow comparison for this output type passed and was approved (else the pinned one).
   */
  function revisionFor(outputTypeKey: string, profile: { workflowId: string; workflowRevision: number; revisionPolicy?: 'pinned' | 'latest_approved' }): number {
    if (profile.revisionPolicy !== 'latest_approved') return profile.workflowRevision;
    const row = db
      .prepare<[string, string], { revision: number | null }>(
        `SELECT max(c.workflow_revision) AS revision FROM comparisons c
         WHERE c.output_type_key = ? AND c.workflow_id = ? AND c.verdict = 'pass'
           AND (SELECT r.decision FROM comparison_reviews r WHERE r.comparison_id = c.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1) = 'approve'`,
      )
      .get(outputTypeKey, profile.workflowId);
    return row?.revision ?? profile.workflowRevision;
  }

  /** What a dispatch of this line would run: mode, the legacy preset and pipeline, the bound workflow. */
  function resolveTarget(line: OrderLine, override?: ExecutionMode) {
    const outputType = deps.legacy.outputType(line.outputTypeKey);
    if (!outputType) throw new ApiFailure('not_found', `output type "${line.outputTypeKey}" no longer exists`, 'orderLineId');
    const profile = outputType.outputType?.profile;
    let workflow: WorkflowDocument | null = null;
    if (profile && deps.workflows) {
      try {
        workflow = deps.workflows.get(profile.workflowId, revisionFor(outputType.key, profile));
      } catch {
        workflow = null;
      }
    }
    // DESIGN.md: the dispatch's override, else the output type's mode, else the workflow's (as rolled
    // out now, whatever revision the profile pins), else legacy.
    const workflowMode = profile && deps.workflows ? currentMode(deps.workflows, profile.workflowId) : undefined;
    // The legacy side: the imported preset, else the profile projected back to one (a migrated workflow).
    const legacyPreset = outputType.legacy ?? (outputType.outputType && workflow ? projectPreset(outputType.outputType, workflow) : null);
    const filled = legacyPreset ? fillPresetDefaults(legacyPreset) : null;
    const found = filled ? deps.legacy.pipeline(filled.pipeline as string) : undefined;
    if (outputType.legacy && !found) throw new ApiFailure('not_found', `preset "${outputType.key}" names the preset workflow "${String(filled?.pipeline)}", which is neither imported nor shipped`, 'orderLineId');
    if (found && found.family !== 'order_line') throw new ApiFailure('not_dispatchable', `preset workflow "${found.key}" is a ${found.family} workflow; an order line needs an order_line one`, 'orderLineId');
    const legacy = filled && found ? { preset: filled, pipeline: found } : null;
    if (!legacy && !(profile && workflow)) throw new ApiFailure('not_dispatchable', `output type "${outputType.key}" has neither a legacy render preset nor a bound workflow`, 'orderLineId');
    const active = outputType.outputType?.active ?? legacy?.preset.active ?? true;
    if (active === false) throw new ApiFailure('inactive', `output type "${outputType.key}" is inactive: inactive output types cannot be dispatched`, 'orderLineId');
    // A workflow-only output type (made from a workflow, not a preset) has no legacy form: graph is its mode.
    const mode: ExecutionMode = override ?? profile?.executionMode ?? workflowMode ?? (legacy ? 'legacy' : 'graph');
    if (!legacy && mode !== 'graph') throw new ApiFailure('not_dispatchable', `${mode} mode needs a legacy form of output type "${outputType.key}"; it was made from a workflow: dispatch it in graph mode`, 'mode');
    if (mode !== 'legacy') {
      if (!profile || !workflow) throw new ApiFailure('not_dispatchable', `${mode} mode needs output type "${outputType.key}" to bind a workflow (migrate it first)`, 'mode');
      if (!deps.graph) throw new ApiFailure('mode_unavailable', `${mode} mode needs the graph runtime, which this backend was built without`, 'mode');
    }
    const preset = legacy?.preset ?? null;
    const pipelineKey = legacy ? legacy.pipeline.key : null;
    const pipeline = legacy?.pipeline ?? null;
    return { mode, preset, pipelineKey, pipeline, profile: profile ?? null, workflow, outputTypeKey: outputType.key };
  }

  function start(orderLineId: string, options: { mode?: ExecutionMode; draft?: Draft } = {}): DispatchStart {
    recover();
    const line = orders.line(orderLineId);
    if (!line) throw new ApiFailure('not_found', `no order line "${orderLineId}"`, 'orderLineId');
    if (line.status === 'succeeded') {
      const done = runs.ofOrderLine(orderLineId).find((r) => r.status === 'succeeded' && r.role === 'authoritative');
      if (done) return { orderLineId, runId: done.id, attempt: done.attempt, alreadyDone: true, done: Promise.resolve(outcomeOf(orderLineId, done.id)) };
    }
    if (line.status === 'rendering') {
      const running = runs.ofOrderLine(orderLineId).find((r) => r.status === 'running');
      throw new ApiFailure('busy', `order line ${orderLineId} is being rendered right now${running ? ` (run ${running.id}, attempt ${running.attempt})` : ''}`, 'orderLineId');
    }
    const target = resolveTarget(line, options.mode);
    const { mode, preset, pipelineKey, pipeline } = target;
    const draft = options.draft ?? {};
    // What the bound workflow runs on, kept with its runs so one can be run again from a node.
    const runTarget: RunTarget = { cadFileId: line.cadFileId, orderLineId, overrides: line.overrides, parameterValues: target.profile?.parameterValues ?? {}, draft };
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
    const steps: ChainStep[] = (pipeline?.steps ?? []).map((step, i) => {
      const nodeType = nodeTypeOfService(step.service);
      return { nodeId: `step${i + 1}_${step.service}`, nodeType, settings: legacyStepSettings(preset as NonNullable<typeof preset>, { type: nodeType }, step.options, line.overrides), onError: step.on_error ?? 'fail' };
    });
    const typeKey = target.outputTypeKey;
    const progress = (runId: string, step: string | null, extra: { done?: number; total?: number } = {}) =>
      deps.onProgress?.({ orderLineId, runId, status: 'rendering', step, ...extra });
    const facts = { orderId: line.orderId, orderLineId, lineNo: line.lineNo, outputType: typeKey, cadFile: { id: line.cadFileId, name: line.cadName } };

    /** A run's context: the same for every mode but its effects, role and farm view. */
    const contextFor = (runId: string, runMode: ExecutionMode, role: 'authoritative' | 'shadow', farm: RenderFarm, tools: Tools, effects: Pick<RunContext, 'publish' | 'notify'>, selfPublish: boolean): RunContext => ({
      runId,
      mode: runMode,
      role,
      farm: abortableFarm(farm, controller.signal, runId),
      tools,
      names: { order: line.orderId, line: String(line.lineNo), cad: path.basename(line.cadName, path.extname(line.cadName)), preset: typeKey },
      draft,
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: controller.signal,
      selfPublish,
      orderLine: { type: 'order_line', orderLineId, orderId: line.orderId, lineNo: line.lineNo, cadFileId: line.cadFileId, outputTypeKey: line.outputTypeKey, overrides: line.overrides },
      parameters: target.profile?.parameterValues ?? {},
      resolveCad: (l) => resolveCad(l.cadFileId),
      publish: effects.publish,
      notify: effects.notify,
      recordRender: (entry) => runs.recordRender(runId, orderLineId, draft, entry),
      blenderVersion: blenderVersionOf(farm),
    });

    type Ended = { status: 'succeeded' | 'failed' | 'cancelled'; failedStep: string | null; error: string | null };
    /** The legacy pipeline, authoritative, committed in one transaction with the line's status. */
    const runLegacy = async (runId: string, farm: RenderFarm, tools: Tools): Promise<Ended> => {
      const effects = createRunEffects(deps.media, deps.outbox, { runId, orderLineId, attempt, facts });
      let result: Ended;
      try {
        const context = contextFor(runId, 'legacy', 'authoritative', farm, tools, effects, !steps.some((s) => s.nodeType === 'output_save'));
        progress(runId, 'input');
        result = await runChain({
          run: context,
          inputNode: 'input_order_line',
          steps,
          runs,
          workRoot: path.join(deps.dataDir, 'runs', runId),
          hooks: {
            onStep: (st) => {
              if (st.status === 'running') progress(runId, st.nodeId);
              deps.onNode?.({ runId, ...st });
            },
            onProgress: (n, d, t) => {
              progress(runId, n, { done: d, total: t });
              deps.onNode?.({ runId, nodeId: n, nodeType: steps.find((x) => x.nodeId === n)?.nodeType ?? '', status: 'running', done: d, total: t });
            },
            onLog: (nodeId, line) => deps.onLog?.({ runId, nodeId, line }),
          },
        });
      } catch (error) {
        result = { status: controller.signal.aborted ? 'cancelled' : 'failed', failedStep: null, error: (error as Error).message };
      }
      db.transaction(() => {
        effects.commit();
        runs.finish(runId, result.status, result.status === 'succeeded' ? undefined : { step: result.failedStep, message: result.error ?? result.status });
        finishLine(result);
      })();
      return result;
    };
    const finishLine = (result: Ended) =>
      q.finishLine.run({ id: orderLineId, status: result.status, now: new Date().toISOString(), error: result.status === 'succeeded' ? null : `${result.failedStep ? `${result.failedStep}: ` : ''}${result.error ?? result.status}` });

    /** The bound workflow through the graph runtime, with the given effects. */
    const runWorkflow = async (runId: string, role: 'authoritative' | 'shadow', farm: RenderFarm, tools: Tools, effects: Pick<RunContext, 'publish' | 'notify'>) => {
      const graph = deps.graph as NonNullable<DispatchDeps['graph']>;
      const workflow = target.workflow as WorkflowDocument;
      const validation = graph.registry && deps.workflows ? deps.workflows.validate(workflow, 'dispatch') : { valid: true, problems: [] };
      if (!validation.valid) {
        const first = validation.problems.find((p) => p.severity === 'error');
        return { status: 'failed' as const, failedNode: null, error: `validation: ${first ? `${first.path}: ${first.message}` : 'the workflow is invalid'}`, outputs: new Map(), reused: [] };
      }
      const context = contextFor(runId, role === 'shadow' ? 'shadow' : 'graph', role, farm, tools, effects, true);
      return runGraph({
        document: workflow,
        registry: graph.registry,
        parameterValues: runTarget.parameterValues,
        overrides: runTarget.overrides,
        run: context,
        runs,
        cache: graph.cache,
        workRoot: path.join(deps.dataDir, 'runs', runId),
        faults: graph.faults,
        nodeTimeoutMs: graph.nodeTimeoutMs,
        onNode: (e) => {
          if (role === 'authoritative' && e.status === 'running') progress(runId, e.nodeId);
          deps.onNode?.({ runId, ...e });
        },
        onProgress: (n, d, t) => {
          if (role === 'authoritative') progress(runId, n, { done: d, total: t });
          deps.onNode?.({ runId, nodeId: n, nodeType: workflow.nodes.find((x) => x.id === n)?.type ?? '', status: 'running', done: d, total: t });
        },
        onLog: (nodeId, line) => deps.onLog?.({ runId, nodeId, line }),
      }).catch((error: unknown) => ({ status: 'failed' as const, failedNode: null, error: (error as Error).message, outputs: new Map(), reused: [] }));
    };

    const done = (async (): Promise<DispatchOutcome> => {
      let authoritativeRun = claimed.runId;
      try {
        let sharedFarm: RenderFarm;
        let tools: Tools;
        try {
          [sharedFarm, tools] = await Promise.all([deps.farm(), deps.tools()]);
        } catch (error) {
          // The farm or a tool could not start: the run fails before any step.
          const result: Ended = { status: controller.signal.aborted ? 'cancelled' : 'failed', failedStep: null, error: (error as Error).message };
          db.transaction(() => {
            runs.finish(claimed.runId, result.status, { step: null, message: result.error ?? '' });
            finishLine(result);
          })();
          return outcomeOf(orderLineId, claimed.runId);
        }
        handle.farm = sharedFarm;

        if (mode === 'graph') {
          const effects = createRunEffects(deps.media, deps.outbox, { runId: claimed.runId, orderLineId, attempt, facts });
          const result = await runWorkflow(claimed.runId, 'authoritative', sharedFarm, tools, effects);
          if (result.status === 'succeeded') {
            db.transaction(() => {
              effects.commit();
              runs.finish(claimed.runId, 'succeeded');
              finishLine({ status: 'succeeded', failedStep: null, error: null });
            })();
          } else if (result.status === 'cancelled') {
            await effects.discard();
            db.transaction(() => {
              runs.finish(claimed.runId, 'cancelled', { step: result.failedNode, message: 'cancelled' });
              finishLine({ status: 'cancelled', failedStep: result.failedNode, error: 'cancelled' });
            })();
          } else if (!pipelineKey) {
            // A workflow-only output type has no legacy form to fall back to: the line fails, nothing published.
            await effects.discard();
            db.transaction(() => {
              runs.finish(claimed.runId, 'failed', { step: result.failedNode, message: result.error ?? 'failed' });
              finishLine({ status: 'failed', failedStep: result.failedNode, error: result.error });
            })();
          } else {
            // Any graph failure: nothing of it is published, and legacy renders the same line at once.
            await effects.discard();
            const reason = `${result.failedNode ? `${result.failedNode}: ` : ''}${result.error ?? 'failed'}`;
            const fallbackId = db.transaction(() => {
              runs.finish(claimed.runId, 'failed', { step: result.failedNode, message: result.error ?? 'failed' });
              runs.markFallback(claimed.runId, reason);
              return runs.create({ family: 'order_line', orderLineId, cadFileId: line.cadFileId, attempt, mode: 'legacy', role: 'authoritative', pipelineKey, draft, fallbackOf: claimed.runId });
            })();
            authoritativeRun = fallbackId;
            handle.runId = fallbackId;
            await runLegacy(fallbackId, sharedFarm, tools);
          }
          return outcomeOf(orderLineId, authoritativeRun);
        }

        const legacyResult = await runLegacy(claimed.runId, sharedFarm, tools);
        if (mode === 'shadow' && legacyResult.status !== 'cancelled') {
          // The observer: same inputs, its own area, never touching the line.
          const shadowId = runs.create({ family: 'order_line', orderLineId, cadFileId: line.cadFileId, attempt, mode: 'shadow', role: 'shadow', workflowId: target.workflow?.id ?? null, workflowRevision: target.workflow?.revision ?? null, draft, target: runTarget });
          const shadow = createShadowEffects(path.join(deps.dataDir, 'shadow'), shadowId);
          const result = await runWorkflow(shadowId, 'shadow', sharedFarm, tools, shadow);
          runs.finish(shadowId, result.status, result.status === 'succeeded' ? undefined : { step: result.failedNode, message: result.error ?? result.status });
          if (deps.compare) {
            await deps
              .compare({ orderLineId, outputTypeKey: typeKey, legacyRunId: claimed.runId, shadowRunId: shadowId, shadow, workflowId: target.workflow?.id ?? null, workflowRevision: target.workflow?.revision ?? null, farm: sharedFarm, tools })
              .catch((error: unknown) => runs.appendLog(shadowId, 'input', `comparison failed: ${(error as Error).message}`));
          }
        }
        return outcomeOf(orderLineId, claimed.runId);
      } finally {
        active.delete(orderLineId);
        const final = orders.line(orderLineId);
        deps.onProgress?.({ orderLineId, runId: authoritativeRun, status: final?.status ?? 'failed', step: null });
      }
    })();
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
