import { extractMetadata, ingestCadNode, makeThumbnail, resolveCad } from './cad';
import type { Executor } from './context';
import { notifyNode, outputSave } from './deliver';
import { inputCadFile, inputOrderLine, inputParameters } from './inputs';
import { encodeVideoNode, postprocessNode } from './post';
import { exportBlendNode, renderStillNode, renderTurntableNode } from './render';
import { applyMaterialsNode, prepareSceneNode } from './scene';

export * from './artifacts';
export * from './context';

/** The executor of every node type. Legacy dispatch and graph runs both call exactly these. */
export const EXECUTORS: Readonly<Record<string, Executor>> = {
  input_order_line: inputOrderLine,
  input_cad_file: inputCadFile,
  input_parameters: inputParameters,
  ingest_cad: ingestCadNode,
  extract_metadata: extractMetadata,
  make_thumbnail: makeThumbnail,
  resolve_cad: resolveCad,
  prepare_scene: prepareSceneNode,
  apply_materials: applyMaterialsNode,
  render_still: renderStillNode,
  render_turntable: renderTurntableNode,
  export_blend: exportBlendNode,
  encode_video: encodeVideoNode,
  postprocess: postprocessNode,
  output_save: outputSave,
  notify: notifyNode,
};
