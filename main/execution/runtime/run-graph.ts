import path from 'node:path';
import type { OrderLineOverrides } from '../../../shared/orders/api';
import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';
import { downstreamOf, topologicalOrder } from '../../../shared/workflow/graph';
import { renderCount, type NodeSpec, type NodeTraits } from '../../../shared/nodes/node-spec';
import type { Artifact, NodeOutputs } from '../executors/artifacts';
import { NodeError, type Executor, type NodeExecution, type RenderLogEntry, type RunContext } from '../executors/context';
import { sequenceHash } from '../executors/render-support';
import type { ExecutableRegistry } from '../executors';
import type { RunStore } from '../../production/runs/run-store';
import { InjectedFault, killingFarm, type Fault } from './faults';
import { artifactHash, cacheKey, type NodeCache } from './node-cache';
import { resolveNodeSettings } from '../../catalog/workflows/resolve-settings';

/** What the runtime records of a run's nodes: the SQLite run store, or an in-memory one (`lightbox render`). */
export type RunRecorder = Pick<RunStore, 'startNode' | 'finishNode' | 'appendLog'>;

/**
 * Which render nodes publish what they render themselves. `downstream` (workflows): a render
 * with no output_save downstream of it. `pipeline` (a compiled legacy pipeline, FORMAT.md):
 * every render, unless the pipeline has an output_save step anywhere.
 */
export type SelfPublishRule = 'downstream' | 'pipeline';

/** The artifact of a type a run produced last (in run order), if any: a run's mesh, thumbnail, metadata. */
export function lastArtifact<T extends Artifact['type']>(outputs: Map<string, NodeOutputs>, type: T): Extract<Artifact, { type: T }> | undefined {
  let found: Extract<Artifact, { type: T }> | undefined;
  for (const produced of outputs.values()) for (const artifact of Object.values(produced)) if (artifact?.type === type) found = artifact as Extract<Artifact, { type: T }>;
  return found;
}

/** A failed `continue` node's outputs: each output port gets the node's input of the same type, if any. */
export function passThrough(spec: Pick<NodeSpec, 'outputs'>, inputs: Partial<Record<string, Artifact>>): NodeOutputs {
  const out: NodeOutputs = {};
  for (const port of spec.outputs) {
    const match = Object.values(inputs).find((a) => a && port.types.includes(a.type));
    if (match) out[port.name] = match;
  }
  return out;
}

export interface PlanNode {
  nodeId: string;
  type: string;
  version: number;
  /** Parsed settings, or null with `problem` when they do not parse. */
  settings: Record<string, unknown> | null;
  problem: string | null;
  /** Input port → the node and output port that feed it. */
  inputs: Record<string, { nodeId: string; port: string }>;
  disabled: boolean;
  onError: 'fail' | 'continue';
  /** The node type's traits, from the registry (a zero set for an unknown type). */
  traits: NodeTraits;
  cacheable: boolean;
  /** true: a stored output will be reused; false: it will run; null: it depends on nodes that have not run. */
  willReuse: boolean | null;
  /** Render nodes publish themselves only when no output_save is downstream. */
  selfPublish: boolean;
  /** Renders this node queues on the farm (0 when reused). */
  renders: number;
}

export interface GraphPlan {
  order: PlanNode[];
  reused: number;
  renders: number;
}

export interface GraphRunInput {
  document: WorkflowDocument;
  registry: ExecutableRegistry;
  parameterValues: Record<string, unknown>;
  overrides: OrderLineOverrides;
  run: RunContext;
  runs: RunRecorder;
  cache: NodeCache | null;
  /** Default `downstream`. */
  selfPublish?: SelfPublishRule;
  workRoot: string;
  faults?: Fault[];
  /** Per node; default the run's timeout. */
  nodeTimeoutMs?: number;
  /** How many nodes may run at once (the farm bounds Blender on its own). */
  parallel?: number;
  /** Re-run from this node: it and everything downstream run again; upstream may reuse stored outputs. */
  forceFrom?: string;
  onNode?: (event: { nodeId: string; nodeType: string; status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'reused' | 'cancelled'; error?: string }) => void;
  onProgress?: (nodeId: string, done: number, total: number) => void;
  onLog?: (nodeId: string, line: string) => void;
}

export interface GraphResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  failedNode: string | null;
  error: string | null;
  outputs: Map<string, NodeOutputs>;
  reused: string[];
}

/** How long a cancelled node's executor gets to let go of its farm jobs. */
const SETTLE_MS = 5_000;

const NO_TRAITS: NodeTraits = { cacheable: false, planEvaluated: false, renders: false, keyedByRun: false, publishes: false, runsOnFailure: false };

/** The static part of a plan: order, inputs, parsed settings, who self-publishes. */
function layout(input: Pick<GraphRunInput, 'document' | 'registry' | 'parameterValues' | 'overrides' | 'selfPublish'>): PlanNode[] {
  const { document, registry } = input;
  const ids = document.nodes.map((n) => n.id);
  const order = topologicalOrder(ids, document.edges);
  if (!order) throw new NodeError(`workflow ${document.id} has a cycle`);
  const byId = new Map(document.nodes.map((n) => [n.id, n]));
  const saves = new Set(document.nodes.filter((n) => n.type === 'output_save' && !n.disabled).map((n) => n.id));
  const pipelineSaves = input.selfPublish === 'pipeline' && saves.size > 0;
  return order.map((id) => {
    const node = byId.get(id) as WorkflowNode;
    const spec = registry.spec(node.type, node.typeVersion);
    let settings: Record<string, unknown> | null = null;
    let problem: string | null = null;
    if (!spec) problem = `node type ${node.type}@${node.typeVersion} is not registered`;
    else {
      const parsed = spec.settings.safeParse(resolveNodeSettings(document, node, input.parameterValues, input.overrides));
      if (parsed.success) settings = parsed.data as Record<string, unknown>;
      else problem = `invalid settings: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ')}`;
    }
    const inputs: PlanNode['inputs'] = {};
    for (const edge of document.edges.filter((e) => e.target === id)) inputs[edge.targetPort] = { nodeId: edge.source, port: edge.sourcePort };
    const downstream = downstreamOf(id, document.edges);
    const traits = spec?.traits ?? NO_TRAITS;
    return {
      nodeId: id,
      type: node.type,
      version: node.typeVersion,
      settings,
      problem,
      inputs,
      disabled: node.disabled === true,
      onError: node.onError ?? 'fail',
      traits,
      cacheable: traits.cacheable,
      willReuse: null,
      selfPublish: pipelineSaves ? false : ![...downstream].some((d) => saves.has(d)),
      renders: renderCount({ traits }, settings),
    };
  });
}

function keyOf(node: PlanNode, inputs: Partial<Record<string, Artifact>>, run: RunContext): string {
  const hashes: Record<string, string> = {};
  for (const [port, artifact] of Object.entries(inputs)) if (artifact) hashes[port] = artifactHash(artifact);
  // Renders also depend on the draft and on the file names they write (published by that name).
  const extra = node.traits.keyedByRun ? { draft: run.draft, names: run.names } : undefined;
  return cacheKey({ type: node.type, version: node.version, settings: node.settings, inputs: hashes, extra });
}

function gather(node: PlanNode, outputs: Map<string, NodeOutputs>): Partial<Record<string, Artifact>> {
  const inputs: Partial<Record<string, Artifact>> = {};
  for (const [port, source] of Object.entries(node.inputs)) {
    const value = outputs.get(source.nodeId)?.[source.port];
    if (value) inputs[port] = value;
  }
  return inputs;
}

/** The render log of a render served from the store: the facts of its output, no Blender time. */
async function reusedRenderLog(node: PlanNode, outputs: NodeOutputs, run: RunContext): Promise<RenderLogEntry> {
  const settings = node.settings as { renderer?: { engine?: string; samples?: number }; turntable?: { frames?: number } };
  const main = outputs.image ?? outputs.frames ?? outputs.blend;
  const facts = main && 'width' in main ? { width: main.width, height: main.height } : { width: null, height: null };
  const frames = node.type === 'render_turntable' ? (settings.turntable?.frames ?? null) : null;
  let outputPath: string | null = null;
  let outputSha256: string | null = null;
  if (main?.type === 'image_sequence') {
    outputPath = path.dirname(main.frames[0]?.file ?? '');
    outputSha256 = sequenceHash(main.frames.map((f) => f.sha256));
  } else if (main && (main.type === 'image' || main.type === 'blend_file')) {
    outputPath = main.file;
    outputSha256 = main.sha256;
  }
  return {
    nodeId: node.nodeId,
    engine: settings.renderer?.engine ?? null,
    samples: run.draft.samples ?? settings.renderer?.samples ?? null,
    ...facts,
    frameStart: node.type === 'export_blend' ? null : 1,
    frameEnd: node.type === 'export_blend' ? null : (frames ?? 1),
    blenderVersion: await run.blenderVersion().catch(() => null),
    outputPath,
    outputSha256,
    durationMs: 0,
    status: 'succeeded',
    exitCode: 0,
    error: null,
  };
}

const nodeContext = (run: RunContext, node: PlanNode): RunContext => ({ ...run, selfPublish: node.selfPublish });

/** The executor the registry holds for a node, or a NodeError saying why it cannot run. */
function executorOf(registry: ExecutableRegistry, node: PlanNode): Executor {
  const runtime = registry.runtime(node.type, node.version);
  if (!runtime) throw new NodeError(`node type ${node.type}@${node.version} is not registered`);
  if ('disabledReason' in runtime) throw new NodeError(`node type ${node.type} cannot run: ${runtime.disabledReason}`);
  return runtime.executor;
}

/**
 * The plan a dry run shows: topological order, resolved settings, which nodes reuse a stored
 * output, how many renders will be queued. Cheap effect-free nodes are evaluated to follow keys.
 */
export async function planGraph(input: Omit<GraphRunInput, 'runs' | 'workRoot'>): Promise<GraphPlan> {
  const order = layout(input);
  const known = new Map<string, NodeOutputs>();
  for (const node of order) {
    if (node.disabled || !node.settings) continue;
    const inputs = gather(node, known);
    const complete = Object.keys(node.inputs).every((port) => inputs[port]);
    if (node.traits.planEvaluated && complete) {
      try {
        const executor = executorOf(input.registry, node);
        known.set(node.nodeId, await executor({ run: nodeContext(input.run, node), nodeId: node.nodeId, settings: node.settings, inputs, workDir: '', log: () => {}, progress: () => {} }));
      } catch {
        // The real run will report it.
      }
      continue;
    }
    if (!node.cacheable || !complete || !input.cache) {
      node.willReuse = node.cacheable && input.cache && !complete ? null : false;
      continue;
    }
    const hit = input.cache.lookup(keyOf(node, inputs, input.run), false);
    node.willReuse = hit !== null;
    if (hit) {
      known.set(node.nodeId, hit);
      node.renders = 0;
    }
  }
  return { order, reused: order.filter((n) => n.willReuse === true).length, renders: order.reduce((n, p) => n + p.renders, 0) };
}

/**
 * Runs a workflow graph: every node once its inputs are ready, independent branches at the same
 * time, stored outputs reused when the cache key matches. Each node is a node run (settings,
 * outputs, log, timing). A failing node with onError `continue` passes its inputs on; any other
 * failure stops the run at once (running nodes are cancelled) and the result says which node;
 * then the nodes that run on failure (notify) and had not run yet run, told of the failure.
 * Legacy pipelines (compiled to a linear document), workflows, editor runs and CAD imports all
 * run here.
 */
export async function runGraph(input: GraphRunInput): Promise<GraphResult> {
  const { run, runs, cache } = input;
  const order = layout(input);
  const outputs = new Map<string, NodeOutputs>();
  const reused: string[] = [];
  const state = new Map<string, 'waiting' | 'running' | 'done' | 'failed' | 'skipped'>(order.map((n) => [n.nodeId, 'waiting']));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  run.signal.addEventListener('abort', onAbort);
  const context: RunContext = { ...run, signal: stop.signal };
  const timeoutMs = input.nodeTimeoutMs ?? run.timeoutMs;
  const forced = input.forceFrom ? new Set([input.forceFrom, ...downstreamOf(input.forceFrom, input.document.edges)]) : new Set<string>();
  let failure: { node: string; error: string } | null = null;
  const index = new Map(order.map((n, i) => [n.nodeId, i]));

  const skip = (node: PlanNode, why: string) => {
    state.set(node.nodeId, 'skipped');
    runs.startNode(run.runId, { nodeId: node.nodeId, nodeType: node.type, stepIndex: index.get(node.nodeId) ?? 0, onError: node.onError, settings: node.settings });
    runs.finishNode(run.runId, node.nodeId, { status: 'skipped', error: why, durationMs: null });
    input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: 'skipped' });
  };

  /** Runs one node: from the store when its key matches, else its executor under a timeout and the stop signal. */
  const produce = async (node: PlanNode, inputs: Partial<Record<string, Artifact>>, log: (line: string) => void, signal: AbortSignal, failed?: NodeExecution['failure']): Promise<{ outputs: NodeOutputs; reused: boolean }> => {
    if (node.problem || !node.settings) throw new NodeError(node.problem ?? 'no settings');
    const fault = input.faults?.find((f) => f.node === node.nodeId && (!f.mode || f.mode === run.mode));
    if (fault?.fault === 'fail') throw new InjectedFault(`injected fault: ${node.nodeId} fails (test only)`);
    const key = node.cacheable && cache && !failed ? keyOf(node, inputs, run) : null;
    const hit = key && cache && !forced.has(node.nodeId) ? cache.lookup(key) : null;
    if (hit) {
      log('reused the stored output (cache key matched)');
      // A reused render is still this run's render: its log says so, with the stored output's facts.
      if (node.traits.renders) run.recordRender(await reusedRenderLog(node, hit, run));
      return { outputs: hit, reused: true };
    }
    const executor = executorOf(input.registry, node);
    const nodeRun: RunContext = { ...nodeContext(context, node), signal };
    if (fault?.fault === 'kill') nodeRun.farm = killingFarm(nodeRun.farm);
    const work =
      fault?.fault === 'hang'
        ? new Promise<NodeOutputs>((_, reject) => {
            log('injected fault: hanging (test only)');
            // Hangs until the run stops (as a killed Blender job would end).
            signal.addEventListener('abort', () => reject(new NodeError('cancelled')), { once: true });
          })
        : executor({ run: nodeRun, nodeId: node.nodeId, settings: node.settings, inputs, workDir: path.join(input.workRoot, node.nodeId), log, progress: (d, t) => input.onProgress?.(node.nodeId, d, t), ...(failed ? { failure: failed } : {}) });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NodeError(`${node.nodeId} exceeded its timeout of ${timeoutMs} ms`)), timeoutMs);
    });
    let onStop: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onStop = () => reject(new NodeError('cancelled'));
      if (signal.aborted) onStop();
      else signal.addEventListener('abort', onStop, { once: true });
    });
    let produced: NodeOutputs;
    try {
      produced = await Promise.race([work, timeout, aborted]);
    } finally {
      clearTimeout(timer);
      if (onStop) signal.removeEventListener('abort', onStop);
      // Cancelled: the farm kills the node's Blender jobs; wait (briefly) until the executor has let
      // go of them, so a cancelled run reports only once nothing of it still renders.
      if (signal.aborted) await Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, SETTLE_MS))]);
    }
    return { outputs: key && cache ? cache.save(key, node.type, produced) : produced, reused: false };
  };

  const execute = async (node: PlanNode, failed?: NodeExecution['failure']): Promise<void> => {
    const log = (line: string) => {
      runs.appendLog(run.runId, node.nodeId, line);
      input.onLog?.(node.nodeId, line);
    };
    runs.startNode(run.runId, { nodeId: node.nodeId, nodeType: node.type, stepIndex: index.get(node.nodeId) ?? 0, onError: node.onError, settings: node.settings });
    input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: 'running' });
    const started = Date.now();
    const inputs = gather(node, outputs);
    // A node run on failure answers to the run's own signal: the stop signal has fired by then.
    const signal = failed ? run.signal : stop.signal;
    try {
      const result = await produce(node, inputs, log, signal, failed);
      if (result.reused) reused.push(node.nodeId);
      outputs.set(node.nodeId, result.outputs);
      state.set(node.nodeId, 'done');
      runs.finishNode(run.runId, node.nodeId, { status: 'succeeded', reused: result.reused, outputs: result.outputs, durationMs: Date.now() - started });
      input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: result.reused ? 'reused' : 'succeeded' });
    } catch (error) {
      const message = signal.aborted && !failure ? 'cancelled' : (error as Error).message || String(error);
      log(`error: ${message}`);
      runs.finishNode(run.runId, node.nodeId, { status: signal.aborted && !(error instanceof NodeError && message !== 'cancelled') ? 'cancelled' : 'failed', error: message, durationMs: Date.now() - started });
      input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: message === 'cancelled' ? 'cancelled' : 'failed', error: message });
      if (failed) {
        state.set(node.nodeId, 'failed');
        return;
      }
      if (node.onError === 'continue' && !stop.signal.aborted) {
        const spec = input.registry.spec(node.type, node.version);
        outputs.set(node.nodeId, spec ? passThrough(spec, inputs) : {});
        state.set(node.nodeId, 'done');
        return;
      }
      state.set(node.nodeId, 'failed');
      if (!failure && message !== 'cancelled') failure = { node: node.nodeId, error: message };
      // Stop everything else now: a graph failure falls back to legacy at once.
      stop.abort();
      run.farm.cancelRun(run.runId);
    }
  };

  const parallel = Math.max(1, input.parallel ?? 8);
  const running = new Set<Promise<void>>();
  for (;;) {
    if (!stop.signal.aborted) {
      for (const node of order) {
        if (running.size >= parallel) break;
        if (state.get(node.nodeId) !== 'waiting') continue;
        const sources = Object.values(node.inputs).map((s) => state.get(s.nodeId));
        if (sources.some((s) => s === 'waiting' || s === 'running')) continue;
        if (node.disabled || sources.some((s) => s === 'failed' || s === 'skipped')) {
          skip(node, node.disabled ? 'skipped: the node is switched off' : 'skipped: an input failed');
          continue;
        }
        state.set(node.nodeId, 'running');
        const p = execute(node).finally(() => running.delete(p));
        running.add(p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  const found = failure as { node: string; error: string } | null;
  // The run failed: what runs on failure and has not run reports it (notify: render.failed), in order.
  if (found && !run.signal.aborted) {
    const message = { step: found.node, message: found.error };
    for (const node of order) {
      const st = state.get(node.nodeId);
      if (!node.traits.runsOnFailure || node.disabled || (st !== 'waiting' && st !== 'skipped')) continue;
      await execute(node, message);
    }
  }
  run.signal.removeEventListener('abort', onAbort);
  for (const node of order) if (state.get(node.nodeId) === 'waiting') skip(node, found ? `skipped: ${found.node} failed` : 'skipped: the run stopped');
  if (run.signal.aborted) return { status: 'cancelled', failedNode: found?.node ?? null, error: 'cancelled', outputs, reused };
  if (found) return { status: 'failed', failedNode: found.node, error: found.error, outputs, reused };
  return { status: 'succeeded', failedNode: null, error: null, outputs, reused };
}
