import { z } from 'zod';
import type { Family } from '../workflow/document';
import { input, output, type PortSpec } from './ports';
import {
  BackgroundSettings,
  CameraSettings,
  LightingSetting,
  MaterialKey,
  NotifyChannel,
  OutputSettings,
  PublishSettings,
  RendererSettings,
  ResolutionSettings,
  TurntableSettings,
  VideoCodecSchema,
} from './settings-parts';

export const NODE_CATEGORIES = ['input', 'cad', 'scene', 'render', 'post', 'output'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/** Maps the settings of an older node version to the next one. */
export interface SettingsUpgrade {
  from: number;
  up(settings: Record<string, unknown>): Record<string, unknown>;
}

/**
 * What a node type is, independent of how it runs: the vocabulary both the editor and the
 * backend need. The registry in main/ adds the executor (or the reason there is none).
 */
export interface NodeSpec {
  type: string;
  version: number;
  title: string;
  description: string;
  category: NodeCategory;
  families: Family[];
  inputs: PortSpec[];
  outputs: PortSpec[];
  settings: z.ZodObject;
  /** Delivers something (publishes, renders, notifies): what "a path to an output" leads to. */
  isOutput: boolean;
  /** The legacy service this node performs, if any (FORMAT.md names). */
  legacyService?: string;
  upgrades: SettingsUpgrade[];
  /** How the runtime, the planner and the editor treat the node: the one place these facts live. */
  traits: NodeTraits;
}

/**
 * Facts about a node type that the runtime, the planner and the editor act on. Read from the
 * registry (main) or from nodes.list (renderer), never from lists kept elsewhere.
 */
export interface NodeTraits {
  /** Its outputs are a pure function of its cache key (no effects, no run context): reused when unchanged. */
  cacheable: boolean;
  /** Cheap and effect-free: a dry run evaluates it to follow cache keys past it. */
  planEvaluated: boolean;
  /** Queues Blender renders on the farm; how many a dry run counts is `renderCount`. */
  renders: boolean;
  /** Its outputs depend on the run's draft and file-name values (it writes files by name): both join its cache key. */
  keyedByRun: boolean;
  /** Publishes a media asset (itself, or as output_save). */
  publishes: boolean;
  /** Still runs when the run has failed, told of the failure (notify sends render.failed). */
  runsOnFailure: boolean;
  /** The media asset kind it publishes unless its settings name one. */
  outputKind?: string;
}

/** Renders a node of this type queues with these (parsed) settings: 0 unless it renders. */
export function renderCount(spec: Pick<NodeSpec, 'traits'>, settings: Record<string, unknown> | null): number {
  if (!spec.traits.renders) return 0;
  const frames = (settings?.turntable as { frames?: number } | undefined)?.frames;
  return typeof frames === 'number' ? frames : 1;
}

export const nodeTraits = (t: Partial<NodeTraits> = {}): NodeTraits => ({ cacheable: false, planEvaluated: false, renders: false, keyedByRun: false, publishes: false, runsOnFailure: false, ...t });

const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();
const nested = <T extends z.ZodObject>(schema: T) => schema.prefault({} as z.input<T>);
const ORDER_LINE: Family[] = ['order_line'];
const CAD_FILE: Family[] = ['cad_file'];

const renderSettings = {
  renderer: nested(RendererSettings),
  resolution: nested(ResolutionSettings),
  output: nested(OutputSettings),
  /** Used only when no output_save is downstream: the render then publishes itself. */
  publish: nested(PublishSettings),
};

export const NODE_SPECS: readonly NodeSpec[] = [
  {
    type: 'input_order_line',
    version: 1,
    title: 'Order line',
    description: 'The order line being rendered: its CAD file, output type and overrides (background, material variant, camera angle).',
    category: 'input',
    families: ORDER_LINE,
    inputs: [],
    outputs: [output('line', 'Order line', 'order_line')],
    settings: obj({}),
    isOutput: false,
    upgrades: [],
    traits: nodeTraits({ planEvaluated: true }),
  },
  {
    type: 'input_cad_file',
    version: 1,
    title: 'CAD file',
    description: 'The CAD file this workflow runs on (STEP, STL, OBJ, glTF).',
    category: 'input',
    families: CAD_FILE,
    inputs: [],
    outputs: [output('cad', 'CAD source', 'cad_source')],
    settings: obj({}),
    isOutput: false,
    upgrades: [],
    traits: nodeTraits({ planEvaluated: true }),
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    type: 'prepare_scene',
    version: 1,
    title: 'Prepare scene',
    description: 'Imports the mesh, frames the camera on its bounding box, sets the lighting rig and the background.',
    category: 'scene',
    families: ORDER_LINE,
    inputs: [input('mesh', 'Mesh asset', ['mesh_asset'])],
    outputs: [output('scene', 'Scene', 'scene')],
    settings: obj({ camera: nested(CameraSettings), lighting: LightingSetting, background: nested(BackgroundSettings) }),
    isOutput: false,
    legacyService: 'prepare_scene',
    upgrades: [],
    traits: nodeTraits({ cacheable: true }),
  },
  {
    type: 'apply_materials',
    version: 1,
    title: 'Apply materials',
    description: 'Assigns library materials by part-name glob (first match wins, in key order), the default to the rest.',
    category: 'scene',
    families: ORDER_LINE,
    inputs: [input('scene', 'Scene', ['scene'])],
    outputs: [output('scene', 'Scene', 'scene')],
    settings: obj({
      default: MaterialKey.default('neutral_grey'),
      by_part: z.record(z.string().min(1).max(200), MaterialKey).default({}),
    }),
    isOutput: false,
    legacyService: 'apply_materials',
    upgrades: [],
    traits: nodeTraits({ cacheable: true }),
  },
  {
    type: 'render_still',
    version: 1,
    title: 'Render still',
    description: 'Renders one image of the scene. Publishes it itself only when no output_save is downstream.',
    category: 'render',
    families: ORDER_LINE,
    inputs: [input('scene', 'Scene', ['scene'])],
    outputs: [output('image', 'Image', 'image'), output('asset', 'Self-published asset', 'media_asset')],
    settings: obj(renderSettings),
    isOutput: true,
    legacyService: 'render_still',
    upgrades: [],
    traits: nodeTraits({ cacheable: true, renders: true, keyedByRun: true, publishes: true, outputKind: 'render_still' }),
  },
  {
    type: 'render_turntable',
    version: 1,
    title: 'Render turntable',
    description: 'Renders a revolution of the scene as a frame sequence, chunked across the render farm.',
    category: 'render',
    families: ORDER_LINE,
    inputs: [input('scene', 'Scene', ['scene'])],
    outputs: [output('frames', 'Frames', 'image_sequence'), output('asset', 'Self-published asset', 'media_asset')],
    settings: obj({ ...renderSettings, turntable: nested(TurntableSettings) }),
    isOutput: true,
    legacyService: 'render_turntable',
    upgrades: [],
    traits: nodeTraits({ cacheable: true, renders: true, keyedByRun: true, publishes: true, outputKind: 'render_turntable' }),
  },
  {
    type: 'export_blend',
    version: 1,
    title: 'Export .blend',
    description: 'Saves the prepared scene as a .blend file, resources packed and compressed as set.',
    category: 'render',
    families: ORDER_LINE,
    inputs: [input('scene', 'Scene', ['scene'])],
    outputs: [output('blend', '.blend file', 'blend_file'), output('asset', 'Self-published asset', 'media_asset')],
    settings: obj({
      renderer: nested(RendererSettings),
      resolution: nested(ResolutionSettings),
      pack_resources: z.boolean().default(true),
      compress: z.boolean().default(true),
      publish: nested(PublishSettings),
    }),
    isOutput: true,
    legacyService: 'export_blend',
    upgrades: [],
    traits: nodeTraits({ cacheable: true, renders: true, keyedByRun: true, publishes: true, outputKind: 'scene_blend' }),
  },
  {
    type: 'encode_video',
    version: 1,
    title: 'Encode video',
    description: 'Encodes a frame sequence with ffmpeg (H.264 or VP9), from the exact list of frames.',
    category: 'post',
    families: ORDER_LINE,
    inputs: [input('frames', 'Frames', ['image_sequence'])],
    outputs: [output('video', 'Video', 'video'), output('frames', 'Frames', 'image_sequence')],
    settings: obj({
      codec: VideoCodecSchema.default('h264'),
      crf: z.number().int().min(0).max(51).default(23),
      fps: z.number().int().min(1).max(120).default(24),
    }),
    isOutput: false,
    legacyService: 'encode_video',
    upgrades: [],
    traits: nodeTraits({ cacheable: true, keyedByRun: true }),
  },
  {
    type: 'postprocess',
    version: 1,
    title: 'Post-process',
    description: 'Trims the empty border, pads it back and makes a thumbnail.',
    category: 'post',
    families: ORDER_LINE,
    inputs: [input('image', 'Image', ['image'])],
    outputs: [output('image', 'Image', 'image'), output('thumbnail', 'Thumbnail', 'image')],
    settings: obj({
      thumbnail_px: z.number().int().min(0).max(4096).default(0),
      trim: z.boolean().default(false),
      pad_px: z.number().int().min(0).max(4096).default(0),
    }),
    isOutput: false,
    legacyService: 'postprocess',
    upgrades: [],
    traits: nodeTraits({ cacheable: true }),
  },
  {
    type: 'output_save',
    version: 1,
    title: 'Save output',
    description: 'Publishes the deliverable as a media asset in the library, once. In shadow runs it writes to the shadow area instead.',
    category: 'output',
    families: ORDER_LINE,
    inputs: [input('artifact', 'Deliverable', ['image', 'video', 'blend_file', 'image_sequence'])],
    outputs: [output('asset', 'Media asset', 'media_asset')],
    settings: obj(PublishSettings.shape),
    isOutput: true,
    legacyService: 'save_output',
    upgrades: [],
    traits: nodeTraits({ publishes: true }),
  },
  {
    type: 'notify',
    version: 1,
    title: 'Notify',
    description: 'Hands off the published asset: desktop notification and/or webhook. Sends only in authoritative runs.',
    category: 'output',
    families: ORDER_LINE,
    inputs: [input('asset', 'Media asset', ['media_asset'])],
    outputs: [output('notification', 'Notification', 'notification')],
    settings: obj({
      on_success: z.boolean().default(true),
      on_failure: z.boolean().default(true),
      channels: z.array(NotifyChannel).min(1).default(['desktop']),
      webhook_url: z.url({ protocol: /^https?$/ }).optional(),
    }).check((ctx) => {
      if (ctx.value.channels.includes('webhook') && !ctx.value.webhook_url) {
        ctx.issues.push({ code: 'custom', path: ['webhook_url'], message: 'is required when channels includes "webhook"', input: ctx.value });
      }
    }) as unknown as z.ZodObject,
    isOutput: true,
    legacyService: 'notify',
    upgrades: [],
    traits: nodeTraits({ runsOnFailure: true }),
  },
];

export const LEGACY_SERVICE_TO_NODE: Record<string, string> = Object.fromEntries(
  NODE_SPECS.filter((s) => s.legacyService).map((s) => [s.legacyService as string, s.type]),
);

export function findSpec(type: string, version?: number): NodeSpec | undefined {
  return NODE_SPECS.find((s) => s.type === type && (version === undefined || s.version === version));
}
