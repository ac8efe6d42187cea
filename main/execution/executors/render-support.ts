import crypto from 'node:crypto';
import type { z } from 'zod';
import type { PublishSettings } from '../../../shared/nodes/settings-parts';
import { TaskFailedError } from '../farm/task-queue';
import { capResolution } from './draft';
import type { JobScene } from '../render/scene';
import { type ImageRenderSettings } from '../render/still';
import { BlenderJobError } from '../../../workers/blender/warm-blender';
import type { MediaAssetArtifact, NodeOutputs } from './artifacts';
import { inputOf, type NodeExecution, type PublishRequest, type RenderLogEntry } from './context';

type Publish = z.output<typeof PublishSettings>;

/**
 * What the render nodes (render_still, render_turntable, export_blend) share: the draft rule,
 * the render log written whether the render succeeds or not, and self-publishing.
 */

/** A draft (smaller, fewer samples) is applied here, the same way whatever the mode. */
export function drafted<T extends Pick<ImageRenderSettings, 'renderer' | 'resolution'>>(execution: NodeExecution, settings: T): T {
  const { draft } = execution.run;
  return {
    ...settings,
    renderer: { ...settings.renderer, samples: draft.samples ?? settings.renderer.samples },
    resolution: capResolution(settings.resolution, draft.maxSize),
  };
}

/** The process exit code behind a failure: the job's own failure is 1, as the cold runner exits. */
function exitCodeOf(error: unknown): number | null {
  if (error instanceof BlenderJobError) return error.exitCode ?? null;
  // The process died (crash, timeout, cancel) on every attempt: no exit code of a finished job.
  if (error instanceof TaskFailedError) return null;
  return 1;
}

/**
 * Runs one render and writes its render log whether it succeeds or not. `facts` gives the log
 * fields of a finished render.
 */
export async function logged<R>(
  execution: NodeExecution,
  base: Omit<RenderLogEntry, 'nodeId' | 'blenderVersion' | 'outputPath' | 'outputSha256' | 'durationMs' | 'status' | 'exitCode' | 'error'>,
  render: () => Promise<R>,
  facts: (result: R) => { outputPath: string; outputSha256: string; width: number; height: number },
): Promise<R> {
  const started = Date.now();
  const version = await execution.run.blenderVersion().catch(() => null);
  try {
    const result = await render();
    execution.run.recordRender({ ...base, nodeId: execution.nodeId, blenderVersion: version, ...facts(result), durationMs: Date.now() - started, status: 'succeeded', exitCode: 0, error: null });
    return result;
  } catch (error) {
    const message = (error as Error).message;
    execution.run.recordRender({
      ...base,
      nodeId: execution.nodeId,
      blenderVersion: version,
      outputPath: null,
      outputSha256: null,
      durationMs: Date.now() - started,
      status: 'failed',
      exitCode: exitCodeOf(error),
      error: message,
    });
    throw error;
  }
}

/** Publishes what a render made when no output_save is downstream; `kind` is the node's outputKind trait unless its settings name one. */
export async function selfPublish(execution: NodeExecution, kind: string | undefined, request: Omit<PublishRequest, 'nodeId' | 'kind' | 'folder'>): Promise<NodeOutputs> {
  if (!execution.run.selfPublish) return {};
  const publish = execution.settings.publish as Publish;
  const asset: MediaAssetArtifact = await execution.run.publish({ nodeId: execution.nodeId, kind: publish.kind ?? kind ?? 'render', folder: publish.folder, ...request });
  execution.log(`published ${asset.file}`);
  return { asset };
}

export function sceneInput(execution: NodeExecution) {
  const input = inputOf(execution, 'scene', 'scene');
  return { glb: input.mesh.glb, scene: input.scene as JobScene, cad: input.mesh.name };
}

/** One hash for a frame sequence: sha256 over the frames' sha256s, one per line, in frame order. */
export const sequenceHash = (hashes: string[]): string => crypto.createHash('sha256').update(hashes.join('\n')).digest('hex');

export const onProgress = (execution: NodeExecution) => (p: { done: number; total: number }) => execution.progress(p.done, p.total);



