import type { z } from 'zod';
import path from 'node:path';
import { sha256File } from '../../platform/files/sha256-file';
import { renderTurntable, type TurntableRenderSettings } from '../../execution/render/turntable';
import type { NodeOutputs } from '../../execution/executors/artifacts';
import { type Executor } from '../../execution/executors/context';
import { drafted, logged, onProgress, sceneInput, selfPublish, sequenceHash } from '../../execution/executors/render-support';
import { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

export const execute: Executor<Settings> = async (execution) => {
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
  return { ...outputs, ...(await selfPublish(execution, spec.traits.outputKind, { main: { ...first, format: rendered.format, width: rendered.width, height: rendered.height, frames }, attachments: rest.map((f) => ({ ...f, role: 'frame' as const })) })) };
};
