import type { PublishRequest } from '../../production/media/publish-request';
import type { RenderLogEntry, RunRole } from '../../production/runs/records';
import type { Draft } from '../../../shared/runs/api';
import type { ExecutionMode } from '../../../shared/workflow/document';
import type { CadTaskRunner } from '../cad/ingest';
import type { RenderFarm } from '../farm/types';
import type { FileNameValues } from '../render/filename';
import type { Artifact, CadSourceArtifact, MediaAssetArtifact, MeshArtifact, NodeOutputs, NotificationArtifact, OrderLineArtifact } from './artifacts';


export interface NotifyRequest {
  nodeId: string;
  event: 'render.succeeded' | 'render.failed';
  channels: ('desktop' | 'webhook')[];
  webhookUrl?: string;
  asset: MediaAssetArtifact | null;
  error?: { step: string; message: string };
}


/**
 * Everything a node's executor may use beyond its settings and inputs: one per run. The mode and
 * role decide what publish and notify do (the executors never branch on them themselves).
 */
export interface RunContext {
  runId: string;
  mode: ExecutionMode;
  role: RunRole;
  farm: RenderFarm;
  tools: { blenderPath: string; ffmpegPath?: string; ffprobePath?: string; cadRunner?: CadTaskRunner; cadMaxBytes?: number };
  /** The `{order}` `{line}` `{cad}` `{preset}` values for file names. */
  names: FileNameValues;
  draft: Draft;
  timeoutMs: number;
  signal: AbortSignal;
  /** No output_save downstream of the render nodes: they publish what they render themselves. */
  selfPublish: boolean;
  orderLine?: OrderLineArtifact;
  cadSource?: CadSourceArtifact;
  parameters?: Record<string, unknown>;
  /** The order line's ingested mesh; throws an error that names why there is none. */
  resolveCad(line: OrderLineArtifact): MeshArtifact;
  /** Puts the files in place and records the asset; the record is committed with the run. */
  publish(request: PublishRequest): Promise<MediaAssetArtifact>;
  notify(request: NotifyRequest): NotificationArtifact;
  recordRender(entry: RenderLogEntry): void;
  /** The version of the Blender the farm runs (asked once). */
  blenderVersion(): Promise<string | null>;
}

export interface NodeExecution<S = Record<string, unknown>> {
  run: RunContext;
  nodeId: string;
  /** Parsed with the node type's settings schema: defaults filled, values checked. */
  settings: S;
  inputs: Partial<Record<string, Artifact>>;
  /** This node's own folder for the files it makes. */
  workDir: string;
  log(line: string): void;
  progress(done: number, total: number): void;
  /** Set when a failed run calls its notify step: it then reports the failure (on_failure). */
  failure?: { step: string; message: string };
}

/**
 * A node type's work, typed by its own settings (`main/nodes/<type>/execute.ts`). Declared as a
 * method so a registry of executors of different settings types can hold them side by side.
 */
export type Executor<S = Record<string, unknown>> = { run(execution: NodeExecution<S>): Promise<NodeOutputs> }['run'];

/** A node failed for a reason the user can act on; `message` says what and why. */
export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeError';
  }
}

/** The input on `port`, of the given type, or a NodeError naming the port. */
export function inputOf<T extends Artifact['type']>(execution: Pick<NodeExecution<unknown>, 'inputs'>, port: string, type: T): Extract<Artifact, { type: T }> {
  const value = execution.inputs[port];
  if (!value) throw new NodeError(`input "${port}" has nothing: the step that feeds it did not produce a ${type}`);
  if (value.type !== type) throw new NodeError(`input "${port}" got a ${value.type}, expected a ${type}`);
  return value as Extract<Artifact, { type: T }>;
}

export type { PublishRequest, RenderLogEntry, RunRole };
