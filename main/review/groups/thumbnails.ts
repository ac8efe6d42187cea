import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ArtifactComparison, ComparisonReport } from '../../../shared/comparison/api';
import type { PairThumbnail, ThumbnailSide } from '../../../shared/comparison/review-groups';
import { isInsideDir } from '../../platform/data-dir/confine';
import { artifactDelta } from '../../../shared/comparison/deltas';

/** The default thumbnail edge in pixels: a contact sheet cell. */
export const THUMBNAIL_SIZE = 160;

/** The artifact a contact sheet cell shows: the first still image, else the worst frame of the first sequence, else the first artifact. */
function shownArtifact(report: ComparisonReport): ArtifactComparison | null {
  const first = report.artifacts.find((a) => a.kind === 'image') ?? report.artifacts[0];
  if (!first) return null;
  if (!first.frames.length) return first;
  return [...first.frames].sort((a, b) => artifactDelta(b) - artifactDelta(a))[0] ?? first;
}


async function side(file: string | undefined, size: number, missing: string, dataDir: string): Promise<ThumbnailSide> {
  if (!file) return { dataUrl: null, reason: missing };
  // A report synced from elsewhere names paths of another machine: only this data directory's files are read.
  if (!isInsideDir(dataDir, file)) return { dataUrl: null, reason: 'the file is not in this data directory (a comparison made elsewhere)' };
  if (!fs.existsSync(file)) return { dataUrl: null, reason: 'the file is gone' };
  try {
    const png = await sharp(file).resize(size, size, { fit: 'inside' }).png().toBuffer();
    return { dataUrl: `data:image/png;base64,${png.toString('base64')}` };
  } catch {
    return { dataUrl: null, reason: `no thumbnail of ${path.extname(file) || 'this file'} (not an image the app decodes)` };
  }
}

/**
 * Where the pixels differ, as one box in fractions of the picture (0..1): read from the heatmap the
 * comparison wrote, where an unchanged pixel is a dim gray (r = g = b, under 64) and a changed one
 * red or, over the threshold, white.
 */
export async function differenceBox(heatmap: string): Promise<{ x: number; y: number; w: number; h: number } | null> {
  if (!fs.existsSync(heatmap)) return null;
  const { data, info } = await sharp(heatmap).raw().toBuffer({ resolveWithObject: true });
  let [left, top, right, bottom] = [info.width, info.height, -1, -1];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const o = (y * info.width + x) * info.channels;
      const r = data[o] as number;
      if (r === (data[o + 1] as number) && r < 64) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (right < 0) return null;
  return { x: left / info.width, y: top / info.height, w: (right - left + 1) / info.width, h: (bottom - top + 1) / info.height };
}

/** A contact sheet cell of one comparison: legacy and shadow thumbnails of its shown artifact, and the box around their differences. */
export async function pairThumbnail(comparisonId: string, report: ComparisonReport, dirs: { dataDir: string; comparisonDir: string }, size = THUMBNAIL_SIZE): Promise<PairThumbnail> {
  const { dataDir, comparisonDir } = dirs;
  const artifact = shownArtifact(report);
  if (!artifact) return { comparisonId, artifact: null, legacy: { dataUrl: null, reason: 'no artifact was compared' }, shadow: { dataUrl: null, reason: 'no artifact was compared' }, outline: null };
  const [legacy, shadow] = await Promise.all([side(artifact.legacy?.file, size, 'the legacy run made no file', dataDir), side(artifact.shadow?.file, size, 'the shadow run made no file', dataDir)]);
  // The box was kept with the pixel stats when compared; older reports read the heatmap the comparison wrote in its own folder.
  if (artifact.pixels?.box !== undefined) return { comparisonId, artifact: artifact.name, legacy, shadow, outline: artifact.pixels.box };
  const heatmap = artifact.heatmap && isInsideDir(comparisonDir, artifact.heatmap) ? artifact.heatmap : null;
  return { comparisonId, artifact: artifact.name, legacy, shadow, outline: heatmap ? await differenceBox(heatmap) : null };
}
