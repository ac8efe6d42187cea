import type { Draft } from '../../../shared/runs/api';
import type { ExecutionMode } from '../../../shared/workflow/document';
import type { CadSourceArtifact, MeshArtifact, OrderLineArtifact } from '../executors/artifacts';
import { NodeError, type RunContext, type RunRole } from '../executors/context';
import { abortableFarm } from '../farm/abortable-farm';
import { blenderVersionOf } from '../farm/blender-version';
import type { RenderFarm } from '../farm/types';
import type { FileNameValues } from '../render/filename';
import type { Tools } from '../tools/resolve-tools';

/** Per Blender job, unless the caller says otherwise. */
export const DEFAULT_JOB_TIMEOUT_MS = 30 * 60_000;

export interface RunContextInput {
  runId: string;
  mode: ExecutionMode;
  role: RunRole;
  farm: RenderFarm;
  tools: Tools;
  signal: AbortSignal;
  names: FileNameValues;
  draft?: Draft;
  timeoutMs?: number;
  orderLine?: OrderLineArtifact;
  cadSource?: CadSourceArtifact;
  parameters?: Record<string, unknown>;
  /** What publish and notify do: commit with the run, write to the shadow area, copy to `--out`, or refuse. */
  effects: Pick<RunContext, 'publish' | 'notify'>;
  recordRender?: RunContext['recordRender'];
  resolveCad?: (line: OrderLineArtifact) => MeshArtifact;
}

/**
 * The one place a run's context is made, for every kind of run (dispatch in each mode, editor
 * runs, CAD imports, `lightbox render`): the farm as this run sees it (its jobs cancelled with
 * the run), the Blender version asked once per farm, and refusals that name what is missing.
 */
export function createRunContext(input: RunContextInput): RunContext {
  return {
    runId: input.runId,
    mode: input.mode,
    role: input.role,
    farm: abortableFarm(input.farm, input.signal, input.runId),
    tools: input.tools,
    names: input.names,
    draft: input.draft ?? {},
    timeoutMs: input.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
    signal: input.signal,
    // The runtime sets this per node (no output_save downstream, or the pipeline rule).
    selfPublish: true,
    ...(input.orderLine ? { orderLine: input.orderLine } : {}),
    ...(input.cadSource ? { cadSource: input.cadSource } : {}),
    ...(input.parameters ? { parameters: input.parameters } : {}),
    resolveCad:
      input.resolveCad ??
      (() => {
        throw new NodeError('this run has no order line to resolve a CAD file from');
      }),
    publish: input.effects.publish,
    notify: input.effects.notify,
    recordRender: input.recordRender ?? (() => {}),
    blenderVersion: blenderVersionOf(input.farm),
  };
}
