import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { output } from '../../../shared/nodes/ports';

/** Profile parameters: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'input_parameters',
  version: 1,
  title: 'Profile parameters',
  description: "The invocation profile's values for this workflow's parameters, as one map.",
  category: 'input',
  families: ORDER_LINE,
  inputs: [],
  outputs: [output('values', 'Parameter values', 'parameters')],
  settings: obj({}),
  isOutput: false,
  upgrades: [],
  traits: nodeTraits({ planEvaluated: true }),
} satisfies NodeSpec;
