import { z } from 'zod';
import path from 'node:path';
import { resourcesDir } from '../resources/paths';
import { MATERIALS, type MaterialKey } from '../../shared/materials/library';
import { BackgroundSettings, CameraSettings, LightingSetting, OutputSettings, RendererSettings, ResolutionSettings, TurntableSettings } from '../../shared/nodes/settings-parts';

/**
 * Job specs sent to the Blender side (resources/blender/lightbox_jobs) and the replies it
 * sends back, for both the warm server and the cold runner. Settings reuse the node setting
 * schemas, so a job carries exactly what the nodes and legacy presets can express.
 */

const JobId = z.string().min(1).max(200);
const AbsPath = z.string().min(1).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path');

export const MaterialValues = z.object({
  baseColor: z.tuple([z.number(), z.number(), z.number()]),
  metallic: z.number(),
  roughness: z.number(),
  transmission: z.number(),
});

/**
 * Materials of a job. `by_part` is an ordered list (first match wins): a JSON object would
 * reorder integer-like glob keys. `library` carries the values, so Python needs no copy of
 * the TS material library.
 */
export const JobMaterials = z.object({
  default: z.string().min(1).default('neutral_grey'),
  by_part: z.array(z.object({ glob: z.string().min(1), material: z.string().min(1) })).default([]),
  library: z.record(z.string(), MaterialValues),
});

const SceneFields = {
  id: JobId,
  glb: AbsPath,
  camera: CameraSettings.default(CameraSettings.parse({})),
  lighting: LightingSetting,
  background: BackgroundSettings.default(BackgroundSettings.parse({})),
  /** Absent: the parts keep the materials and colors the CAD file brought (no apply_materials step). */
  materials: JobMaterials.optional(),
  renderer: RendererSettings.default(RendererSettings.parse({})),
  resolution: ResolutionSettings.default(ResolutionSettings.parse({})),
  output: OutputSettings.omit({ filename: true }).default({ format: 'png', quality: 90, color_depth: 8 }),
};

export const RenderStillJob = z.object({ kind: z.literal('render_still'), ...SceneFields, out: AbsPath });

export const RenderFramesJob = z.object({
  kind: z.literal('render_frames'),
  ...SceneFields,
  turntable: TurntableSettings.pick({ frames: true, degrees: true }),
  /** 1-based inclusive chunk of 1..turntable.frames. */
  frame_range: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  /** Absolute path with `{frame}` (or `####`), replaced by the zero-padded 4-digit frame number. */
  out_pattern: AbsPath.refine((p) => p.includes('{frame}') || p.includes('#'), 'needs {frame} or ####'),
});

export const ExportBlendJob = z.object({
  kind: z.literal('export_blend'),
  ...SceneFields,
  blend: z.object({ pack_resources: z.boolean().default(true), compress: z.boolean().default(true) }).default({ pack_resources: true, compress: true }),
  out: AbsPath,
});

export const InspectBlendJob = z.object({ kind: z.literal('inspect_blend'), id: JobId, blend: AbsPath });
export const PingJob = z.object({ kind: z.literal('ping'), id: JobId });
/** The CAD library's Workbench thumbnail of a normalized GLB (square, transparent PNG). */
export const CadThumbnailJob = z.object({ kind: z.literal('cad_thumbnail'), id: JobId, glb: AbsPath, out: AbsPath, size: z.number().int().min(16).max(4096) });

/** A mesh format Blender reads with its own importer (PLY, FBX, Collada), written out as a GLB for the CAD ingest; `scale` sizes unitless PLY. */
export const MeshImportJob = z.object({ kind: z.literal('mesh_import'), id: JobId, input: AbsPath, format: z.enum(['ply', 'fbx', 'collada']), out: AbsPath, scale: z.number().positive().default(1) });

export const BlenderJob = z.discriminatedUnion('kind', [RenderStillJob, RenderFramesJob, ExportBlendJob, InspectBlendJob, PingJob, CadThumbnailJob, MeshImportJob]);
export type BlenderJob = z.output<typeof BlenderJob>;
/** What callers write: defaults may be left out. */
export type BlenderJobInput = z.input<typeof BlenderJob>;
export type BlenderJobKind = BlenderJob['kind'];

const Memory = { rssBytes: z.number(), maxRssBytes: z.number() };

export const SceneResult = z.object({
  objects: z.array(z.string()),
  parts: z.array(z.string()),
  materials: z.record(z.string(), z.string()),
  bounds: z.tuple([z.array(z.number()), z.array(z.number())]),
  cameraDistance: z.number(),
  engineUsed: z.string(),
  format: z.string(),
  width: z.number(),
  height: z.number(),
});

export const BlendStructure = z.object({
  objects: z.array(z.string()),
  meshes: z.array(z.string()),
  materials: z.array(z.string()),
  cameras: z.array(z.string()),
  lights: z.array(z.string()),
});

export const JobReplyOk = z.object({
  id: z.string().nullable(),
  kind: z.string().nullable(),
  ok: z.literal(true),
  /** Per kind: render_still {…SceneResult, file}; render_frames {…, files, frames, frameRange}; export_blend {…, file, packed, compressed}; inspect_blend {…BlendStructure, file}; cad_thumbnail {file, width, height, objects}; mesh_import {file, objects, meshes}; ping {pong}. */
  result: z.record(z.string(), z.unknown()),
  seconds: z.number().optional(),
  blender: z.string().optional(),
  ...Memory,
});

export const JobReplyError = z.object({
  id: z.string().nullable(),
  kind: z.string().nullable().optional(),
  ok: z.literal(false),
  error: z.string(),
  type: z.string().optional(),
  traceback: z.string().optional(),
  seconds: z.number().optional(),
  blender: z.string().optional(),
  ...Memory,
});

export const JobReply = z.discriminatedUnion('ok', [JobReplyOk, JobReplyError]);
export type JobReply = z.output<typeof JobReply>;

export const JobProgress = z.object({ job: z.string().nullable(), frame: z.number(), of: z.number(), done: z.number().optional(), total: z.number().optional(), seconds: z.number().optional() });
export type JobProgress = z.output<typeof JobProgress>;

export const REPLY_MARKER = 'LIGHTBOX_REPLY';
export const PROGRESS_MARKER = 'LIGHTBOX_PROGRESS';
export const READY_MARKER = 'LIGHTBOX_READY';

/** Material values for a job, generated from the shared library (all keys: it is small). */
export function materialLibraryForJob(keys: readonly MaterialKey[] = Object.keys(MATERIALS) as MaterialKey[]): Record<string, z.output<typeof MaterialValues>> {
  const out: Record<string, z.output<typeof MaterialValues>> = {};
  for (const key of keys) {
    const m = MATERIALS[key];
    out[key] = { baseColor: [...m.baseColor], metallic: m.metallic, roughness: m.roughness, transmission: m.transmission };
  }
  return out;
}

/** Node-settings `by_part` (a record in key order) to the job's ordered list. */
export function byPartRules(byPart: Record<string, string>): { glob: string; material: string }[] {
  return Object.entries(byPart).map(([glob, material]) => ({ glob, material }));
}

/** Validates and fills defaults; throws a ZodError naming the bad field. */
export function parseJob(job: BlenderJobInput): BlenderJob {
  return BlenderJob.parse(job);
}

/** Where the Blender-side scripts live: from the sources, the bundled dist/ (main or a worker) or a packaged app. */
export function defaultScriptsDir(): string {
  return path.join(resourcesDir(), 'blender');
}
