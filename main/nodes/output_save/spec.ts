import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { PublishSettings } from '../../../shared/nodes/settings-parts';

/** Save output: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'output_save',
  version: 1,
  title: 'Save output',
  description: 'Publishes the deliverable as a media asset in the library, once. In shadow runs it writes to the shadow area instead.',
  category: 'output',
  families: ORDER_LINE,
  inputs: [input('artifact', 'Deliverable', ['image', 'video', 'blend_file', 'image_sequence'])],
  outputs: [output('asset', 'Media asset', 'media_asset')],
  settings: obj(PublishSettings.shape),
  isOutput: true,
  legacyService: 'save_output',
  upgrades: [],
  traits: nodeTraits({ publishes: true }),
} satisfies NodeSpec;
