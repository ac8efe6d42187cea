import path from 'node:path';
import type { OrderLineOverrides } from '../../../shared/orders/api';
import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';
import { downstreamOf, topologicalOrder } from '../../../shared/workflow/graph';
import type { Artifact, NodeOutputs } from '../executors/artifacts';
import { NodeError, type RenderLogEntry, type RunContext } from '../executors/context';
import { sequenceHash } from '../executors/render';
import { EXECUTORS } from '../executors';
import type { NodeRegistry } from '../../catalog/nodes/registry';
import { passThrough } from '../dispatch/run-chain';
import type { RunStore } from '../../production/runs/run-store';
import { InjectedFault, killingFarm, type Fault } from './faults';
import { artifactHash, cacheKey, CACHEABLE, type NodeCache } from './node-cache';
import { resolveNodeSettings } from './resolve-settings';

/** Cheap nodes with no effects: run during planning too, so the plan can follow cache keys past them. */
const PLAN_EVALUATED = new Set(['input_order_line', 'input_cad_file', 'input_parameters', 'resolve_cad']);
const RENDER_TYPES = new Set(['render_still', 'render_turntable', 'export_blend']);

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
  registry: NodeRegistry;
  parameterValues: Record<string, unknown>;
  overrides: OrderLineOverrides;
  run: RunContext;
  runs: RunStore;
  cache: NodeCache | null;
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

function renderCount(type: string, settings: Record<string, unknown> | null): number {
  if (!RENDER_TYPES.has(type)) return 0;
  if (type === 'render_turntable') return Number((settings?.turntable as { frames?: number } | undefined)?.frames ?? 1);
  return 1;
}

/** The static part of a plan: order, inputs, parsed settings, who self-publishes. */
function layout(input: Pick<GraphRunInput, 'document' | 'registry' | 'parameterValues' | 'overrides'>): PlanNode[] {
  const { document, registry } = input;
  const ids = document.nodes.map((n) => n.id);
  const order = topologicalOrder(ids, document.edges);
  if (!order) throw new NodeError(`workflow ${document.id} has a cycle`);
  const byId = new Map(document.nodes.map((n) => [n.id, n]));
  const saves = new Set(document.nodes.filter((n) => n.type === 'output_save' && !n.disabled).map((n) => n.id));
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
    return {
      nodeId: id,
      type: node.type,
      version: node.typeVersion,
      settings,
      problem,
      inputs,
      disabled: node.disabled === true,
      onError: node.onError ?? 'fail',
      cacheable: CACHEABLE.has(node.type),
      willReuse: null,
      selfPublish: ![...downstream].some((d) => saves.has(d)),
      renders: renderCount(node.type, settings),
    };
  });
}

function keyOf(node: PlanNode, inputs: Partial<Record<string, Artifact>>, run: RunContext): string {
  const hashes: Record<string, string> = {};
  for (const [port, artifact] of Object.entries(inputs)) if (artifact) hashes[port] = artifactHash(artifact);
  // Renders also depend on the draft and on the file names they write (published by that name).
  const extra = RENDER_TYPES.has(node.type) || node.type === 'encode_video' ? { draft: run.draft, names: run.names } : undefined;
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
    if (PLAN_EVALUATED.has(node.type) && complete) {
      try {
        const executor = EXECUTORS[node.type];
        if (executor) known.set(node.nodeId, await executor({ run: nodeContext(input.run, node), nodeId: node.nodeId, settings: node.settings, inputs, workDir: '', log: () => {}, progress: () => {} }));
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
 * failure stops the run at once (running nodes are cancelled) and the result says which node.
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

  const execute = async (node: PlanNode, index: number): Promise<void> => {
    const log = (line: string) => {
      runs.appendLog(run.runId, node.nodeId, line);
      input.onLog?.(node.nodeId, line);
    };
    runs.startNode(run.runId, { nodeId: node.nodeId, nodeType: node.type, stepIndex: index, onError: node.onError, settings: node.settings });
    input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: 'running' });
    const started = Date.now();
    const inputs = gather(node, outputs);
    try {
      if (node.problem || !node.settings) throw new NodeError(node.problem ?? 'no settings');
      const fault = input.faults?.find((f) => f.node === node.nodeId && (!f.mode || f.mode === run.mode));
      if (fault?.fault === 'fail') throw new InjectedFault(`injected fault: ${node.nodeId} fails (test only)`);
      const key = node.cacheable && cache ? keyOf(node, inputs, run) : null;
      const hit = key && cache && !forced.has(node.nodeId) ? cache.lookup(key) : null;
      let produced: NodeOutputs;
      if (hit) {
        produced = hit;
        reused.push(node.nodeId);
        log('reused the stored output (cache key matched)');
        // A reused render is still this run's render: its log says so, with the stored output's facts.
        if (RENDER_TYPES.has(node.type)) run.recordRender(await reusedRenderLog(node, hit, run));
      } else {
        const executor = EXECUTORS[node.type];
        if (!executor) throw new NodeError(`node type ${node.type} has no executor`);
        const nodeRun = nodeContext(context, node);
        if (fault?.fault === 'kill') nodeRun.farm = killingFarm(nodeRun.farm);
        const work =
          fault?.fault === 'hang'
            ? new Promise<NodeOutputs>(() => log('injected fault: hanging (test only)'))
            : executor({ run: nodeRun, nodeId: node.nodeId, settings: node.settings, inputs, workDir: path.join(input.workRoot, node.nodeId), log, progress: (d, t) => input.onProgress?.(node.nodeId, d, t) });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new NodeError(`${node.nodeId} exceeded its timeout of ${timeoutMs} ms`)), timeoutMs);
        });
        let onStop: (() => void) | undefined;
        const aborted = new Promise<never>((_, reject) => {
          onStop = () => reject(new NodeError('cancelled'));
          stop.signal.addEventListener('abort', onStop, { once: true });
        });
        try {
          produced = await Promise.race([work, timeout, aborted]);
        } finally {
          clearTimeout(timer);
          if (onStop) stop.signal.removeEventListener('abort', onStop);
        }
        if (key && cache) produced = cache.save(key, node.type, produced);
      }
      outputs.set(node.nodeId, produced);
      state.set(node.nodeId, 'done');
      runs.finishNode(run.runId, node.nodeId, { status: 'succeeded', reused: Boolean(hit), outputs: produced, durationMs: Date.now() - started });
      input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: hit ? 'reused' : 'succeeded' });
    } catch (error) {
      const message = stop.signal.aborted && !failure ? 'cancelled' : (error as Error).message || String(error);
      log(`error: ${message}`);
      runs.finishNode(run.runId, node.nodeId, { status: stop.signal.aborted && !(error instanceof NodeError && message !== 'cancelled') ? 'cancelled' : 'failed', error: message, durationMs: Date.now() - started });
      input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: message === 'cancelled' ? 'cancelled' : 'failed', error: message });
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
  const index = new Map(order.map((n, i) => [n.nodeId, i]));
  for (;;) {
    if (!stop.signal.aborted) {
      for (const node of order) {
        if (running.size >= parallel) break;
        if (state.get(node.nodeId) !== 'waiting') continue;
        const sources = Object.values(node.inputs).map((s) => state.get(s.nodeId));
        if (sources.some((s) => s === 'waiting' || s === 'running')) continue;
        if (node.disabled || sources.some((s) => s === 'failed' || s === 'skipped')) {
          state.set(node.nodeId, 'skipped');
          runs.startNode(run.runId, { nodeId: node.nodeId, nodeType: node.type, stepIndex: index.get(node.nodeId) ?? 0, onError: node.onError, settings: node.settings });
          runs.finishNode(run.runId, node.nodeId, { status: 'skipped', error: node.disabled ? 'skipped: the node is switched off' : 'skipped: an input failed', durationMs: null });
          input.onNode?.({ nodeId: node.nodeId, nodeType: node.type, status: 'skipped' });
          continue;
        }
        state.set(node.nodeId, 'running');
        const p = execute(node, index.get(node.nodeId) ?? 0).finally(() => running.delete(p));
        running.add(p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  run.signal.removeEventListener('abort', onAbort);
  for (const node of order) {
    if (state.get(node.nodeId) !== 'waiting') continue;
    runs.startNode(run.runId, { nodeId: node.nodeId, nodeType: node.type, stepIndex: index.get(node.nodeId) ?? 0, onError: node.onError, settings: node.settings });
    runs.finishNode(run.runId, node.nodeId, { status: 'skipped', error: 'skipped: the run stopped', durationMs: null });
  }
  const found = failure as { node: string; error: string } | null;
  if (run.signal.aborted) return { status: 'cancelled', failedNode: found?.node ?? null, error: 'cancelled', outputs, reused };
  if (found) return { status: 'failed', failedNode: found.node, error: found.error, outputs, reused };
  return { status: 'succeeded', failedNode: null, error: null, outputs, reused };
}
