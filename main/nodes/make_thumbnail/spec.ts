import { z } from 'zod';
import { obj, CAD_FILE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';

/** Make thumbnail: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'make_thumbnail',
  version: 1,
  title: 'Make thumbnail',
  description: 'A small preview image of the ingested mesh for the CAD library.',
  category: 'cad',
  families: CAD_FILE,
  inputs: [input('mesh', 'Mesh asset', ['mesh_asset'])],
  outputs: [output('image', 'Thumbnail', 'image')],
  settings: obj({ size_px: z.number().int().min(16).max(4096).default(256) }),
  isOutput: true,
  legacyService: 'make_thumbnail',
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
