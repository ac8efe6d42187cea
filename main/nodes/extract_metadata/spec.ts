import { obj, CAD_FILE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';

/** Extract metadata: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'extract_metadata',
  version: 1,
  title: 'Extract metadata',
  description: 'Parts, bounding box in mm, triangle count and source units of the ingested mesh.',
  category: 'cad',
  families: CAD_FILE,
  inputs: [input('mesh', 'Mesh asset', ['mesh_asset'])],
  outputs: [output('metadata', 'Metadata', 'metadata')],
  settings: obj({}),
  isOutput: true,
  legacyService: 'extract_metadata',
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
