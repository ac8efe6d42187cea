import crypto from 'node:crypto';
import fs from 'node:fs';
import type { z } from 'zod';
import type { TurntableSettings } from '../../../shared/nodes/settings-parts';
import { splitFrames } from '../farm/chunks';
import { jobId, RenderError, runJobOk } from './errors';
import { expandFileName, IMAGE_EXTENSIONS, insideDir, type ImageFormat } from './filename';
import { progressReporter, progressUnit, type ImageRenderSettings, type RenderStillInput } from './still';

export interface TurntableRenderSettings extends ImageRenderSettings {
  turntable: Pick<z.output<typeof TurntableSettings>, 'frames' | 'degrees'> & { fps?: number };
}

/** As for a still; the frames go to outDir and every chunk job gets timeoutMs. */
export interface RenderTurntableInput extends Omit<RenderStillInput, 'settings'> {
  settings: TurntableRenderSettings;
}

export interface RenderedFrames {
  /** Frame files in frame order, 1..frames. */
  frames: string[];
  width: number;
  height: number;
  format: ImageFormat;
  chunks: { start: number; end: number }[];
  durationMs: number;
}

/** The frame file template: output.filename with `{frame}` (appended when the template lacks it). */
export function frameTemplate(template: string): string {
  return template.includes('{frame}') ? template : `${template}_{frame}`;
}

/**
 * render_turntable: the revolution split into one render_frames job per chunk
 * (splitFrames over farm.concurrency), run in parallel; all frames must exist at the end.
 */
export async function renderTurntable(input: RenderTurntableInput): Promise<RenderedFrames> {
  const { settings, farm } = input;
  const format = settings.output.format;
  const total = settings.turntable.frames;
  const template = frameTemplate(settings.output.filename);
  const pattern = insideDir(input.outDir, expandFileName(template, input.names, IMAGE_EXTENSIONS[format], '{frame}'));
  const frames = Array.from({ length: total }, (_, i) => insideDir(input.outDir, expandFileName(template, input.names, IMAGE_EXTENSIONS[format], i + 1)));
  await fs.promises.mkdir(input.outDir, { recursive: true });
  const runId = input.runId ?? `turntable-${crypto.randomUUID()}`;
  const chunks = splitFrames(1, total, Math.max(1, farm.concurrency));
  const { filename: _template, ...output } = settings.output;
  const started = Date.now();
  // Progress in samples over all frames (Cycles), each chunk's fraction weighed by its frames.
  const unit = progressUnit(settings.renderer);
  const report = progressReporter(total * unit, input.onProgress);
  const chunkFractions = chunks.map(() => 0);
  const chunkFraction = (index: number, fraction: number) => {
    chunkFractions[index] = Math.max(chunkFractions[index]!, fraction);
    report(chunks.reduce((sum, c, i) => sum + chunkFractions[i]! * (c.end - c.start + 1), 0) / total);
  };
  let size: { width: number; height: number } | null = null;
  let firstError: unknown = null;

  const jobs = chunks.map(async (chunk, index) => {
    let framesDone = 0;
    const id = jobId(`frames-${chunk.start}-${chunk.end}`);
    const result = await runJobOk(
      farm,
      {
        kind: 'render_frames',
        id,
        glb: input.glb,
        ...input.scene,
        renderer: settings.renderer,
        resolution: settings.resolution,
        output,
        turntable: { frames: total, degrees: settings.turntable.degrees },
        frame_range: [chunk.start, chunk.end],
        out_pattern: pattern,
      },
      {
        label: id,
        runId,
        timeoutMs: input.timeoutMs,
        onLog: input.onLog,
        // A finished frame counts even from a farm that reports no fractions.
        onProgress: () => {
          framesDone += 1;
          chunkFraction(index, framesDone / (chunk.end - chunk.start + 1));
        },
        onFraction: (fraction) => chunkFraction(index, fraction),
      },
    ).catch((error: unknown) => {
      // The first failure decides; the other chunks are wasted work now (their cancellation errors are not the cause).
      if (firstError === null) {
        firstError = error;
        farm.cancelRun(runId);
      }
      throw error;
    });
    size ??= { width: Number(result.width), height: Number(result.height) };
  });
  await Promise.allSettled(jobs);
  if (firstError !== null) throw firstError;
  const missing = frames.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new RenderError('missing_output', `turntable frames missing after rendering: ${missing.map((f) => f.split('/').pop()).join(', ')}`);
  const { width, height } = size ?? { width: 0, height: 0 };
  return { frames, width, height, format, chunks, durationMs: Date.now() - started };
}
