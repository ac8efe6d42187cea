import type { ArtifactComparison, ComparisonReport } from './api';

/** An artifact's (or frame's) worst pixel difference, its frames included; a missing one counts as 1. */
export function artifactDelta(a: ArtifactComparison): number {
  return Math.max(a.kind === 'missing' ? 1 : (a.pixels?.meanError ?? 0), ...a.frames.map(artifactDelta));
}

/** The worst pixel difference in a report: the largest mean error of any artifact or frame (a missing artifact counts as 1). */
export function worstDelta(report: Pick<ComparisonReport, 'artifacts'>): number {
  return report.artifacts.reduce((worst, a) => Math.max(worst, artifactDelta(a)), 0);
}

/**
 * What a review group's id is hashed from: output type, workflow and the content that ran (a
 * revision number is only local history). The id is `g-` and the first 16 hex digits of its sha256.
 */
export function reviewGroupKeyText(c: { outputTypeKey: string; workflowId: string | null; workflowContentHash: string | null }): string {
  return JSON.stringify([c.outputTypeKey, c.workflowId, c.workflowContentHash]);
}
