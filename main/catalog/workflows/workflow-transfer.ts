import { ApiFailure } from '../../../shared/contract/errors';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import type { WorkflowStore } from './types';

export interface ImportedWorkflow {
  workflowId: string;
  /** The revision number the document now is (the current one when nothing was stored). */
  revision: number;
  revisionId: string;
  contentHash: string;
  /** False when the document was identical (same content hash) to the current revision. */
  stored: boolean;
  /** Warnings and notes that did not block the import. */
  problems: Problem[];
}

/** The current revision of a workflow, as a file `importWorkflow` reads back to the same content. */
export function exportWorkflow(store: WorkflowStore, id: string): WorkflowDocument {
  return store.get(id);
}

const NOT_FOUND = 'not_found';

/**
 * Saves a document read from a file as a new revision of the workflow it names (a new workflow
 * when the id is unknown). The file's own revision number only says what it was exported from:
 * the import goes on top of the current revision, like a restore. An invalid document is refused
 * by the store with every problem and a path each, storing nothing; a document identical to the
 * current revision stores nothing either and says so (`stored: false`).
 */
export function importWorkflow(store: WorkflowStore, input: unknown, note = 'imported'): ImportedWorkflow {
  let document = input;
  const id = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as { id?: unknown }).id : undefined;
  if (typeof id === 'string') {
    let current = 0;
    try {
      current = store.revision(id).revision;
    } catch (error) {
      if (!(error instanceof ApiFailure && error.code === NOT_FOUND)) throw error;
    }
    document = { ...(input as object), revision: current };
  }
  const saved = store.save(document, note, { unlessUnchanged: true });
  return {
    workflowId: saved.document.id,
    revision: saved.revisionInfo.revision,
    revisionId: saved.revisionInfo.revisionId,
    contentHash: saved.revisionInfo.contentHash,
    stored: saved.stored,
    problems: saved.problems,
  };
}
