import fs from 'node:fs';
import type { z } from 'zod';
import type { OutputSettings, RendererSettings, ResolutionSettings } from '../../../shared/nodes/settings-parts';
import type { RenderFarm } from '../farm/types';
import type { JobReply } from '../../../workers/blender/job-spec';
import { jobId, RenderError } from './errors';
import { sha256File } from '../../platform/files/sha256-file';
import { expandFileName, IMAGE_EXTENSIONS, insideDir, type FileNameValues, type ImageFormat } from './filename';
import type { JobScene } from './scene';

/** render_still / render_turntable render settings after defaults (publish is not the executor's business). */
export interface ImageRenderSettings {
  renderer: z.output<typeof RendererSettings>;
  resolution: z.output<typeof ResolutionSettings>;
  output: z.output<typeof OutputSettings>;
}

/** Whole steps of a render: samples with Cycles (which reports them, "Sample 12/32"), else frames. */
export interface RenderProgress {
  done: number;
  total: number;
}

/** Steps per frame: Cycles reports every sample, the other engines only the finished frame. */
export function progressUnit(renderer: { engine: string; samples: number }): number {
  return renderer.engine === 'cycles' ? Math.max(1, renderer.samples) : 1;
}

/** Turns the farm's 0..1 fraction of a job into whole steps of `total`, reported when they move on. */
export function progressReporter(total: number, onProgress: ((progress: RenderProgress) => void) | undefined): (fraction: number) => void {
  let last = 0;
  return (fraction) => {
    const done = Math.min(total, Math.round(fraction * total));
    if (done <= last) return;
    last = done;
    onProgress?.({ done, total });
  };
}

export interface RenderStillInput {
  farm: RenderFarm;
  /** Absolute path of the ingested GLB. */
  glb: string;
  scene: JobScene;
  settings: ImageRenderSettings;
  outDir: string;
  /** Values for the output.filename placeholders. */
  names: FileNameValues;
  runId?: string;
  timeoutMs: number;
  onProgress?: (progress: RenderProgress) => void;
  onLog?: (line: string) => void;
}

export interface RenderedImage {
  file: string;
  width: number;
  height: number;
  format: ImageFormat;
  sha256: string;
  durationMs: number;
  reply: JobReply & { ok: true };
}

export async function renderStill(input: RenderStillInput): Promise<RenderedImage> {
  const { settings } = input;
  const format = settings.output.format;
  const file = insideDir(input.outDir, expandFileName(settings.output.filename, input.names, IMAGE_EXTENSIONS[format], 1));
  await fs.promises.mkdir(input.outDir, { recursive: true });
  const started = Date.now();
  const id = jobId('still');
  const { filename: _template, ...output } = settings.output;
  const job = { kind: 'render_still' as const, id, glb: input.glb, ...input.scene, renderer: settings.renderer, resolution: settings.resolution, output, out: file };
  const unit = progressUnit(settings.renderer);
  const report = progressReporter(unit, input.onProgress);
  const reply = await input.farm.runJob(job, { label: id, runId: input.runId, timeoutMs: input.timeoutMs, onLog: input.onLog, onFraction: report });
  if (!reply.ok) throw new RenderError('job_failed', `render_still failed in Blender: ${reply.error}`, reply.traceback);
  if (!fs.existsSync(file)) throw new RenderError('missing_output', `render_still reported success but ${file} was not written`);
  input.onProgress?.({ done: unit, total: unit });
  const result = reply.result;
  return {
    file,
    width: Number(result.width),
    height: Number(result.height),
    format,
    sha256: await sha256File(file),
    durationMs: Date.now() - started,
    reply,
  };
}
