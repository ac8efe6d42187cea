import type { NodeSpec } from '../../shared/nodes/node-spec';
import { spec as inputOrderLine } from './input_order_line/spec';
import { spec as inputCadFile } from './input_cad_file/spec';
import { spec as inputParameters } from './input_parameters/spec';
import { spec as ingestCad } from './ingest_cad/spec';
import { spec as extractMetadata } from './extract_metadata/spec';
import { spec as makeThumbnail } from './make_thumbnail/spec';
import { spec as resolveCad } from './resolve_cad/spec';
import { spec as prepareScene } from './prepare_scene/spec';
import { spec as applyMaterials } from './apply_materials/spec';
import { spec as renderStill } from './render_still/spec';
import { spec as renderTurntable } from './render_turntable/spec';
import { spec as exportBlend } from './export_blend/spec';
import { spec as encodeVideo } from './encode_video/spec';
import { spec as postprocess } from './postprocess/spec';
import { spec as outputSave } from './output_save/spec';
import { spec as notify } from './notify/spec';

/**
 * Every node type, one line each: its folder (`main/nodes/<type>/`) holds its spec (`spec.ts`)
 * and its executor (`execute.ts`, found by the folder's name). Pure, like the specs: the editor
 * validates as the user types with these same specs (renderer → this file is the one import of
 * main/ lint allows the renderer).
 */
export const NODE_SPECS: readonly NodeSpec[] = [
  inputOrderLine,
  inputCadFile,
  inputParameters,
  ingestCad,
  extractMetadata,
  makeThumbnail,
  resolveCad,
  prepareScene,
  applyMaterials,
  renderStill,
  renderTurntable,
  exportBlend,
  encodeVideo,
  postprocess,
  outputSave,
  notify,
];

export const LEGACY_SERVICE_TO_NODE: Record<string, string> = Object.fromEntries(
  NODE_SPECS.filter((s) => s.legacyService).map((s) => [s.legacyService as string, s.type]),
);

export function findSpec(type: string, version?: number): NodeSpec | undefined {
  return NODE_SPECS.find((s) => s.type === type && (version === undefined || s.version === version));
}
