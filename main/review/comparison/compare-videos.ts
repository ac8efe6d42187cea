// Two videos compared frame by frame: each decoded to PNG frames with ffmpeg, then compared as images.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ArtifactComparison, Thresholds } from '../../../shared/comparison/api';
import { decodeRgba } from './compare-images';
import { compareSequence, pairFrames } from './compare-sequence';
import { slug, type FileRef, artifactFiles } from './files';
import { Reasons, baseArtifact, fmt, missingArtifact, resolveThresholds } from './verdict';

const run = promisify(execFile);

export interface CompareVideosOptions {
  /** The artifact's name in the report, e.g. 'video'. */
  name: string;
  /** What reasons start with; defaults to `name`. */
  label?: string;
  /** Frames go to WORKDIR/<name>/{legacy,shadow}/, heatmaps to WORKDIR/<name>/heatmaps/; kept, since the report points at them. */
  workDir: string;
  /** Defaults to `ffmpeg` on the PATH. */
  ffmpegPath?: string;
  thresholds?: Partial<Thresholds>;
}

/** Decodes every frame of `file` to DIR/frame_0001.png… (DIR emptied first); returns the files in order. */
export async function decodeFrames(ffmpegPath: string, file: string, dir: string, options: { maxFrames?: number } = {}): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const limit = options.maxFrames ? ['-frames:v', String(options.maxFrames)] : [];
  try {
    await run(ffmpegPath, ['-nostdin', '-v', 'error', '-i', file, '-vsync', '0', ...limit, path.join(dir, 'frame_%04d.png')], { maxBuffer: 16 << 20 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(stderr ? stderr.split('\n').slice(-3).join(' ') : (error as Error).message);
  }
  const frames = (await readdir(dir)).filter((f) => /^frame_\d+\.png$/.test(f)).sort();
  if (frames.length === 0) throw new Error('no frames decoded');
  return frames.map((f) => path.join(dir, f));
}

export async function compareVideos(legacyInput: string | FileRef, shadowInput: string | FileRef, options: CompareVideosOptions): Promise<ArtifactComparison> {
  const { name } = options;
  const label = options.label ?? name;
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const thresholds = resolveThresholds(options.thresholds);
  const dir = path.resolve(options.workDir, slug(name));
  const [legacy, shadow] = await artifactFiles(legacyInput, shadowInput);
  if (!legacy || !shadow) return missingArtifact(name, label, legacy, shadow, 'file not found');

  const result = baseArtifact(name, 'video', legacy, shadow);
  result.kind = 'video';
  const reasons = new Reasons();
  const finish = (): ArtifactComparison => ({ ...result, sameSize: legacy.width !== null && legacy.width === shadow.width && legacy.height === shadow.height, ...reasons.judgement });

  if (result.sameHash) {
    // Identical bytes: one decoded frame is enough for the size.
    try {
      const [first] = await decodeFrames(ffmpeg, legacy.file, path.join(dir, 'probe'), { maxFrames: 1 });
      const { width, height } = await decodeRgba(first as string);
      Object.assign(legacy, { width, height });
      Object.assign(shadow, { width, height });
    } catch {
      // The size stays as given; identical bytes pass either way.
    }
    return finish();
  }

  let decoded: [string[], string[]];
  try {
    decoded = await Promise.all([
      decodeFrames(ffmpeg, legacy.file, path.join(dir, 'legacy')).catch((e: Error) => Promise.reject(new Error(`legacy: ${e.message}`))),
      decodeFrames(ffmpeg, shadow.file, path.join(dir, 'shadow')).catch((e: Error) => Promise.reject(new Error(`shadow: ${e.message}`))),
    ]);
  } catch (error) {
    reasons.fail(`${label}: could not decode the frames with ffmpeg (${(error as Error).message})`);
    return finish();
  }
  const [legacyFrames, shadowFrames] = decoded;
  const firstSize = async (file: string | undefined): Promise<{ width: number | null; height: number | null }> =>
    file ? decodeRgba(file).then(({ width, height }) => ({ width, height })).catch(() => ({ width: null, height: null })) : { width: null, height: null };
  Object.assign(legacy, await firstSize(legacyFrames[0]));
  Object.assign(shadow, await firstSize(shadowFrames[0]));
  if (legacy.width !== shadow.width || legacy.height !== shadow.height) {
    reasons.fail(`${label}: sizes differ (legacy ${fmt.size(legacy)}, shadow ${fmt.size(shadow)})`);
    if (legacyFrames.length !== shadowFrames.length) reasons.fail(`${label}: frame count differs (legacy ${legacyFrames.length}, shadow ${shadowFrames.length})`);
    return finish();
  }
  await rm(path.join(dir, 'heatmaps'), { recursive: true, force: true });
  const sequence = await compareSequence(
    pairFrames(
      legacyFrames.map((file) => ({ file })),
      shadowFrames.map((file) => ({ file })),
    ),
    { label, thresholds, heatmapDir: path.join(dir, 'heatmaps') },
  );
  result.frames = sequence.frames;
  result.pixels = sequence.pixels;
  result.heatmap = sequence.heatmap;
  reasons.addJudgement(sequence.judgement);
  return finish();
}
