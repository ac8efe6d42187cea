import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { ApiFailure } from '../../../shared/contract/errors';
import type { Draft, RunSummary, RunsListInput, WorkflowRun } from '../../../shared/runs/api';
import { WorkflowDocumentSchema, type WorkflowDocument } from '../../../shared/workflow/document';
import type { CadSourceArtifact, NodeOutputs } from '../executors/artifacts';
import type { RunContext } from '../executors/context';
import type { RenderFarm } from '../farm/types';
import type { Tools } from '../dispatch/order-dispatcher';
import { outputTypeInvocation } from '../dispatch/dispatch-target';
import { resolveCadMesh } from '../dispatch/resolve-cad';
import { createShadowEffects } from '../dispatch/shadow-effects';
import type { Fault } from '../runtime/faults';
import type { NodeCache } from '../runtime/node-cache';
import { createRunContext } from '../runtime/run-context';
import { planGraph, runGraph } from '../runtime/run-graph';
import type { ExecutableRegistry } from '../executors';
import type { OrderStore } from '../../production/orders/order-store';
import { runHeadOf, type RunStore, type RunTarget } from '../../production/runs/run-store';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import { previewOf } from '../../production/media/preview';
import type { Page } from '../../../shared/paging/page';
import { runsPageQuery } from './runs-page';
import { keysetPage } from '../../platform/db/keyset-page';

/** What an editor run runs on: a CAD file or an order line, an output type whose values apply, a draft. */
export interface EditorRunInput {
  cadFileId?: string;
  orderLineId?: string;
  /** The output type whose profile's parameter values apply; on an order line, by default the line's own. */
  outputTypeKey?: string;
  parameterValues?: Record<string, unknown>;
  draft?: Draft;
}

export interface WorkflowRunnerDeps {
  db: Database.Database;
  dataDir: string;
  runs: RunStore;
  orders: OrderStore;
  workflows: WorkflowStore;
  /** Output types as a dispatch reads them (outputTypeInvocation). */
  legacy: Pick<LegacyService, 'outputType'>;
  registry: ExecutableRegistry;
  cache: NodeCache;
  farm: () => Promise<RenderFarm>;
  tools: () => Promise<Tools>;
  faults?: Fault[];
  nodeTimeoutMs?: number;
  onNode?: (event: { runId: string; nodeId: string; nodeType: string; status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'reused' | 'cancelled'; error?: string; done?: number; total?: number }) => void;
  onLog?: (event: { runId: string; nodeId: string; line: string }) => void;
}


/**
 * Workflows run from the editor: a saved revision on a CAD file (or an order line's CAD file and
 * overrides), through the graph runtime, as an observer — output_save and notify record what
 * they would do and nothing reaches the media library or a customer. Also the dry-run plan,
 * the runs list, cancel and re-run from a node.
 */
export function createWorkflowRunner(deps: WorkflowRunnerDeps) {
  const { db, runs } = deps;
  const active = new Map<string, AbortController>();

  /**
   * The output type whose values an editor run applies: the one chosen, else on an order line the
   * line's own (when it is migrated: an unmigrated one has no values a workflow can take, and the
   * workflow's defaults apply as before). Refusals name the field and the value.
   */
  function outputTypeOf(document: WorkflowDocument, input: EditorRunInput, lineOutputType: string | null): { key: string; parameterValues: Record<string, unknown> } | null {
    const key = input.outputTypeKey ?? lineOutputType;
    if (!key) return null;
    const invocation = outputTypeInvocation(deps.legacy, key);
    if (!invocation) throw new ApiFailure('not_found', `outputTypeKey: no output type "${key}"`, 'outputTypeKey');
    if (!invocation.profile) {
      if (input.outputTypeKey === undefined) return null;
      throw new ApiFailure('not_migrated', `outputTypeKey: output type "${key}" is not migrated yet: it binds no workflow whose parameter values could apply; migrate it first`, 'outputTypeKey');
    }
    const bound = invocation.profile.workflowId;
    let family: string;
    try {
      family = deps.workflows.get(bound).family;
    } catch {
      throw new ApiFailure('not_found', `outputTypeKey: output type "${key}" binds workflow "${bound}", which no longer exists`, 'outputTypeKey');
    }
    if (family !== document.family) {
      throw new ApiFailure('wrong_family', `outputTypeKey: output type "${key}" binds ${family} workflow ${bound}; workflow ${document.id} is a ${document.family} workflow`, 'outputTypeKey');
    }
    return { key, parameterValues: invocation.parameterValues };
  }

  /** The run's inputs; the output type's values first, values given with the run over them. */
  function targetOf(document: WorkflowDocument, input: EditorRunInput): RunTarget & { outputTypeKey: string | null } {
    const draft = input.draft ?? {};
    if (input.orderLineId) {
      const line = deps.orders.line(input.orderLineId);
      if (!line) throw new ApiFailure('not_found', `no order line "${input.orderLineId}"`, 'orderLineId');
      const chosen = outputTypeOf(document, input, line.outputTypeKey);
      return { cadFileId: line.cadFileId, orderLineId: line.id, overrides: line.overrides, parameterValues: { ...(chosen?.parameterValues ?? {}), ...(input.parameterValues ?? {}) }, draft, outputTypeKey: chosen?.key ?? null };
    }
    if (!input.cadFileId) throw new ApiFailure('invalid_input', 'choose a CAD file or an order line to run the workflow on', 'cadFileId');
    const chosen = outputTypeOf(document, input, null);
    return { cadFileId: input.cadFileId, orderLineId: null, overrides: {}, parameterValues: { ...(chosen?.parameterValues ?? {}), ...(input.parameterValues ?? {}) }, draft, outputTypeKey: chosen?.key ?? null };
  }

  /**
   * What the run is about: on an order line, the line itself and the file names its dispatch would
   * use; on a bare CAD file, a test line and the workflow's names. Names follow the target, not the
   * run: renders are cached under their names, so two runs (or a dry run and its run) on the same
   * line or file find each other's outputs.
   */
  function subjectOf(runId: string, document: WorkflowDocument, target: RunTarget, cadName: string): Pick<RunContext, 'names' | 'orderLine'> {
    const cad = path.basename(cadName, path.extname(cadName));
    const line = target.orderLineId ? deps.orders.line(target.orderLineId) : undefined;
    const base = { type: 'order_line' as const, cadFileId: target.cadFileId, overrides: target.overrides };
    if (line) {
      return {
        names: { order: line.orderId, line: String(line.lineNo), cad, preset: target.outputTypeKey ?? line.outputTypeKey },
        orderLine: { ...base, orderLineId: line.id, orderId: line.orderId, lineNo: line.lineNo, outputTypeKey: line.outputTypeKey },
      };
    }
    // On a bare CAD file with an output type chosen, its key names the files as a dispatch of it would.
    const preset = target.outputTypeKey ?? document.id.replace(/[^A-Za-z0-9._-]/g, '_');
    return {
      names: { order: 'test', line: '1', cad, preset },
      orderLine: { ...base, orderLineId: target.orderLineId ?? `test-${runId}`, orderId: 'test', lineNo: 1, outputTypeKey: target.outputTypeKey ?? document.id },
    };
  }

  function contextFor(runId: string, document: WorkflowDocument, target: RunTarget, farm: RenderFarm, tools: Tools, signal: AbortSignal): RunContext {
    const cadRow = db.prepare<[string], { name: string; source_path: string }>('SELECT name, source_path FROM cad_files WHERE id = ?').get(target.cadFileId);
    if (!cadRow) throw new ApiFailure('not_found', `no CAD file "${target.cadFileId}" in the library`, 'cadFileId');
    const cadSource: CadSourceArtifact = { type: 'cad_source', cadFileId: target.cadFileId, file: cadRow.source_path, name: cadRow.name };
    return createRunContext({
      runId,
      mode: 'graph',
      role: 'shadow',
      farm,
      tools,
      signal,
      ...subjectOf(runId, document, target, cadRow.name),
      draft: target.draft,
      cadSource,
      parameters: target.parameterValues,
      resolveCad: () => resolveCadMesh(db, target.cadFileId),
      effects: createShadowEffects(path.join(deps.dataDir, 'shadow'), runId),
      recordRender: (entry) => runs.recordRender(runId, null, target.draft, entry),
    });
  }

  function start(document: WorkflowDocument, target: RunTarget, forceFrom?: string): string {
    const runId = runs.create({
      family: document.family,
      cadFileId: target.cadFileId,
      attempt: 1,
      mode: 'graph',
      role: 'shadow',
      workflowId: document.id,
      workflowRevision: document.revision,
      draft: target.draft,
      target,
    });
    const controller = new AbortController();
    active.set(runId, controller);
    void (async () => {
      let status: 'succeeded' | 'failed' | 'cancelled' = 'failed';
      let failure: { step: string | null; message: string } | undefined;
      try {
        const [farm, tools] = await Promise.all([deps.farm(), deps.tools()]);
        const result = await runGraph({
          document,
          registry: deps.registry,
          parameterValues: target.parameterValues,
          overrides: target.overrides,
          run: contextFor(runId, document, target, farm, tools, controller.signal),
          runs,
          cache: deps.cache,
          workRoot: path.join(deps.dataDir, 'runs', runId),
          faults: deps.faults,
          nodeTimeoutMs: deps.nodeTimeoutMs,
          ...(forceFrom ? { forceFrom } : {}),
          onNode: (e) => deps.onNode?.({ runId, ...e }),
          onProgress: (nodeId, done, total) => deps.onNode?.({ runId, nodeId, nodeType: document.nodes.find((n) => n.id === nodeId)?.type ?? '', status: 'running', done, total }),
          onLog: (nodeId, line) => deps.onLog?.({ runId, nodeId, line }),
        });
        status = result.status;
        if (result.status !== 'succeeded') failure = { step: result.failedNode, message: result.error ?? result.status };
      } catch (error) {
        status = controller.signal.aborted ? 'cancelled' : 'failed';
        failure = { step: null, message: (error as Error).message };
      } finally {
        active.delete(runId);
        runs.finish(runId, status, failure);
        deps.onNode?.({ runId, nodeId: '', nodeType: '', status, ...(failure ? { error: failure.message } : {}) });
      }
    })();
    return runId;
  }

  const untargeted = (farm: RenderFarm): RunContext => ({
    runId: 'plan',
    mode: 'graph',
    role: 'shadow',
    farm,
    tools: { blenderPath: '' },
    names: { order: '', line: '', cad: '', preset: '' },
    draft: {},
    timeoutMs: 0,
    signal: new AbortController().signal,
    selfPublish: true,
    resolveCad: () => {
      throw new ApiFailure('invalid_input', 'no CAD file chosen', 'cadFileId');
    },
    publish: () => Promise.reject(new Error('planning publishes nothing')),
    notify: () => {
      throw new Error('planning notifies nobody');
    },
    recordRender: () => {},
    blenderVersion: async () => null,
  });

  const documentOf = (id: string, revision?: number): WorkflowDocument => deps.workflows.get(id, revision);

  return {
    async plan(input: EditorRunInput & { document: unknown }) {
      const validation = deps.workflows.validate(input.document, 'dispatch');
      // A document that is not even canonical has no plan, only its problems.
      const parsed = WorkflowDocumentSchema.safeParse(input.document);
      if (!parsed.success) return { valid: false, problems: validation.problems, nodes: [], reused: 0, renders: 0 };
      const document = parsed.data;
      let target: RunTarget | null = null;
      try {
        target = input.cadFileId || input.orderLineId ? targetOf(document, input) : null;
      } catch (error) {
        // A bad output type is the caller's to fix; a target that cannot be read plans without one.
        if (error instanceof ApiFailure && error.path === 'outputTypeKey') throw error;
        target = null;
      }
      const farm: RenderFarm = { concurrency: 1, runJob: () => Promise.reject(new Error('planning renders nothing')), cancelRun: () => 0, close: async () => {} };
      const context = target ? contextFor(`plan-${crypto.randomUUID()}`, document, target, farm, { blenderPath: '' }, new AbortController().signal) : null;
      try {
        const plan = await planGraph({
          document,
          registry: deps.registry,
          parameterValues: target?.parameterValues ?? input.parameterValues ?? {},
          overrides: target?.overrides ?? {},
          // Without a target nothing upstream is known: the plan shows order and renders, no reuse.
          run: context ?? untargeted(farm),
          cache: context ? deps.cache : null,
        });
        return {
          valid: validation.valid,
          problems: validation.problems,
          nodes: plan.order.map((n) => ({ nodeId: n.nodeId, type: n.type, settings: n.settings, problem: n.problem, disabled: n.disabled, cacheable: n.cacheable, willReuse: n.willReuse, selfPublish: n.selfPublish, renders: n.renders })),
          reused: plan.reused,
          renders: plan.renders,
        };
      } catch (error) {
        throw new ApiFailure('invalid_workflow', (error as Error).message, 'document');
      }
    },
    run(input: EditorRunInput & { workflowId: string; revision?: number }): { runId: string; outputTypeKey: string | null } {
      const document = documentOf(input.workflowId, input.revision);
      const validation = deps.workflows.validate(document, 'dispatch');
      if (!validation.valid) {
        const first = validation.problems.find((p) => p.severity === 'error');
        throw new ApiFailure('invalid_workflow', `workflow ${document.id} cannot run: ${first ? `${first.path}: ${first.message}` : 'it is invalid'}`, 'workflowId', validation.problems);
      }
      const target = targetOf(document, input);
      return { runId: start(document, target), outputTypeKey: target.outputTypeKey };
    },
    rerun(runId: string, fromNode: string): { runId: string } {
      const row = db.prepare<[string], { workflow_id: string | null; workflow_revision: number | null; context_json: string | null }>('SELECT workflow_id, workflow_revision, context_json FROM workflow_runs WHERE id = ?').get(runId);
      if (!row) throw new ApiFailure('not_found', `no run "${runId}"`, 'runId');
      if (!row.workflow_id || !row.context_json) throw new ApiFailure('not_rerunnable', `run ${runId} did not run a workflow (or predates the record of its inputs); dispatch its order line again instead`, 'runId');
      const document = documentOf(row.workflow_id, row.workflow_revision ?? undefined);
      if (!document.nodes.some((n) => n.id === fromNode)) throw new ApiFailure('not_found', `workflow ${document.id}@${document.revision} has no node "${fromNode}"`, 'fromNode');
      return { runId: start(document, JSON.parse(row.context_json) as RunTarget, fromNode) };
    },
    cancel(runId: string): boolean {
      const controller = active.get(runId);
      if (!controller) return false;
      controller.abort();
      return true;
    },
    /** A page of runs newest first, without node details; searched and filtered in SQL. */
    list(filter: z.output<typeof RunsListInput>): Page<RunSummary & { cadFileName: string | null }> {
      const { rows, nextCursor } = keysetPage(db, runsPageQuery(filter));
      const items = rows.map((row) => ({ ...runHeadOf(row, row.fallback_run_id), nodeCount: row.node_count, failedNodes: row.failed_nodes, outputTypeKey: row.output_type_key, cadFileName: row.cad_name }));
      return { items, nextCursor };
    },
    get(runId: string): WorkflowRun {
      const run = runs.get(runId);
      if (!run) throw new ApiFailure('not_found', `no run "${runId}"`, 'runId');
      return run;
    },
    /** A node output's file: `port` (default: the first with a file) and `index` for sequences. */
    file(runId: string, nodeId: string, port?: string, index = 0) {
      const node = this.get(runId).nodes.find((n) => n.nodeId === nodeId);
      if (!node?.outputs) throw new ApiFailure('not_found', `node ${nodeId} of run ${runId} has no outputs`, 'nodeId');
      const outputs = node.outputs as NodeOutputs;
      const artifact = port ? outputs[port] : Object.values(outputs).find((a) => 'file' in a || a.type === 'image_sequence' || a.type === 'mesh_asset');
      if (!artifact) throw new ApiFailure('not_found', `node ${nodeId} has no output "${port ?? '(file)'}"`, 'port');
      const located = ((): { file?: string; format?: string } => {
        if (artifact.type === 'image_sequence') return { file: artifact.frames[index]?.file, format: artifact.format };
        if (artifact.type === 'mesh_asset') return { file: artifact.glb, format: 'glb' };
        if ('file' in artifact && path.isAbsolute(artifact.file)) return { file: artifact.file, format: 'format' in artifact ? String(artifact.format) : path.extname(artifact.file).slice(1) };
        return {};
      })();
      const { file, format } = located;
      if (!file || !fs.existsSync(file)) throw new ApiFailure('not_found', `the file of ${nodeId} is gone (run folders can be cleaned)`, 'nodeId');
      const bytes = fs.statSync(file).size;
      return { name: path.basename(file), bytes, ...previewOf(file, format ?? '', bytes, file) };
    },
  };
}

export type WorkflowRunner = ReturnType<typeof createWorkflowRunner>;
