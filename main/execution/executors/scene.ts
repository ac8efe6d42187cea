import { applyMaterials as materialsOf, prepareScene as sceneOf, SceneSettingsError, type ApplyMaterialsSettings, type PrepareSceneSettings } from '../render/scene';
import { inputOf, NodeError, type Executor } from './context';

/** prepare_scene: camera framing, lighting rig and background, as a description for the render jobs. */
export const prepareSceneNode: Executor = async (execution) => {
  const mesh = inputOf(execution, 'mesh', 'mesh_asset');
  return { scene: { type: 'scene', mesh, scene: sceneOf(execution.settings as unknown as PrepareSceneSettings) } };
};

/** apply_materials: library materials by part-name glob (first match wins), the default for the rest. */
export const applyMaterialsNode: Executor = async (execution) => {
  const input = inputOf(execution, 'scene', 'scene');
  try {
    return { scene: { type: 'scene', mesh: input.mesh, scene: materialsOf(input.scene, execution.settings as unknown as ApplyMaterialsSettings) } };
  } catch (error) {
    if (error instanceof SceneSettingsError) throw new NodeError(error.message);
    throw error;
  }
};
