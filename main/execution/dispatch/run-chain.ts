import path from 'node:path';
import { NODE_SPECS, type NodeSpec } from '../../../shared/nodes/specs';
import type { Artifact, NodeOutputs } from '../executors/artifacts';
import { NodeError, type RunContext } from '../executors/context';
import { EXECUTORS } from '../executors';
import type { RunStore } from '../../production/runs/run-store';

/** One step of a linear pipeline, settings still unparsed. */
export interface ChainStep {
  nodeId: string;
  nodeType: string;
  settings: Record<string, unknown>;
  onError: 'fail' | 'continue';
}

export interface ChainResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  /** `step3 (render_still)` of the step that failed the run. */
  failedStep: string | null;
  error: string | null;
  outputs: Map<string, NodeOutputs>;
}

export interface ChainHooks {
  onStep?: (step: { nodeId: string; nodeType: string; status: 'running' | 'succeeded' | 'failed' | 'skipped'; error?: string }) => void;
  onProgress?: (nodeId: string, done: number, total: number) => void;
  onLog?: (nodeId: string, line: string) => void;
}

const specOf = (type: string): NodeSpec => {
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!spec) throw new NodeError(`node type ${type} is not registered`);
  return spec;
};

/** Zod's first problems, as one line naming the settings path. */
function settingsProblem(spec: NodeSpec, settings: unknown): string | null {
  const parsed = spec.settings.safeParse(settings);
  if (parsed.success) return null;
  return parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(settings)'}: ${i.message}`)
    .join('; ');
}

/** A failed `continue` node's outputs: each output port gets the node's input of the same type, if any. */
export function passThrough(spec: NodeSpec, inputs: Partial<Record<string, Artifact>>): NodeOutputs {
  const out: NodeOutputs = {};
  for (const port of spec.outputs) {
    const match = Object.values(inputs).find((a) => a && port.types.includes(a.type));
    if (match) out[port.name] = match;
  }
  return out;
}

/**
 * Runs a legacy pipeline: the input node, then each step in order, each input fed by the
 * nearest earlier step with a fitting output (the wiring migration gives the same pipeline).
 * Every node is recorded as a node run with its settings, outputs, log and timing. A failing
 * step with on_error `continue` is recorded and passed over (its inputs flow on); otherwise the run stops, and the
 * notify steps still ahead run in failure mode (they send on_failure notifications).
 */
export async function runChain(input: { run: RunContext; inputNode: string; steps: ChainStep[]; runs: RunStore; workRoot: string; hooks?: ChainHooks }): Promise<ChainResult> {
  const { run, runs, hooks } = input;
  const placed: { nodeId: string; spec: NodeSpec }[] = [];
  const outputs = new Map<string, NodeOutputs>();
  const lastInputs = new Map<string, Partial<Record<string, Artifact>>>();
  const all: ChainStep[] = [{ nodeId: 'input', nodeType: input.inputNode, settings: {}, onError: 'fail' }, ...input.steps];

  const execute = async (step: ChainStep, index: number, failure?: { step: string; message: string }): Promise<{ ok: boolean; error?: string }> => {
    const spec = specOf(step.nodeType);
    const inputs: Partial<Record<string, Artifact>> = {};
    for (const port of spec.inputs) {
      const source = [...placed].reverse().find((p) => p.spec.outputs.some((o) => o.types.some((t) => port.types.includes(t))));
      if (!source) continue;
      const outPort = source.spec.outputs.find((o) => o.types.some((t) => port.types.includes(t)));
      const value = outPort ? outputs.get(source.nodeId)?.[outPort.name] : undefined;
      if (value) inputs[port.name] = value;
    }
    placed.push({ nodeId: step.nodeId, spec });
    lastInputs.set(step.nodeId, inputs);
    runs.startNode(run.runId, { nodeId: step.nodeId, nodeType: step.nodeType, stepIndex: index, onError: step.onError, settings: step.settings });
    hooks?.onStep?.({ nodeId: step.nodeId, nodeType: step.nodeType, status: 'running' });
    const started = Date.now();
    const log = (line: string) => {
      runs.appendLog(run.runId, step.nodeId, line);
      hooks?.onLog?.(step.nodeId, line);
    };
    try {
      if (run.signal.aborted) throw new NodeError('cancelled');
      const problem = settingsProblem(spec, step.settings);
      if (problem) throw new NodeError(`invalid settings: ${problem}`);
      const settings = spec.settings.parse(step.settings) as Record<string, unknown>;
      const executor = EXECUTORS[spec.type];
      if (!executor) throw new NodeError(`node type ${spec.type} has no executor`);
      const produced = await executor({
        run,
        nodeId: step.nodeId,
        settings,
        inputs,
        workDir: path.join(input.workRoot, step.nodeId),
        log,
        progress: (done, total) => hooks?.onProgress?.(step.nodeId, done, total),
        ...(failure ? { failure } : {}),
      });
      outputs.set(step.nodeId, produced);
      runs.finishNode(run.runId, step.nodeId, { status: 'succeeded', outputs: produced, durationMs: Date.now() - started });
      hooks?.onStep?.({ nodeId: step.nodeId, nodeType: step.nodeType, status: 'succeeded' });
      return { ok: true };
    } catch (error) {
      const message = run.signal.aborted ? 'cancelled' : (error as Error).message || String(error);
      log(`error: ${message}`);
      runs.finishNode(run.runId, step.nodeId, { status: run.signal.aborted ? 'cancelled' : 'failed', error: message, durationMs: Date.now() - started });
      hooks?.onStep?.({ nodeId: step.nodeId, nodeType: step.nodeType, status: 'failed', error: message });
      return { ok: false, error: message };
    }
  };

  for (const [index, step] of all.entries()) {
    const result = await execute(step, index);
    if (result.ok) continue;
    if (run.signal.aborted) return { status: 'cancelled', failedStep: `${step.nodeId}`, error: 'cancelled', outputs };
    if (step.onError === 'continue') {
      // Skipped as if absent: what it received of its own output types flows on unchanged.
      outputs.set(step.nodeId, passThrough(specOf(step.nodeType), lastInputs.get(step.nodeId) ?? {}));
      continue;
    }
    const failure = { step: step.nodeId, message: result.error ?? 'failed' };
    // The notify steps still ahead report the failure; every other step ahead is skipped.
    for (const [later, rest] of all.entries()) {
      if (later <= index) continue;
      if (rest.nodeType === 'notify') await execute(rest, later, failure);
      else {
        placed.push({ nodeId: rest.nodeId, spec: specOf(rest.nodeType) });
        runs.startNode(run.runId, { nodeId: rest.nodeId, nodeType: rest.nodeType, stepIndex: later, onError: rest.onError, settings: rest.settings });
        runs.finishNode(run.runId, rest.nodeId, { status: 'skipped', error: `skipped: ${step.nodeId} failed`, durationMs: null });
      }
    }
    return { status: 'failed', failedStep: step.nodeId, error: failure.message, outputs };
  }
  return { status: 'succeeded', failedStep: null, error: null, outputs };
}
