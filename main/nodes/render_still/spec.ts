import { obj, ORDER_LINE, renderSettings, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';

/** Render still: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'render_still',
  version: 1,
  title: 'Render still',
  description: 'Renders one image of the scene. Publishes it itself only when no output_save is downstream.',
  category: 'render',
  families: ORDER_LINE,
  inputs: [input('scene', 'Scene', ['scene'])],
  outputs: [output('image', 'Image', 'image'), output('asset', 'Self-published asset', 'media_asset')],
  settings: obj(renderSettings),
  isOutput: true,
  legacyService: 'render_still',
  upgrades: [],
  traits: nodeTraits({ cacheable: true, renders: true, keyedByRun: true, publishes: true, outputKind: 'render_still' }),
} satisfies NodeSpec;
