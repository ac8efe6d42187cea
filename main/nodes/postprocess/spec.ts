import { z } from 'zod';
import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';

/** Post-process: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'postprocess',
  version: 1,
  title: 'Post-process',
  description: 'Trims the empty border, pads it back and makes a thumbnail.',
  category: 'post',
  families: ORDER_LINE,
  inputs: [input('image', 'Image', ['image'])],
  outputs: [output('image', 'Image', 'image'), output('thumbnail', 'Thumbnail', 'image')],
  settings: obj({
    thumbnail_px: z.number().int().min(0).max(4096).default(0),
    trim: z.boolean().default(false),
    pad_px: z.number().int().min(0).max(4096).default(0),
  }),
  isOutput: false,
  legacyService: 'postprocess',
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
