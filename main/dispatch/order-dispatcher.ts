import crypto from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ApiFailure } from '../../shared/contract/errors';
import type { MediaAsset } from '../../shared/media/api';
import type { Notification } from '../../shared/notifications/api';
import type { OrderLine } from '../../shared/orders/api';
import type { Draft, RenderLog, WorkflowRun } from '../../shared/runs/api';
import type { ExecutionMode } from '../../shared/workflow/document';
import type { CadMetadata } from '../cad/ingest';
import type { MeshArtifact } from '../executors/artifacts';
import { NodeError, type RunContext } from '../executors/context';
import type { RenderFarm } from '../farm/types';
import { abortableFarm } from '../farm/abortable-farm';
import type { LegacyService } from '../legacy/legacy-service';
import { nodeTypeOfService } from '../legacy/pipeline-schema';
import { fillPresetDefaults } from '../legacy/preset-schema';
import type { MediaLibrary } from '../media/media-library';
import type { NotificationOutbox } from '../notifications';
import type { OrderStore } from '../orders/order-store';
import type { RunStore } from '../runs/run-store';
import { runChain, type ChainStep } from './run-chain';
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
  onProgress?: (event: { orderLineId: string; runId: string | null; status: OrderLine['status']; step: string | null; done?: number; total?: number }) => void;
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
    cad: db.prepare<[string], { id: string; name: string; status: string; error: string | null; glb_path: string | null; glb_sha256: string | null; metadata_json: string | null }>(
      'SELECT id, name, status, error, glb_path, glb_sha256, metadata_json FROM cad_files WHERE id = ?',
    ),
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

  function resolveCad(lineCadId: string): MeshArtifact {
    const row = q.cad.get(lineCadId);
    if (!row) throw new NodeError(`CAD file ${lineCadId} is not in the library`);
    if (row.status !== 'ready' || !row.glb_path || !row.glb_sha256) {
      throw new NodeError(`CAD file ${row.name} is not ingested (${row.status}${row.error ? `: ${row.error}` : ''})`);
    }
    const name = path.basename(row.name, path.extname(row.name)) || 'part';
    return { type: 'mesh_asset', cadFileId: row.id, name, glb: row.glb_path, glbSha256: row.glb_sha256, metadata: row.metadata_json ? (JSON.parse(row.metadata_json) as CadMetadata) : null };
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
    const outputType = deps.legacy.outputType(line.outputTypeKey);
    if (!outputType) throw new ApiFailure('not_found', `output type "${line.outputTypeKey}" no longer exists`, 'orderLineId');
    const mode: ExecutionMode = options.mode ?? (outputType.executionMode as ExecutionMode) ?? 'legacy';
    if (mode !== 'legacy') {
      throw new ApiFailure('mode_unavailable', `${mode} mode needs the graph runtime, which is not built yet (issue #6); dispatch with mode legacy`, 'mode');
    }
    if (!outputType.legacy) throw new ApiFailure('not_dispatchable', `output type "${outputType.key}" has no legacy render preset to run in legacy mode`, 'orderLineId');
    const preset = fillPresetDefaults(outputType.legacy);
    if (preset.active === false) throw new ApiFailure('inactive', `output type "${preset.key}" is inactive: inactive presets cannot be dispatched`, 'orderLineId');
    const pipelineKey = preset.pipeline as string;
    const pipeline = deps.legacy.pipeline(pipelineKey);
    if (!pipeline) throw new ApiFailure('not_found', `preset "${preset.key}" names the preset workflow "${pipelineKey}", which is neither imported nor shipped`, 'orderLineId');
    if (pipeline.family !== 'order_line') throw new ApiFailure('not_dispatchable', `preset workflow "${pipelineKey}" is a ${pipeline.family} workflow; an order line needs an order_line one`, 'orderLineId');

    const draft = options.draft ?? {};
    const claimed = db.transaction(() => {
      const now = new Date().toISOString();
      if (q.claim.run({ id: orderLineId, mode, now }).changes !== 1) return null;
      const attempt = (orders.line(orderLineId) as OrderLine).attempts;
      const runId = runs.create({ family: 'order_line', orderLineId, attempt, mode, role: 'authoritative', pipelineKey, draft });
      return { attempt, runId };
    })();
    if (!claimed) throw new ApiFailure('busy', `order line ${orderLineId} was claimed by another dispatch just now`, 'orderLineId');
    const { attempt, runId } = claimed;

    const controller = new AbortController();
    const handle = { controller, runId, farm: null as RenderFarm | null };
    active.set(orderLineId, handle);
    const steps: ChainStep[] = pipeline.steps.map((step, i) => {
      const nodeType = nodeTypeOfService(step.service);
      return { nodeId: `step${i + 1}_${step.service}`, nodeType, settings: legacyStepSettings(preset, { type: nodeType }, step.options, line.overrides), onError: step.on_error ?? 'fail' };
    });
    const progress = (step: string | null, extra: { done?: number; total?: number } = {}) =>
      deps.onProgress?.({ orderLineId, runId, status: 'rendering', step, ...extra });
    const effects = createRunEffects(deps.media, deps.outbox, {
      runId,
      orderLineId,
      attempt,
      facts: { orderId: line.orderId, orderLineId, lineNo: line.lineNo, outputType: preset.key, cadFile: { id: line.cadFileId, name: line.cadName } },
    });

    const done = (async (): Promise<DispatchOutcome> => {
      let result: { status: 'succeeded' | 'failed' | 'cancelled'; failedStep: string | null; error: string | null };
      try {
        const [sharedFarm, tools] = await Promise.all([deps.farm(), deps.tools()]);
        handle.farm = sharedFarm;
        const farm = abortableFarm(sharedFarm, controller.signal, runId);
        const context: RunContext = {
          runId,
          mode,
          role: 'authoritative',
          farm,
          tools,
          names: { order: line.orderId, line: String(line.lineNo), cad: path.basename(line.cadName, path.extname(line.cadName)), preset: preset.key },
          draft,
          timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          signal: controller.signal,
          selfPublish: !steps.some((s) => s.nodeType === 'output_save'),
          orderLine: { type: 'order_line', orderLineId, orderId: line.orderId, lineNo: line.lineNo, cadFileId: line.cadFileId, outputTypeKey: line.outputTypeKey, overrides: line.overrides },
          resolveCad: (l) => resolveCad(l.cadFileId),
          publish: (request) => effects.publish(request),
          notify: (request) => effects.notify(request),
          recordRender: (entry) => runs.recordRender(runId, orderLineId, draft, entry),
          blenderVersion: blenderVersionOf(farm),
        };
        progress('input');
        result = await runChain({
          run: context,
          inputNode: 'input_order_line',
          steps,
          runs,
          workRoot: path.join(deps.dataDir, 'runs', runId),
          hooks: { onStep: (s) => progress(s.nodeId), onProgress: (nodeId, d, t) => progress(nodeId, { done: d, total: t }) },
        });
      } catch (error) {
        // The farm or a tool could not start: the run fails before any step.
        result = { status: controller.signal.aborted ? 'cancelled' : 'failed', failedStep: null, error: (error as Error).message };
      } finally {
        active.delete(orderLineId);
      }
      // One transaction ends the run: assets, notifications, run and line status together.
      db.transaction(() => {
        effects.commit();
        runs.finish(runId, result.status, result.status === 'succeeded' ? undefined : { step: result.failedStep, message: result.error ?? result.status });
        q.finishLine.run({ id: orderLineId, status: result.status, now: new Date().toISOString(), error: result.status === 'succeeded' ? null : `${result.failedStep ? `${result.failedStep}: ` : ''}${result.error ?? result.status}` });
      })();
      deps.onProgress?.({ orderLineId, runId, status: result.status, step: result.failedStep });
      return outcomeOf(orderLineId, runId);
    })();
    return { orderLineId, runId, attempt, alreadyDone: false, done };
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
