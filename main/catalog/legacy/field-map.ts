import { getPath, setPath } from '../../../shared/workflow/dotted-path';
/**
 * The one map between render-preset value fields (FORMAT.md) and the node settings they feed.
 * Migration builds workflow parameters from it, fills preset defaults from it and projection reads
 * values back through it, so adding a field here is the whole change.
 */
export type Artifact = 'still' | 'turntable' | 'blend';

export interface FieldTarget {
  nodeType: string;
  /** Dotted path inside the node's settings. */
  setting: string;
}

export interface PresetField {
  /** Dotted path in the preset; also the workflow parameter's name. */
  path: string;
  /** The parameter's title in plain words, as a studio would say it ("Samples", "Resolution width"); not projected back. */
  title: string;
  /** FORMAT.md default; a function when it depends on the artifact; absent when there is none. */
  default?: unknown;
  defaultByArtifact?: Record<Artifact, unknown>;
  targets: FieldTarget[];
}

const RENDER_NODES = ['render_still', 'render_turntable', 'export_blend'];
const IMAGE_RENDER_NODES = ['render_still', 'render_turntable'];

const to = (nodeTypes: string[], setting: string): FieldTarget[] => nodeTypes.map((nodeType) => ({ nodeType, setting }));

/** Fields in FORMAT.md order. Identity fields (key, name, artifact, pipeline, active, extra, timestamps) are not here. */
export const PRESET_FIELDS: readonly PresetField[] = [
  { path: 'renderer.engine', title: 'Render engine', default: 'cycles', targets: to(RENDER_NODES, 'renderer.engine') },
  { path: 'renderer.samples', title: 'Samples', default: 64, targets: to(RENDER_NODES, 'renderer.samples') },
  { path: 'renderer.seed', title: 'Noise seed', default: 0, targets: to(RENDER_NODES, 'renderer.seed') },
  { path: 'renderer.denoise', title: 'Denoise', default: false, targets: to(RENDER_NODES, 'renderer.denoise') },
  { path: 'renderer.threads', title: 'Render threads', default: 0, targets: to(RENDER_NODES, 'renderer.threads') },
  { path: 'resolution.width', title: 'Resolution width', targets: to(RENDER_NODES, 'resolution.width') },
  { path: 'resolution.height', title: 'Resolution height', targets: to(RENDER_NODES, 'resolution.height') },
  { path: 'resolution.percentage', title: 'Resolution scale (%)', default: 100, targets: to(RENDER_NODES, 'resolution.percentage') },
  { path: 'camera.angle', title: 'Camera angle', default: 'three_quarter', targets: to(['prepare_scene'], 'camera.angle') },
  { path: 'camera.azimuth_deg', title: 'Camera azimuth (°)', targets: to(['prepare_scene'], 'camera.azimuth_deg') },
  { path: 'camera.elevation_deg', title: 'Camera elevation (°)', targets: to(['prepare_scene'], 'camera.elevation_deg') },
  { path: 'camera.focal_length_mm', title: 'Focal length (mm)', default: 50, targets: to(['prepare_scene'], 'camera.focal_length_mm') },
  { path: 'camera.fit_margin', title: 'Framing margin', default: 0.1, targets: to(['prepare_scene'], 'camera.fit_margin') },
  { path: 'lighting', title: 'Lighting', default: 'studio_soft', targets: to(['prepare_scene'], 'lighting') },
  { path: 'background.mode', title: 'Background', default: 'color', targets: to(['prepare_scene'], 'background.mode') },
  { path: 'background.color', title: 'Background colour', default: '#ffffff', targets: to(['prepare_scene'], 'background.color') },
  { path: 'materials.default', title: 'Default material', default: 'neutral_grey', targets: to(['apply_materials'], 'default') },
  { path: 'materials.by_part', title: 'Materials by part', default: {}, targets: to(['apply_materials'], 'by_part') },
  { path: 'output.format', title: 'Image format', default: 'png', targets: to(IMAGE_RENDER_NODES, 'output.format') },
  { path: 'output.quality', title: 'Image quality', default: 90, targets: to(IMAGE_RENDER_NODES, 'output.quality') },
  { path: 'output.color_depth', title: 'Colour depth (bits)', default: 8, targets: to(IMAGE_RENDER_NODES, 'output.color_depth') },
  { path: 'output.filename', title: 'File name', default: '{order}_{line}_{preset}', targets: to(IMAGE_RENDER_NODES, 'output.filename') },
  { path: 'turntable.frames', title: 'Turntable frames', targets: to(['render_turntable'], 'turntable.frames') },
  { path: 'turntable.fps', title: 'Frames per second', default: 24, targets: [...to(['render_turntable'], 'turntable.fps'), ...to(['encode_video'], 'fps')] },
  { path: 'turntable.degrees', title: 'Turntable rotation (°)', default: 360, targets: to(['render_turntable'], 'turntable.degrees') },
  { path: 'turntable.codec', title: 'Video codec', default: 'h264', targets: to(['encode_video'], 'codec') },
  { path: 'turntable.crf', title: 'Video quality (CRF)', default: 23, targets: to(['encode_video'], 'crf') },
  {
    path: 'turntable.keep_frames', title: 'Keep turntable frames',
    default: false,
    targets: [...to(['output_save'], 'keep_frames'), ...to(['render_turntable'], 'publish.keep_frames')],
  },
  { path: 'blend.pack_resources', title: 'Pack resources into the .blend', default: true, targets: to(['export_blend'], 'pack_resources') },
  { path: 'blend.compress', title: 'Compress the .blend', default: true, targets: to(['export_blend'], 'compress') },
  { path: 'post.thumbnail_px', title: 'Thumbnail size (px)', default: 0, targets: to(['postprocess'], 'thumbnail_px') },
  { path: 'post.trim', title: 'Trim empty borders', default: false, targets: to(['postprocess'], 'trim') },
  { path: 'post.pad_px', title: 'Padding (px)', default: 0, targets: to(['postprocess'], 'pad_px') },
  {
    path: 'publish.kind', title: 'Published asset kind',
    defaultByArtifact: { still: 'render_still', turntable: 'render_turntable', blend: 'scene_blend' },
    // The render node publishes itself when no output_save is downstream, so both get it.
    targets: [...to(['output_save'], 'kind'), ...to(RENDER_NODES, 'publish.kind')],
  },
  { path: 'publish.folder', title: 'Publish folder', default: 'renders', targets: [...to(['output_save'], 'folder'), ...to(RENDER_NODES, 'publish.folder')] },
  { path: 'notify.on_success', title: 'Notify on success', default: true, targets: to(['notify'], 'on_success') },
  { path: 'notify.on_failure', title: 'Notify on failure', default: true, targets: to(['notify'], 'on_failure') },
  { path: 'notify.channels', title: 'Notification channels', default: ['desktop'], targets: to(['notify'], 'channels') },
  { path: 'notify.webhook_url', title: 'Webhook URL', targets: to(['notify'], 'webhook_url') },
];

export const DEFAULT_PIPELINE_BY_ARTIFACT: Record<Artifact, string> = {
  still: 'still_default',
  turntable: 'turntable_default',
  blend: 'blend_export_default',
};

/**
 * Values compared as one whole (JSON text) rather than leaf by leaf: materials.by_part because
 * its key order is meaning (first match wins), notify.channels because it is a list.
 */
export const WHOLE_VALUE_FIELDS: ReadonlySet<string> = new Set(['materials.by_part', 'notify.channels']);

export function fieldDefault(field: PresetField, artifact: Artifact): unknown {
  if (field.defaultByArtifact) return field.defaultByArtifact[artifact];
  return field.default === undefined ? undefined : structuredClone(field.default);
}

export { getPath, setPath };
