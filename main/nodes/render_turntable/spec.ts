import { obj, nested, ORDER_LINE, renderSettings, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { TurntableSettings } from '../../../shared/nodes/settings-parts';

/** Render turntable: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'render_turntable',
  version: 1,
  title: 'Render turntable',
  description: 'Renders a revolution of the scene as a frame sequence, chunked across the render farm.',
  category: 'render',
  families: ORDER_LINE,
  inputs: [input('scene', 'Scene', ['scene'])],
  outputs: [output('frames', 'Frames', 'image_sequence'), output('asset', 'Self-published asset', 'media_asset')],
  settings: obj({ ...renderSettings, turntable: nested(TurntableSettings) }),
  isOutput: true,
  legacyService: 'render_turntable',
  upgrades: [],
  traits: nodeTraits({ cacheable: true, renders: true, keyedByRun: true, publishes: true, outputKind: 'render_turntable' }),
} satisfies NodeSpec;
