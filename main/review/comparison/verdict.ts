// Verdict rules (DESIGN.md "Comparison"): thresholds from Blender's render tests, every reason kept.
import {
  DEFAULT_THRESHOLDS,
  type ArtifactComparison,
  type ArtifactFile,
  type ArtifactKind,
  type PixelStats,
  type RecordComparison,
  type Thresholds,
  type Verdict,
} from '../../../shared/comparison/api';

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

export function resolveThresholds(partial?: Partial<Thresholds>): Thresholds {
  const merged = { ...DEFAULT_THRESHOLDS };
  for (const key of ['meanError', 'pixelDelta', 'overShare'] as const) {
    const value = partial?.[key];
    if (value !== undefined) {
      if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`threshold ${key} must be within 0..1, got ${value}`);
      merged[key] = value;
    }
  }
  return merged;
}

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const verdict of verdicts) if (RANK[verdict] > RANK[worst]) worst = verdict;
  return worst;
}

/** A verdict with the reasons behind it; `pass` carries none. */
export interface Judgement {
  verdict: Verdict;
  reasons: string[];
}

/** Collects reasons, each with its own severity; the verdict is the worst of them. */
export class Reasons {
  private readonly items: { verdict: Exclude<Verdict, 'pass'>; text: string }[] = [];
  private floor: Verdict = 'pass';
  fail(text: string): void {
    this.items.push({ verdict: 'fail', text });
  }
  warn(text: string): void {
    this.items.push({ verdict: 'warn', text });
  }
  addJudgement(judgement: Judgement): void {
    if (judgement.verdict === 'pass') return;
    this.floor = worstVerdict([this.floor, judgement.verdict]);
    for (const text of judgement.reasons) this.items.push({ verdict: judgement.verdict, text });
  }
  get judgement(): Judgement {
    return { verdict: worstVerdict([this.floor, ...this.items.map((i) => i.verdict)]), reasons: this.items.map((i) => i.text) };
  }
}

export const fmt = {
  ratio: (value: number): string => (value === 0 ? '0' : value < 0.0001 ? value.toExponential(2) : value.toFixed(4)),
  percent: (share: number): string => `${(share * 100).toFixed(share > 0 && share < 0.0001 ? 4 : 2)}%`,
  size: (side: ArtifactFile | null): string => (side && side.width !== null && side.height !== null ? `${side.width}×${side.height}` : 'unknown'),
  /** Both values as JSON; one-element lists on both sides (one render log each) shown as their element. */
  pair: (legacy: unknown, shadow: unknown): [string, string] => {
    const single = Array.isArray(legacy) && Array.isArray(shadow) && legacy.length === 1 && shadow.length === 1;
    const show = (v: unknown): string => {
      const shown = single ? (v as unknown[])[0] : v;
      return shown === undefined ? 'none' : JSON.stringify(shown);
    };
    return [show(legacy), show(shadow)];
  },
};

/** Pixel deltas against the thresholds: fail over them, warn for any delta within them, pass at zero. */
export function judgePixels(label: string, stats: PixelStats, thresholds: Thresholds): Judgement {
  const reasons = new Reasons();
  if (stats.meanError > thresholds.meanError) reasons.fail(`${label}: mean error ${fmt.ratio(stats.meanError)} is over the limit ${thresholds.meanError}`);
  if (stats.overShare > thresholds.overShare) {
    reasons.fail(`${label}: ${fmt.percent(stats.overShare)} of pixels differ by more than ${thresholds.pixelDelta} (limit ${fmt.percent(thresholds.overShare)})`);
  }
  const worst = stats.channels.reduce((a, b) => (b.max > a.max ? b : a), { name: 'R', mean: 0, max: 0 });
  if (reasons.judgement.verdict === 'pass' && worst.max > 0) {
    reasons.warn(
      `${label}: pixels differ within the thresholds (mean error ${fmt.ratio(stats.meanError)}, ${fmt.percent(stats.overShare)} of pixels over ${thresholds.pixelDelta}, largest delta ${fmt.ratio(worst.max)} in ${worst.name})`,
    );
  }
  return reasons.judgement;
}

export function sameSize(legacy: ArtifactFile | null, shadow: ArtifactFile | null): boolean {
  return legacy !== null && shadow !== null && legacy.width === shadow.width && legacy.height === shadow.height;
}

/** The comparison of an artifact present on one side only. */
export function missingArtifact(name: string, label: string, legacy: ArtifactFile | null, shadow: ArtifactFile | null, why?: string): ArtifactComparison {
  const missingOn = legacy === null && shadow === null ? 'both legacy and shadow' : legacy === null ? 'legacy' : 'shadow';
  return {
    name,
    kind: 'missing',
    legacy,
    shadow,
    sameHash: false,
    sameSize: false,
    pixels: null,
    heatmap: null,
    frames: [],
    blend: null,
    verdict: 'fail',
    reasons: [`${label}: missing in ${missingOn}${why ? ` (${why})` : ''}`],
  };
}

/** An artifact with nothing but its files, hash and size compared yet. */
export function baseArtifact(name: string, kind: ArtifactKind, legacy: ArtifactFile, shadow: ArtifactFile): ArtifactComparison {
  return {
    name,
    kind,
    legacy,
    shadow,
    sameHash: legacy.sha256 === shadow.sha256,
    sameSize: sameSize(legacy, shadow),
    pixels: null,
    heatmap: null,
    frames: [],
    blend: null,
    verdict: 'pass',
    reasons: [],
  };
}

/** The report's verdict: the worst artifact, any differing record fails; reasons in report order. */
export function judgeReport(artifacts: readonly ArtifactComparison[], records: readonly RecordComparison[]): Judgement {
  const reasons = new Reasons();
  for (const artifact of artifacts) reasons.addJudgement({ verdict: artifact.verdict, reasons: artifact.reasons });
  for (const record of records) {
    if (record.same) continue;
    const [legacy, shadow] = fmt.pair(record.legacy, record.shadow);
    reasons.fail(`${record.field}: differs (legacy ${legacy}, shadow ${shadow})`);
  }
  return reasons.judgement;
}
