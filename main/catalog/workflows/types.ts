import type { Family, WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import type { ValidationMode } from '../../../shared/workflow/api';
import type { WorkflowRevision, WorkflowSummary } from '../../../shared/workflow/api';

/** One stored revision: its number here, when, the note, sizes, and its place in the history. */
export type RevisionInfo = WorkflowRevision;

export interface SaveResult {
  document: WorkflowDocument;
  problems: Problem[];
  /** The stored revision's id, parents and content hash. */
  revisionInfo: RevisionInfo;
  /** False only for a save with `unlessUnchanged` whose content equals the current revision's: nothing was stored. */
  stored: boolean;
}

export interface SaveOptions {
  /**
   * For a merge: the id of a revision of this workflow (already stored) that becomes the new
   * revision's second parent, after the revision it was saved on.
   */
  mergedFrom?: string;
  /**
   * Store nothing when the document's content hash equals the current revision's (an import of
   * what is already there); the answer then names the current revision with `stored: false`.
   */
  unlessUnchanged?: boolean;
}

/**
 * Workflows with full revision history in SQLite. save() accepts only a valid canonical document
 * (refusing with ApiFailure code "invalid_workflow" and every problem otherwise, storing nothing);
 * a save names the revision it was based on (0 for a new workflow) and gets the next one.
 * Revisions are append-only: nothing here changes or removes one once stored.
 */
export interface WorkflowStore {
  list(filter?: { search?: string; family?: Family; includeDeleted?: boolean }): WorkflowSummary[];
  get(id: string, revision?: number): WorkflowDocument;
  save(document: unknown, note?: string, options?: SaveOptions): SaveResult;
  validate(document: unknown, mode?: ValidationMode): { valid: boolean; problems: Problem[] };
  delete(id: string): { id: string; deletedAt: string };
  /** Newest first. */
  revisions(id: string): RevisionInfo[];
  /** One revision's history entry: the current one, or the one asked for. */
  revision(id: string, revision?: number): RevisionInfo;
}
