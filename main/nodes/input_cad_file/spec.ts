import { obj, CAD_FILE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { output } from '../../../shared/nodes/ports';

/** CAD file: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'input_cad_file',
  version: 1,
  title: 'CAD file',
  description: 'The CAD file this workflow runs on: STEP (one file, or a folder or .zip of a multi-file assembly), IGES, BREP, STL, OBJ, glTF, 3MF, Rhino 3DM, PLY, FBX, Collada.',
  category: 'input',
  families: CAD_FILE,
  inputs: [],
  outputs: [output('cad', 'CAD source', 'cad_source')],
  settings: obj({}),
  isOutput: false,
  upgrades: [],
  traits: nodeTraits({ planEvaluated: true }),
} satisfies NodeSpec;
