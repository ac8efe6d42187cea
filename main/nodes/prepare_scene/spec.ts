import { obj, nested, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { BackgroundSettings, CameraSettings, LightingSetting } from '../../../shared/nodes/settings-parts';

/** Prepare scene: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'prepare_scene',
  version: 1,
  title: 'Prepare scene',
  description: 'Imports the mesh, frames the camera on its bounding box, sets the lighting rig and the background.',
  category: 'scene',
  families: ORDER_LINE,
  inputs: [input('mesh', 'Mesh asset', ['mesh_asset'])],
  outputs: [output('scene', 'Scene', 'scene')],
  settings: obj({ camera: nested(CameraSettings), lighting: LightingSetting, background: nested(BackgroundSettings) }),
  isOutput: false,
  legacyService: 'prepare_scene',
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
