import { z } from 'zod';
import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { MaterialKey } from '../../../shared/nodes/settings-parts';

/** Apply materials: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'apply_materials',
  version: 1,
  title: 'Apply materials',
  description: 'Assigns library materials by part-name glob (first match wins, in key order), the default to the rest.',
  category: 'scene',
  families: ORDER_LINE,
  inputs: [input('scene', 'Scene', ['scene'])],
  outputs: [output('scene', 'Scene', 'scene')],
  settings: obj({
    default: MaterialKey.default('neutral_grey'),
    by_part: z.record(z.string().min(1).max(200), MaterialKey).default({}),
  }),
  isOutput: false,
  legacyService: 'apply_materials',
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
