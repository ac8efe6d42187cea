import { z } from 'zod';
import { obj, nested, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { PublishSettings, RendererSettings, ResolutionSettings } from '../../../shared/nodes/settings-parts';

/** Export .blend: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'export_blend',
  version: 1,
  title: 'Export .blend',
  description: 'Saves the prepared scene as a .blend file, resources packed and compressed as set.',
  category: 'render',
  families: ORDER_LINE,
  inputs: [input('scene', 'Scene', ['scene'])],
  outputs: [output('blend', '.blend file', 'blend_file'), output('asset', 'Self-published asset', 'media_asset')],
  settings: obj({
    renderer: nested(RendererSettings),
    resolution: nested(ResolutionSettings),
    pack_resources: z.boolean().default(true),
    compress: z.boolean().default(true),
    publish: nested(PublishSettings),
  }),
  isOutput: true,
  legacyService: 'export_blend',
  upgrades: [],
  traits: nodeTraits({ cacheable: true, renders: true, keyedByRun: true, publishes: true, outputKind: 'scene_blend' }),
} satisfies NodeSpec;
