import type { z } from 'zod';
import { renderStill, type ImageRenderSettings } from '../../execution/render/still';
import type { NodeOutputs } from '../../execution/executors/artifacts';
import { type Executor } from '../../execution/executors/context';
import { drafted, logged, onProgress, sceneInput, selfPublish } from '../../execution/executors/render-support';
import { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

export const execute: Executor<Settings> = async (execution) => {
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
  return { ...outputs, ...(await selfPublish(execution, spec.traits.outputKind, { main: { file: image.file, sha256: image.sha256, format: image.format, width: image.width, height: image.height }, attachments: [] })) };
};
