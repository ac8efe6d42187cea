import { extractMetadata, ingestCadNode, makeThumbnail, resolveCad } from './cad';
import type { NodeRegistry, NodeRuntime } from '../../catalog/nodes/registry';
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

/** How every node type runs, for the registry: each has an executor (none is faked). */
export const NODE_RUNTIMES: Readonly<Record<string, NodeRuntime<Executor>>> = Object.fromEntries(Object.entries(EXECUTORS).map(([type, executor]) => [type, { executor }]));

/** The registry as the execution layer uses it: its runtimes are executors. */
export type ExecutableRegistry = NodeRegistry<Executor>;
