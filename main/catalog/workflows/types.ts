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

/** A revision made elsewhere (another data directory), with the id and parents it has there. */
export interface ReceivedRevision {
  workflowId: string;
  revisionId: string;
  parents: string[];
  contentHash: string;
  document: unknown;
  note?: string | null;
}

export interface ReceiveResult {
  /** False when this history already held the revision. */
  stored: boolean;
  /** Its row number here. */
  revision: number;
  /** Whether it is now the workflow's current revision (it continued the head, or started the workflow). */
  head: boolean;
}

/** One row of the history in the order it was stored here: what a hub hands out after a cursor. */
export interface LoggedRevision {
  seq: number;
  workflowId: string;
  revisionId: string;
  parents: string[];
  contentHash: string;
  document: Record<string, unknown>;
  note: string | null;
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
  /**
   * Stores a revision made elsewhere with its own id and parents, after checking that the
   * content hash is the document's, the id is the hash of the parents and content hash, every
   * parent is in this workflow's history and the document validates (ApiFailure naming the field
   * otherwise). The workflow's head moves to it only when it continues the head; otherwise it is
   * kept beside it, for a merge.
   */
  receive(revision: ReceivedRevision): ReceiveResult;
  /** Where a revision id is stored here, if it is. */
  locate(revisionId: string): { workflowId: string; revision: number } | undefined;
  /** Every stored revision after `since` (a position in this store's append-only log), oldest first. */
  log(since: number, limit: number): LoggedRevision[];
  /** The last position of the log (0 when empty). */
  logEnd(): number;
  /** Per workflow (deleted ones too), the id of its current revision. */
  heads(): Record<string, string>;
}
