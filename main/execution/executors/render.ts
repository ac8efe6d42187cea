import crypto from 'node:crypto';
import path from 'node:path';
import type { z } from 'zod';
import type { PublishSettings } from '../../../shared/nodes/settings-parts';
import { TaskFailedError } from '../farm/task-queue';
import { exportBlend, type ExportBlendSettings } from '../render/blend';
import { sha256File } from '../../platform/files/sha256-file';
import { capResolution } from './draft';
import type { JobScene } from '../render/scene';
import { renderStill, type ImageRenderSettings } from '../render/still';
import { renderTurntable, type TurntableRenderSettings } from '../render/turntable';
import { BlenderJobError } from '../../../workers/blender/warm-blender';
import type { MediaAssetArtifact, NodeOutputs } from './artifacts';
import { inputOf, type Executor, type NodeExecution, type PublishRequest, type RenderLogEntry } from './context';

type Publish = z.output<typeof PublishSettings>;
const DEFAULT_KIND = { render_still: 'render_still', render_turntable: 'render_turntable', export_blend: 'scene_blend' } as const;

/** A draft (smaller, fewer samples) is applied here, the same way whatever the mode. */
function drafted<T extends Pick<ImageRenderSettings, 'renderer' | 'resolution'>>(execution: NodeExecution, settings: T): T {
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
async function logged<R>(
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

async function selfPublish(execution: NodeExecution, type: keyof typeof DEFAULT_KIND, request: Omit<PublishRequest, 'nodeId' | 'kind' | 'folder'>): Promise<NodeOutputs> {
  if (!execution.run.selfPublish) return {};
  const publish = execution.settings.publish as Publish;
  const asset: MediaAssetArtifact = await execution.run.publish({ nodeId: execution.nodeId, kind: publish.kind ?? DEFAULT_KIND[type], folder: publish.folder, ...request });
  execution.log(`published ${asset.file}`);
  return { asset };
}

function sceneInput(execution: NodeExecution) {
  const input = inputOf(execution, 'scene', 'scene');
  return { glb: input.mesh.glb, scene: input.scene as JobScene, cad: input.mesh.name };
}

/** One hash for a frame sequence: sha256 over the frames' sha256s, one per line, in frame order. */
export const sequenceHash = (hashes: string[]): string => crypto.createHash('sha256').update(hashes.join('\n')).digest('hex');

const onProgress = (execution: NodeExecution) => (p: { done: number; total: number }) => execution.progress(p.done, p.total);

export const renderStillNode: Executor = async (execution) => {
  const { glb, scene, cad } = sceneInput(execution);
  const settings = drafted(execution, execution.settings as unknown as ImageRenderSettings);
  const { run } = execution;
  const image = await logged(
    execution,
    { engine: settings.renderer.engine, samples: settings.renderer.samples, width: null, height: null, frameStart: 1, frameEnd: 1 },
    () => renderStill({ farm: run.farm, glb, scene, settings, outDir: execution.workDir, names: { ...run.names, cad }, runId: run.runId, timeoutMs: run.timeoutMs, onProgress: onProgress(execution), onLog: execution.log }),
    (r) => ({ outputPath: r.file, outputSha256: r.sha256, width: r.width, height: r.height }),
  );
  const outputs: NodeOutputs = { image: { type: 'image', file: image.file, sha256: image.sha256, format: image.format, width: image.width, height: image.height, quality: settings.output.quality } };
  return { ...outputs, ...(await selfPublish(execution, 'render_still', { main: { file: image.file, sha256: image.sha256, format: image.format, width: image.width, height: image.height }, attachments: [] })) };
};

export const renderTurntableNode: Executor = async (execution) => {
  const { glb, scene, cad } = sceneInput(execution);
  const settings = drafted(execution, execution.settings as unknown as TurntableRenderSettings);
  const { run } = execution;
  const frames = settings.turntable.frames;
  const { rendered, facts } = await logged(
    execution,
    { engine: settings.renderer.engine, samples: settings.renderer.samples, width: null, height: null, frameStart: 1, frameEnd: frames },
    async () => {
      const r = await renderTurntable({ farm: run.farm, glb, scene, settings, outDir: execution.workDir, names: { ...run.names, cad }, runId: run.runId, timeoutMs: run.timeoutMs, onProgress: onProgress(execution), onLog: execution.log });
      return { rendered: r, facts: await Promise.all(r.frames.map(async (file) => ({ file, sha256: await sha256File(file) }))) };
    },
    // A sequence has no one file: its folder, and the hash of its frames' hashes in order.
    (r) => ({ outputPath: path.dirname(r.rendered.frames[0] ?? execution.workDir), outputSha256: sequenceHash(r.facts.map((f) => f.sha256)), width: r.rendered.width, height: r.rendered.height }),
  );
  const outputs: NodeOutputs = { frames: { type: 'image_sequence', frames: facts, format: rendered.format, width: rendered.width, height: rendered.height, fps: settings.turntable.fps, nameTemplate: settings.output.filename } };
  const [first, ...rest] = facts;
  if (!first) return outputs;
  // Without an output_save the sequence itself is the deliverable: its first frame, the rest attached.
  return { ...outputs, ...(await selfPublish(execution, 'render_turntable', { main: { ...first, format: rendered.format, width: rendered.width, height: rendered.height, frames }, attachments: rest.map((f) => ({ ...f, role: 'frame' as const })) })) };
};

export const exportBlendNode: Executor = async (execution) => {
  const { glb, scene, cad } = sceneInput(execution);
  const settings = drafted(execution, execution.settings as unknown as ExportBlendSettings);
  const { run } = execution;
  const blend = await logged(
    execution,
    { engine: settings.renderer.engine, samples: settings.renderer.samples, width: null, height: null, frameStart: null, frameEnd: null },
    () => exportBlend({ farm: run.farm, glb, scene, settings, outDir: execution.workDir, names: { ...run.names, cad }, runId: run.runId, timeoutMs: run.timeoutMs, onLog: execution.log }),
    (r) => ({ outputPath: r.file, outputSha256: r.sha256, width: r.width, height: r.height }),
  );
  const outputs: NodeOutputs = { blend: { type: 'blend_file', file: blend.file, sha256: blend.sha256, width: blend.width, height: blend.height, objects: blend.structure.objects } };
  return { ...outputs, ...(await selfPublish(execution, 'export_blend', { main: { file: blend.file, sha256: blend.sha256, format: 'blend', width: blend.width, height: blend.height }, attachments: [] })) };
};
