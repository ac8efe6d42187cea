import { z } from 'zod';
import { obj, CAD_FILE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';

/** Ingest CAD: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'ingest_cad',
  version: 1,
  title: 'Ingest CAD',
  description: 'Tessellates the CAD file and normalizes it to a GLB keeping part names, assembly structure and colors.',
  category: 'cad',
  families: CAD_FILE,
  inputs: [input('cad', 'CAD source', ['cad_source'])],
  outputs: [output('mesh', 'Mesh asset', 'mesh_asset')],
  settings: obj({
    linear_deflection_mm: z.number().positive().max(100).default(0.1),
    angular_deflection_deg: z.number().positive().max(90).default(15),
  }),
  isOutput: false,
  legacyService: 'ingest_cad',
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
