import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';

/** Resolve CAD: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'resolve_cad',
  version: 1,
  title: 'Resolve CAD',
  description: "Finds the order line's CAD file and its ingested mesh.",
  category: 'cad',
  families: ORDER_LINE,
  inputs: [input('line', 'Order line', ['order_line'])],
  outputs: [output('mesh', 'Mesh asset', 'mesh_asset')],
  settings: obj({}),
  isOutput: false,
  legacyService: 'resolve_cad',
  upgrades: [],
  traits: nodeTraits({ planEvaluated: true }),
} satisfies NodeSpec;
