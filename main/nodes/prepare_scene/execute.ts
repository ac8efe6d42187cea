import type { z } from 'zod';
import { prepareScene as sceneOf, type PrepareSceneSettings } from '../../execution/render/scene';
import { inputOf, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** prepare_scene: camera framing, lighting rig and background, as a description for the render jobs. */
export const execute: Executor<Settings> = async (execution) => {
  const mesh = inputOf(execution, 'mesh', 'mesh_asset');
  return { scene: { type: 'scene', mesh, scene: sceneOf(execution.settings as unknown as PrepareSceneSettings) } };
};
