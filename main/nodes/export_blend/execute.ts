import type { z } from 'zod';
import { exportBlend, type ExportBlendSettings } from '../../execution/render/blend';
import type { NodeOutputs } from '../../execution/executors/artifacts';
import { type Executor } from '../../execution/executors/context';
import { drafted, logged, sceneInput, selfPublish } from '../../execution/executors/render-support';
import { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

export const execute: Executor<Settings> = async (execution) => {
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
  return { ...outputs, ...(await selfPublish(execution, spec.traits.outputKind, { main: { file: blend.file, sha256: blend.sha256, format: 'blend', width: blend.width, height: blend.height }, attachments: [] })) };
};
