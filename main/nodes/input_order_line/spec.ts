import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { output } from '../../../shared/nodes/ports';

/** Order line: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'input_order_line',
  version: 1,
  title: 'Order line',
  description: 'The order line being rendered: its CAD file, output type and overrides (background, material variant, camera angle).',
  category: 'input',
  families: ORDER_LINE,
  inputs: [],
  outputs: [output('line', 'Order line', 'order_line')],
  settings: obj({}),
  isOutput: false,
  upgrades: [],
  traits: nodeTraits({ planEvaluated: true }),
} satisfies NodeSpec;
