// A legacy run and its shadow compared: every published artifact (paired by position) and the
// records (status, media assets, notifications, core render log fields), with one verdict.
import path from 'node:path';
import {
  RECORD_FIELDS,
  type ArtifactComparison,
  type ArtifactFile,
  type BlendDump,
  type ComparisonReport,
  type RecordComparison,
  type RecordField,
  type Thresholds,
} from '../../../shared/comparison/api';
import type { RenderLog } from '../../../shared/runs/api';
import type { SideAsset, SideAttachment } from '../../production/media/publish-request';
import { compareBlendFiles } from './compare-blend';
import { compareImages } from './compare-images';
import { compareSequence, pairFrames } from './compare-sequence';
import { compareVideos } from './compare-videos';
import { formatClass, hashOf, normalizeFormat, slug, type FileRef } from './files';
import { Reasons, baseArtifact, judgeReport, missingArtifact, resolveThresholds } from './verdict';

export type { SideAsset, SideAttachment };

/** The render log fields a comparison weighs (the record comparison). */
export type SideRenderLog = Pick<RenderLog, 'engine' | 'samples' | 'width' | 'height' | 'frameStart' | 'frameEnd' | 'blenderVersion' | 'status' | 'exitCode'>;

/** What one run produced: for the shadow run, what it would have published and sent. */
export interface Side {
  status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  assets: SideAsset[];
  notifications: { channel: string; event: string }[];
  renderLogs: SideRenderLog[];
}

export interface CompareRunsInput {
  legacy: Side;
  shadow: Side;
  /** Decoded frames and heatmaps go here (one folder per artifact); kept, since the report points at them. */
  workDir: string;
  ffmpegPath?: string;
  thresholds?: Partial<Thresholds>;
  /** Dumps a .blend's structure; without it .blend files are compared by hash only. */
  blendDump?: (file: string) => Promise<BlendDump>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const RECORD_VALUES: Record<RecordField, (side: Side) => unknown> = {
  'render status': (s) => s.status,
  'media asset created': (s) => s.assets.map((a) => `${a.kind} (${normalizeFormat(a.format, a.file)})`),
  notifications: (s) => s.notifications.map((n) => `${n.channel}: ${n.event}`).sort(),
  'render log: engine': (s) => s.renderLogs.map((l) => l.engine),
  'render log: samples': (s) => s.renderLogs.map((l) => l.samples),
  'render log: width': (s) => s.renderLogs.map((l) => l.width),
  'render log: height': (s) => s.renderLogs.map((l) => l.height),
  'render log: frame range': (s) => s.renderLogs.map((l) => (l.frameStart === null && l.frameEnd === null ? null : `${l.frameStart ?? '?'}-${l.frameEnd ?? '?'}`)),
  'render log: blender version': (s) => s.renderLogs.map((l) => l.blenderVersion),
  'render log: status': (s) => s.renderLogs.map((l) => l.status),
  'render log: exit code': (s) => s.renderLogs.map((l) => l.exitCode),
};

/**
 * The records of both sides, field by field. Media assets are the list of "kind (format)";
 * notifications the sorted list of "channel: event"; render log fields one value per render log, in order.
 */
export function compareRecords(legacy: Side, shadow: Side): RecordComparison[] {
  return RECORD_FIELDS.map((field) => {
    const l = RECORD_VALUES[field](legacy);
    const s = RECORD_VALUES[field](shadow);
    return { field, legacy: l, shadow: s, same: same(l, s) };
  });
}

/** Names by position: the asset's kind, numbered from the second of a kind ('still', 'still 2'). */
function assetNames(legacy: readonly SideAsset[], shadow: readonly SideAsset[]): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: Math.max(legacy.length, shadow.length) }, (_, i) => {
    const kind = (legacy[i] ?? shadow[i])?.kind || 'asset';
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    return n === 1 ? kind : `${kind} ${n}`;
  });
}

const refOf = (asset: { file: string; sha256: string }, size?: { width: number | null; height: number | null }): FileRef => ({
  file: asset.file,
  sha256: asset.sha256,
  width: size?.width ?? null,
  height: size?.height ?? null,
});

const facts = (asset: SideAsset | undefined): ArtifactFile | null =>
  asset ? { file: path.resolve(asset.file), sha256: asset.sha256, width: asset.width, height: asset.height } : null;

/** Any other format: by hash only; differing hashes warn, since the content cannot be judged. */
async function compareFiles(legacy: FileRef, shadow: FileRef, name: string, format: string): Promise<ArtifactComparison> {
  const [lh, sh] = await Promise.all([hashOf(legacy), hashOf(shadow)]);
  const side = (ref: FileRef, sha256: string | null): ArtifactFile | null =>
    sha256 ? { file: path.resolve(ref.file), sha256, width: ref.width ?? null, height: ref.height ?? null } : null;
  const l = side(legacy, lh);
  const s = side(shadow, sh);
  if (!l || !s) return missingArtifact(name, name, l, s, 'file not found');
  const result = baseArtifact(name, 'file', l, s);
  if (result.sameHash) return { ...result, sameSize: true };
  return { ...result, verdict: 'warn', reasons: [`${name}: hashes differ, and ${format || 'this format'} is not compared by content`] };
}

/** Image sequences (kept frames), frame by frame; the artifact's files are the first frames'. */
async function compareImageSequence(
  legacy: readonly FileRef[],
  shadow: readonly FileRef[],
  name: string,
  workDir: string,
  thresholds: Thresholds,
): Promise<ArtifactComparison> {
  const sequence = await compareSequence(pairFrames(legacy, shadow), { label: name, thresholds, heatmapDir: path.join(workDir, slug(name), 'heatmaps') });
  const present = sequence.frames.filter((f) => f.kind !== 'missing');
  const first = present[0];
  return {
    name,
    kind: 'image',
    legacy: first?.legacy ?? null,
    shadow: first?.shadow ?? null,
    sameHash: sequence.frames.every((f) => f.sameHash),
    sameSize: sequence.frames.every((f) => f.sameSize),
    pixels: sequence.pixels,
    heatmap: sequence.heatmap,
    frames: sequence.frames,
    blend: null,
    ...sequence.judgement,
  };
}

async function compareAssetPair(
  legacy: SideAsset,
  shadow: SideAsset,
  name: string,
  input: CompareRunsInput,
  thresholds: Thresholds,
): Promise<ArtifactComparison[]> {
  const workDir = path.resolve(input.workDir);
  const legacyFormat = normalizeFormat(legacy.format, legacy.file);
  const shadowFormat = normalizeFormat(shadow.format, shadow.file);
  const legacyClass = formatClass(legacyFormat);
  const shadowClass = formatClass(shadowFormat);
  const pairReasons = new Reasons();
  if (legacy.kind !== shadow.kind) pairReasons.fail(`${name}: kind differs (legacy ${legacy.kind}, shadow ${shadow.kind})`);
  if (legacyFormat !== shadowFormat) pairReasons.fail(`${name}: format differs (legacy ${legacyFormat || 'none'}, shadow ${shadowFormat || 'none'})`);

  const framesOf = (asset: SideAsset): FileRef[] => asset.attachments.filter((a) => a.role === 'frame').map((a) => refOf(a));
  const legacyFrames = framesOf(legacy);
  const shadowFrames = framesOf(shadow);
  const hasFrames = legacyFrames.length > 0 || shadowFrames.length > 0;
  const mainLegacy = refOf(legacy, legacy);
  const mainShadow = refOf(shadow, shadow);

  const out: ArtifactComparison[] = [];
  let main: ArtifactComparison;
  const cls = legacyClass === shadowClass ? legacyClass : 'file';
  if (cls === 'image' && hasFrames) {
    // A sequence published as its first frame plus the rest as frame attachments.
    main = await compareImageSequence([mainLegacy, ...legacyFrames], [mainShadow, ...shadowFrames], name, workDir, thresholds);
  } else if (cls === 'image') {
    main = await compareImages(mainLegacy, mainShadow, { name, thresholds, heatmapPath: path.join(workDir, slug(name), 'heatmap.png') });
  } else if (cls === 'video') {
    main = await compareVideos(mainLegacy, mainShadow, { name, workDir, thresholds, ...(input.ffmpegPath ? { ffmpegPath: input.ffmpegPath } : {}) });
  } else if (cls === 'blend') {
    main = await compareBlendFiles(mainLegacy, mainShadow, { name, ...(input.blendDump ? { blendDump: input.blendDump } : {}) });
  } else {
    main = await compareFiles(mainLegacy, mainShadow, name, legacyFormat);
  }
  pairReasons.addJudgement(main);
  out.push({ ...main, ...pairReasons.judgement });

  if (hasFrames && !(cls === 'image')) out.push(await compareImageSequence(legacyFrames, shadowFrames, `${name} frames`, workDir, thresholds));

  const thumbs = (asset: SideAsset): FileRef[] =>
    asset.attachments
      .filter((a) => a.role === 'thumbnail')
      .map((a) => refOf(a))
      .sort((a, b) => path.basename(a.file).localeCompare(path.basename(b.file), 'en', { numeric: true }));
  const legacyThumbs = thumbs(legacy);
  const shadowThumbs = thumbs(shadow);
  for (let i = 0; i < Math.max(legacyThumbs.length, shadowThumbs.length); i++) {
    const thumbName = `${name} thumbnail${i === 0 ? '' : ` ${i + 1}`}`;
    const l = legacyThumbs[i];
    const s = shadowThumbs[i];
    if (!l || !s) {
      const side = (ref: FileRef | undefined): ArtifactFile | null => (ref ? { file: path.resolve(ref.file), sha256: ref.sha256 ?? '', width: null, height: null } : null);
      out.push(missingArtifact(thumbName, thumbName, side(l), side(s)));
    } else {
      out.push(await compareImages(l, s, { name: thumbName, thresholds, heatmapPath: path.join(workDir, slug(thumbName), 'heatmap.png') }));
    }
  }
  return out;
}

/** Compares a legacy run with its shadow; files that are missing or cannot be decoded become fail reasons, never throws for them. */
export async function compareRuns(input: CompareRunsInput): Promise<ComparisonReport> {
  const thresholds = resolveThresholds(input.thresholds);
  const { legacy, shadow } = input;
  const names = assetNames(legacy.assets, shadow.assets);
  const artifacts: ArtifactComparison[] = [];
  for (const [i, name] of names.entries()) {
    const l = legacy.assets[i];
    const s = shadow.assets[i];
    if (!l || !s) artifacts.push(missingArtifact(name, name, facts(l), facts(s)));
    else artifacts.push(...(await compareAssetPair(l, s, name, input, thresholds)));
  }
  const records = compareRecords(legacy, shadow);
  const { verdict, reasons } = judgeReport(artifacts, records);
  return { verdict, reasons, artifacts, records, thresholds };
}
