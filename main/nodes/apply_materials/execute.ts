import type { z } from 'zod';
import { applyMaterials as materialsOf, SceneSettingsError, type ApplyMaterialsSettings } from '../../execution/render/scene';
import { inputOf, NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** apply_materials: library materials by part-name glob (first match wins), the default for the rest. */
export const execute: Executor<Settings> = async (execution) => {
  const input = inputOf(execution, 'scene', 'scene');
  try {
    return { scene: { type: 'scene', mesh: input.mesh, scene: materialsOf(input.scene, execution.settings as unknown as ApplyMaterialsSettings) } };
  } catch (error) {
    if (error instanceof SceneSettingsError) throw new NodeError(error.message);
    throw error;
  }
};
