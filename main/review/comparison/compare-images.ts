// Two image files compared: hash fast path, sizes, decoded RGBA deltas per channel, share of pixels
// over the per-pixel threshold, and a heatmap PNG of where they differ.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ArtifactComparison, ArtifactFile, PixelStats, Thresholds } from '../../../shared/comparison/api';
import { exrSize, hashOf, isExr, toRef, type FileRef } from './files';
import { Reasons, baseArtifact, fmt, judgePixels, missingArtifact, resolveThresholds } from './verdict';

export interface CompareImagesOptions {
  /** The artifact's name in the report, e.g. 'still' or 'frame 0003'. */
  name: string;
  /** What reasons start with; defaults to `name` (e.g. 'video, frame 0003'). */
  label?: string;
  thresholds?: Partial<Thresholds>;
  /** Where to write the heatmap PNG when the pixels differ; none when null or absent. */
  heatmapPath?: string | null;
}

const CHANNELS = ['R', 'G', 'B', 'A'] as const;

/** Width and height without decoding pixels: the OpenEXR header, else sharp's metadata; null when unreadable. */
async function imageSize(ref: FileRef, exr: boolean): Promise<{ width: number | null; height: number | null }> {
  const fallback = { width: ref.width ?? null, height: ref.height ?? null };
  if (exr) return (await exrSize(ref.file)) ?? fallback;
  try {
    const meta = await sharp(ref.file).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : fallback;
  } catch {
    return fallback;
  }
}

export interface Rgba {
  data: Buffer;
  width: number;
  height: number;
}

/** 8-bit sRGB RGBA, whatever the file's channels and depth (alpha added as opaque when absent). */
export async function decodeRgba(file: string): Promise<Rgba> {
  const { data, info } = await sharp(file).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels, expected 4`);
  return { data, width: info.width, height: info.height };
}

/** Heatmap value of a pixel whose largest channel delta (0..255) is `delta`: any change shows. */
function heat(delta: number): number {
  return delta === 0 ? 0 : Math.min(255, 64 + delta * 8);
}

/**
 * Per-channel mean and max absolute deltas (0..1), mean error, share of pixels over `pixelDelta`,
 * and a heatmap (RGB): unchanged pixels a faint gray of the legacy image; changed pixels red,
 * brighter with the delta; pixels over the threshold white.
 */
export function pixelDeltas(a: Rgba, b: Rgba, thresholds: Thresholds): { stats: PixelStats; heatmap: Buffer } {
  if (a.width !== b.width || a.height !== b.height) throw new Error('pixelDeltas needs images of the same size');
  const pixels = a.width * a.height;
  const sums = [0, 0, 0, 0];
  const maxes = [0, 0, 0, 0];
  const limit = thresholds.pixelDelta * 255;
  let over = 0;
  // The box around the differing pixels, kept with the stats so a contact sheet need not read the heatmap.
  let [left, top, right, bottom] = [a.width, a.height, -1, -1];
  const map = Buffer.alloc(pixels * 3);
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < pixels; i++) {
    const o = i * 4;
    let largest = 0;
    for (let c = 0; c < 4; c++) {
      const d = Math.abs((x[o + c] as number) - (y[o + c] as number));
      sums[c] = (sums[c] as number) + d;
      if (d > (maxes[c] as number)) maxes[c] = d;
      if (d > largest) largest = d;
    }
    const h = i * 3;
    if (largest === 0) {
      const gray = Math.round((0.2126 * (x[o] as number) + 0.7152 * (x[o + 1] as number) + 0.0722 * (x[o + 2] as number)) * 0.15 * ((x[o + 3] as number) / 255));
      map[h] = map[h + 1] = map[h + 2] = gray;
      continue;
    }
    const px = i % a.width;
    const py = (i - px) / a.width;
    if (px < left) left = px;
    if (px > right) right = px;
    if (py < top) top = py;
    if (py > bottom) bottom = py;
    if (largest > limit) {
      over++;
      map[h] = map[h + 1] = map[h + 2] = 255;
    } else {
      map[h] = heat(largest);
    }
  }
  const channels = CHANNELS.map((name, c) => ({ name, mean: pixels ? (sums[c] as number) / pixels / 255 : 0, max: (maxes[c] as number) / 255 }));
  const meanError = channels.reduce((sum, ch) => sum + ch.mean, 0) / channels.length;
  const box = right < 0 ? null : { x: left / a.width, y: top / a.height, w: (right - left + 1) / a.width, h: (bottom - top + 1) / a.height };
  return { stats: { channels, meanError, overShare: pixels ? over / pixels : 0, box }, heatmap: map };
}

export async function writeHeatmap(file: string, map: Buffer, width: number, height: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(map, { raw: { width, height, channels: 3 } }).png().toFile(file);
  return path.resolve(file);
}

/** Compares two image files; never throws for missing or undecodable files (they become fail reasons). */
export async function compareImages(legacyInput: string | FileRef, shadowInput: string | FileRef, options: CompareImagesOptions): Promise<ArtifactComparison> {
  const { name } = options;
  const label = options.label ?? name;
  const thresholds = resolveThresholds(options.thresholds);
  const refs = [toRef(legacyInput), toRef(shadowInput)] as const;
  const hashes = await Promise.all(refs.map(hashOf));
  const exr = await Promise.all(refs.map((r) => isExr(r.file)));
  const sides = await Promise.all(
    refs.map(async (ref, i): Promise<ArtifactFile | null> => {
      const sha256 = hashes[i];
      if (!sha256) return null;
      return { file: path.resolve(ref.file), sha256, ...(await imageSize(ref, exr[i] as boolean)) };
    }),
  );
  const [legacy, shadow] = sides as [ArtifactFile | null, ArtifactFile | null];
  if (!legacy || !shadow) return missingArtifact(name, label, legacy, shadow, 'file not found');

  const result = baseArtifact(name, 'image', legacy, shadow);
  const reasons = new Reasons();
  const finish = (): ArtifactComparison => ({ ...result, ...reasons.judgement });
  if (result.sameHash) {
    result.sameSize = true;
    return finish();
  }
  const sizeKnown = legacy.width !== null && shadow.width !== null;
  if (sizeKnown && !result.sameSize) {
    reasons.fail(`${label}: sizes differ (legacy ${fmt.size(legacy)}, shadow ${fmt.size(shadow)})`);
    return finish();
  }
  if (exr[0] || exr[1]) {
    reasons.warn(`${label}: hashes differ, and the pixels were not compared: OpenEXR is not decoded (sharp cannot read it)`);
    return finish();
  }
  let decoded: [Rgba, Rgba];
  try {
    decoded = await Promise.all([decodeRgba(legacy.file), decodeRgba(shadow.file)]);
  } catch (error) {
    reasons.fail(`${label}: could not decode the pixels: ${(error as Error).message}`);
    return finish();
  }
  const [a, b] = decoded;
  if (a.width !== b.width || a.height !== b.height) {
    result.sameSize = false;
    reasons.fail(`${label}: sizes differ (legacy ${a.width}×${a.height}, shadow ${b.width}×${b.height})`);
    return finish();
  }
  const { stats, heatmap } = pixelDeltas(a, b, thresholds);
  result.pixels = stats;
  const changed = stats.channels.some((c) => c.max > 0);
  if (changed && options.heatmapPath) result.heatmap = await writeHeatmap(options.heatmapPath, heatmap, a.width, a.height);
  reasons.addJudgement(judgePixels(label, stats, thresholds));
  return finish();
}
