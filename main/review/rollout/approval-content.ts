/**
 * Approvals follow content (issue 17 item 7; DESIGN.md "Sync"): a shadow pass and its approval
 * are for the content hash of the revision that ran, not for its number. A number is only where a
 * revision sits in one data directory's history; after a sync the same content can have another
 * number, and a merge makes a new revision whose content may differ from the one approved.
 */

export interface BoundRevision {
  revision: number;
  /** Null when the bound revision is not stored here (then numbers are all there is to compare). */
  contentHash: string | null;
}

export interface JudgedComparison {
  workflowRevision: number | null;
  /** Null for comparisons made before content hashes were kept. */
  workflowContentHash: string | null;
  /** The content the latest review judged; null when none, or kept from before. */
  reviewedContentHash: string | null;
}

const short = (hash: string) => hash.slice(0, 12);

/**
 * Why a comparison (and its approval) does not apply to the bound revision, or null when it does:
 * the same content applies whatever its number; other content never does.
 */
export function contentMismatch(bound: BoundRevision, judged: JudgedComparison): string | null {
  if (bound.contentHash !== null && judged.workflowContentHash !== null) {
    if (judged.workflowContentHash !== bound.contentHash) {
      return `its latest pass was for revision ${judged.workflowRevision} (content ${short(judged.workflowContentHash)}), but the bound revision ${bound.revision} has other content (${short(bound.contentHash)}): a change or merge since needs a new shadow pass and approval`;
    }
    if (judged.reviewedContentHash !== null && judged.reviewedContentHash !== bound.contentHash) {
      return `its latest review judged other content (${short(judged.reviewedContentHash)}) than the bound revision ${bound.revision} has (${short(bound.contentHash)}): review it again`;
    }
    return null;
  }
  // Older comparisons without a content hash: the number, as before.
  if (judged.workflowRevision !== bound.revision) return `its latest pass was for revision ${judged.workflowRevision}, not the bound revision ${bound.revision}`;
  return null;
}
