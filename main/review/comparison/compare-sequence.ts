// Frame-by-frame comparison shared by videos (decoded frames) and image sequences (kept frames).
import path from 'node:path';
import type { ArtifactComparison, ArtifactFile, PixelStats, Thresholds } from '../../../shared/comparison/api';
import { compareImages } from './compare-images';
import { mapLimit, type FileRef } from './files';
import { Reasons, missingArtifact, type Judgement } from './verdict';

export interface FramePair {
  /** e.g. 'frame 0003'. */
  name: string;
  legacy: FileRef | null;
  shadow: FileRef | null;
}

export interface SequenceResult {
  frames: ArtifactComparison[];
  /** The worst frame per statistic (equal hashes count as zero); null when no frame could be compared. */
  pixels: PixelStats | null;
  /** The heatmap of the frame with the largest mean error. */
  heatmap: string | null;
  judgement: Judgement;
}

/** 'frame_0003.png' → 'frame 0003'; without digits in the name, the 1-based position. */
export function frameName(file: string, index: number): string {
  const digits = /(\d+)\D*$/.exec(path.basename(file, path.extname(file)))?.[1];
  return `frame ${digits ?? String(index + 1).padStart(4, '0')}`;
}

/** Pairs two frame lists by position (each sorted by file name), named after the legacy frame. */
export function pairFrames(legacy: readonly FileRef[], shadow: readonly FileRef[]): FramePair[] {
  const byName = (a: FileRef, b: FileRef): number => path.basename(a.file).localeCompare(path.basename(b.file), 'en', { numeric: true });
  const l = [...legacy].sort(byName);
  const s = [...shadow].sort(byName);
  return Array.from({ length: Math.max(l.length, s.length) }, (_, i) => {
    const either = (l[i] ?? s[i]) as FileRef;
    return { name: frameName(either.file, i), legacy: l[i] ?? null, shadow: s[i] ?? null };
  });
}

const ZERO: PixelStats = { channels: (['R', 'G', 'B', 'A'] as const).map((name) => ({ name, mean: 0, max: 0 })), meanError: 0, overShare: 0 };

/** The worst frame per statistic; frames with equal hashes count as zero deltas. */
function aggregate(frames: readonly ArtifactComparison[]): PixelStats | null {
  const stats = frames.flatMap((f) => (f.pixels ? [f.pixels] : f.kind !== 'missing' && f.sameHash ? [ZERO] : []));
  const first = stats[0];
  if (!first) return null;
  return {
    channels: first.channels.map((ch, c) => ({
      name: ch.name,
      mean: Math.max(...stats.map((s) => s.channels[c]?.mean ?? 0)),
      max: Math.max(...stats.map((s) => s.channels[c]?.max ?? 0)),
    })),
    meanError: Math.max(...stats.map((s) => s.meanError)),
    overShare: Math.max(...stats.map((s) => s.overShare)),
  };
}

const placeholder = (ref: FileRef | null): ArtifactFile | null =>
  ref ? { file: path.resolve(ref.file), sha256: ref.sha256 ?? '', width: ref.width ?? null, height: ref.height ?? null } : null;

export async function compareSequence(
  pairs: readonly FramePair[],
  options: { label: string; thresholds: Thresholds; heatmapDir: string | null; concurrency?: number },
): Promise<SequenceResult> {
  const frames = await mapLimit(pairs, options.concurrency ?? 4, async (pair) => {
    const label = `${options.label}, ${pair.name}`;
    if (!pair.legacy || !pair.shadow) return missingArtifact(pair.name, label, placeholder(pair.legacy), placeholder(pair.shadow));
    return compareImages(pair.legacy, pair.shadow, {
      name: pair.name,
      label,
      thresholds: options.thresholds,
      heatmapPath: options.heatmapDir ? path.join(options.heatmapDir, `${pair.name.replace(/\s+/g, '_')}.png`) : null,
    });
  });
  const reasons = new Reasons();
  const onlyIn = (side: 'legacy' | 'shadow'): string[] => pairs.filter((p) => (side === 'legacy' ? p.legacy && !p.shadow : p.shadow && !p.legacy)).map((p) => p.name);
  const onlyLegacy = onlyIn('legacy');
  const onlyShadow = onlyIn('shadow');
  if (onlyLegacy.length || onlyShadow.length) {
    const count = (side: 'legacy' | 'shadow'): number => pairs.filter((p) => p[side]).length;
    const parts = [onlyLegacy.length ? `only in legacy: ${onlyLegacy.join(', ')}` : '', onlyShadow.length ? `only in shadow: ${onlyShadow.join(', ')}` : ''].filter(Boolean);
    reasons.fail(`${options.label}: frame count differs (legacy ${count('legacy')}, shadow ${count('shadow')}; ${parts.join('; ')})`);
  }
  for (const frame of frames) if (frame.kind !== 'missing') reasons.addJudgement(frame);
  const worst = frames.filter((f) => f.heatmap && f.pixels).sort((a, b) => (b.pixels?.meanError ?? 0) - (a.pixels?.meanError ?? 0))[0];
  return { frames, pixels: aggregate(frames), heatmap: worst?.heatmap ?? null, judgement: reasons.judgement };
}
