import type { ArtifactComparison, ComparisonReport } from '../../../shared/comparison/api';

/** Up to this many comparisons, the contact sheet shows every pair; above, a stratified sample of this size. */
export const CONTACT_SHEET_ALL = 24;

/** The worst pixel difference in a report: the largest mean error of any artifact or frame (a missing artifact counts as 1). */
export function worstDelta(report: ComparisonReport): number {
  return report.artifacts.reduce((worst, a) => Math.max(worst, artifactDelta(a)), 0);
}

/** An artifact's (or frame's) worst pixel difference, its frames included; a missing one counts as 1. */
export function artifactDelta(a: ArtifactComparison): number {
  return Math.max(a.kind === 'missing' ? 1 : (a.pixels?.meanError ?? 0), ...a.frames.map(artifactDelta));
}

export interface SheetEntry {
  comparisonId: string;
  verdict: 'pass' | 'warn' | 'fail';
  cadFileSha256: string | null;
  worstDelta: number;
}

const VERDICT_RANK = { fail: 0, warn: 1, pass: 2 } as const;
/** Differences first (fail, then warn), then the largest pixel delta. */
export const byConcern = (a: SheetEntry, b: SheetEntry) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || b.worstDelta - a.worstDelta || byId(a.comparisonId, b.comparisonId);
// Ids are ASCII: a plain comparison, not the locale's (localeCompare was a fair part of a large group's sort).
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What the contact sheet shows. Small groups: everything. Large groups: every difference (never
 * averaged away), then the passes stratified by CAD file, each file's worst delta first, taken
 * round-robin so every file is seen before any file is seen twice.
 */
export function contactSheet(entries: SheetEntry[], size = CONTACT_SHEET_ALL): { sampled: boolean; comparisonIds: string[]; total: number } {
  const sorted = [...entries].sort(byConcern);
  if (sorted.length <= size) return { sampled: false, comparisonIds: sorted.map((e) => e.comparisonId), total: entries.length };
  const picked = sorted.filter((e) => e.verdict !== 'pass');
  const strata = new Map<string, SheetEntry[]>();
  for (const e of sorted) {
    if (e.verdict !== 'pass') continue;
    const key = e.cadFileSha256 ?? 'unknown';
    const stratum = strata.get(key);
    if (stratum) stratum.push(e);
    else strata.set(key, [e]);
  }
  const queues = [...strata.values()];
  for (let round = 0; picked.length < size && queues.some((q) => q.length > round); round++) {
    for (const q of queues) {
      const e = q[round];
      if (e && picked.length < size) picked.push(e);
    }
  }
  return { sampled: true, comparisonIds: picked.map((e) => e.comparisonId), total: entries.length };
}
