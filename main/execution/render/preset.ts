import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ResolutionSettings } from '../../../shared/nodes/settings-parts';
import type { RenderFarm } from '../farm/types';
import type { RenderPreset } from '../../catalog/legacy/preset-schema';
import { exportBlend } from './blend';
import { encodeVideo, VIDEO_EXTENSIONS } from './encode-video';
import { RenderError } from './errors';
import { sha256File } from '../../platform/files/sha256-file';
import { expandFileName, insideDir, type FileNameValues, type ImageFormat } from './filename';
import { postprocess } from './postprocess';
import { applyMaterials, prepareScene, type JobScene } from './scene';
import { renderStill, type ImageRenderSettings, type RenderProgress } from './still';
import { renderTurntable } from './turntable';

export type OutputKind = 'still' | 'thumbnail' | 'video' | 'frame' | 'blend';

export interface RenderOutput {
  kind: OutputKind;
  file: string;
  width: number;
  height: number;
  format: ImageFormat | 'mp4' | 'webm' | 'blend';
  /** Videos: frames counted by ffprobe. */
  frames?: number;
  durationSeconds?: number;
  sha256: string;
}

export interface RenderPresetInput {
  farm: RenderFarm;
  /** Needed for turntables only. */
  ffmpegPath?: string;
  ffprobePath?: string;
  glb: string;
  /** A parsed legacy render preset after fillPresetDefaults. */
  preset: RenderPreset;
  outDir: string;
  names: Omit<FileNameValues, 'preset'>;
  /** Caps the longer side of the rendered image (both sides scaled, aspect kept, each >= 16). */
  maxSize?: number;
  /** Overrides renderer.samples. */
  samples?: number;
  runId?: string;
  /** Per Blender job. */
  timeoutMs?: number;
  onProgress?: (progress: RenderProgress & { step: string }) => void;
  onLog?: (line: string) => void;
}

export interface RenderPresetResult {
  outputs: RenderOutput[];
  /** Things the user should know (exr not post-processed, alpha dropped by h264, ...). */
  notes: string[];
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
type Resolution = z.output<typeof ResolutionSettings>;

/**
 * The effective size after percentage (Blender floors w × p / 100), capped so the longer side
 * is at most maxSize; percentage is folded in so the job renders exactly that size.
 */
export function capResolution(resolution: Resolution, maxSize?: number): Resolution {
  if (maxSize === undefined) return resolution;
  const w = Math.floor((resolution.width * resolution.percentage) / 100);
  const h = Math.floor((resolution.height * resolution.percentage) / 100);
  const longer = Math.max(w, h);
  if (longer <= maxSize) return resolution;
  const scale = maxSize / longer;
  return { width: Math.max(16, Math.round(w * scale)), height: Math.max(16, Math.round(h * scale)), percentage: 100 };
}

function need<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new RenderError('job_failed', `preset has no ${field}; pass it through fillPresetDefaults first`);
  return value;
}

/** The scene the preset's prepare_scene and apply_materials steps build. */
export function presetScene(preset: RenderPreset): JobScene {
  const camera = need(preset.camera, 'camera');
  const background = need(preset.background, 'background');
  const prepared = prepareScene({
    camera: {
      angle: need(camera.angle, 'camera.angle'),
      azimuth_deg: camera.azimuth_deg,
      elevation_deg: camera.elevation_deg,
      focal_length_mm: need(camera.focal_length_mm, 'camera.focal_length_mm'),
      fit_margin: need(camera.fit_margin, 'camera.fit_margin'),
    },
    lighting: need(preset.lighting, 'lighting'),
    background: { mode: need(background.mode, 'background.mode'), color: need(background.color, 'background.color') },
  });
  const materials = need(preset.materials, 'materials');
  return applyMaterials(prepared, { default: need(materials.default, 'materials.default'), by_part: need(materials.by_part, 'materials.by_part') });
}

/** render_still / render_turntable settings from the preset, with the CLI overrides applied. */
export function presetRenderSettings(preset: RenderPreset, overrides: { maxSize?: number; samples?: number } = {}): ImageRenderSettings {
  const r = need(preset.renderer, 'renderer');
  const o = need(preset.output, 'output');
  return {
    renderer: {
      engine: need(r.engine, 'renderer.engine'),
      samples: overrides.samples ?? need(r.samples, 'renderer.samples'),
      seed: need(r.seed, 'renderer.seed'),
      denoise: need(r.denoise, 'renderer.denoise'),
      threads: need(r.threads, 'renderer.threads'),
    },
    resolution: capResolution({ ...preset.resolution, percentage: need(preset.resolution.percentage, 'resolution.percentage') }, overrides.maxSize),
    output: {
      format: need(o.format, 'output.format'),
      quality: need(o.quality, 'output.quality'),
      color_depth: need(o.color_depth, 'output.color_depth'),
      filename: need(o.filename, 'output.filename'),
    },
  };
}

/**
 * Runs a preset's artifact the way the legacy pipeline does: still (prepare_scene →
 * apply_materials → render_still → postprocess), turntable (render_turntable → encode_video,
 * frames kept when keep_frames) or blend (export_blend, re-opened to check it).
 */
export async function renderPreset(input: RenderPresetInput): Promise<RenderPresetResult> {
  const { preset, farm } = input;
  const names: FileNameValues = { ...input.names, preset: preset.key };
  const scene = presetScene(preset);
  const settings = presetRenderSettings(preset, { maxSize: input.maxSize, samples: input.samples });
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const runId = input.runId ?? `preset-${preset.key}-${crypto.randomUUID()}`;
  const outputs: RenderOutput[] = [];
  const notes: string[] = [];
  const progress = (step: string) => (p: RenderProgress) => input.onProgress?.({ ...p, step });

  if (preset.artifact === 'still') {
    const still = await renderStill({ farm, glb: input.glb, scene, settings, outDir: input.outDir, names, runId, timeoutMs, onProgress: progress('render_still'), onLog: input.onLog });
    const post = preset.post ?? {};
    const done = await postprocess({ file: still.file, format: still.format, quality: settings.output.quality, trim: post.trim ?? false, pad_px: post.pad_px ?? 0, thumbnail_px: post.thumbnail_px ?? 0 });
    if (done.note) notes.push(done.note);
    // exr is not readable by sharp: its size is the render's.
    const size = still.format === 'exr' ? { width: still.width, height: still.height } : { width: done.width, height: done.height };
    outputs.push({ kind: 'still', file: done.file, ...size, format: still.format, sha256: done.sha256 });
    if (done.thumbnail) outputs.push({ kind: 'thumbnail', file: done.thumbnail.file, width: done.thumbnail.width, height: done.thumbnail.height, format: still.format, sha256: done.thumbnail.sha256 });
    return { outputs, notes };
  }

  if (preset.artifact === 'turntable') {
    const tt = need(preset.turntable, 'turntable');
    const ffmpegPath = input.ffmpegPath;
    if (!ffmpegPath) throw new RenderError('encode_failed', 'turntables need ffmpeg, and none was given');
    const keep = tt.keep_frames ?? false;
    // Frames not kept are work files: a hidden folder inside outDir, removed afterwards.
    const framesDir = keep ? input.outDir : path.join(input.outDir, `.frames-${crypto.randomBytes(4).toString('hex')}`);
    try {
      const rendered = await renderTurntable({
        farm,
        glb: input.glb,
        scene,
        settings: { ...settings, turntable: { frames: need(tt.frames, 'turntable.frames'), degrees: need(tt.degrees, 'turntable.degrees') } },
        outDir: framesDir,
        names,
        runId,
        timeoutMs,
        onProgress: progress('render_turntable'),
        onLog: input.onLog,
      });
      const codec = need(tt.codec, 'turntable.codec');
      if (codec === 'h264' && preset.background?.mode === 'transparent') notes.push('h264 has no alpha: the transparent background is black in the video');
      const video = await encodeVideo({
        ffmpegPath,
        ffprobePath: input.ffprobePath,
        frames: rendered.frames,
        fps: need(tt.fps, 'turntable.fps'),
        codec,
        crf: need(tt.crf, 'turntable.crf'),
        out: insideDir(input.outDir, expandFileName(settings.output.filename, names, VIDEO_EXTENSIONS[codec], null)),
      });
      outputs.push({ kind: 'video', file: video.file, width: video.width, height: video.height, format: codec === 'h264' ? 'mp4' : 'webm', frames: video.frames, durationSeconds: video.durationSeconds, sha256: video.sha256 });
      if (keep) {
        for (const file of rendered.frames) {
          outputs.push({ kind: 'frame', file, width: rendered.width, height: rendered.height, format: rendered.format, sha256: await sha256File(file) });
        }
      }
    } finally {
      if (!keep) await fs.promises.rm(framesDir, { recursive: true, force: true });
    }
    return { outputs, notes };
  }

  const blend = need(preset.blend, 'blend');
  const exported = await exportBlend({
    farm,
    glb: input.glb,
    scene,
    settings: { renderer: settings.renderer, resolution: settings.resolution, pack_resources: need(blend.pack_resources, 'blend.pack_resources'), compress: need(blend.compress, 'blend.compress') },
    outDir: input.outDir,
    names,
    runId,
    timeoutMs,
    onLog: input.onLog,
  });
  outputs.push({ kind: 'blend', file: exported.file, width: exported.width, height: exported.height, format: 'blend', sha256: exported.sha256 });
  return { outputs, notes };
}
