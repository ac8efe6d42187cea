import type { Family, WorkflowDocument } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import type { ValidationMode } from '../../../shared/workflow/api';
import type { WorkflowSummary } from '../../../shared/workflow/api';

export interface SaveResult {
  document: WorkflowDocument;
  problems: Problem[];
}

/**
 * Workflows with full revision history in SQLite. save() accepts only a valid canonical document
 * (refusing with ApiFailure code "invalid_workflow" and every problem otherwise, storing nothing);
 * a save names the revision it was based on (0 for a new workflow) and gets the next one.
 */
export interface WorkflowStore {
  list(filter?: { search?: string; family?: Family; includeDeleted?: boolean }): WorkflowSummary[];
  get(id: string, revision?: number): WorkflowDocument;
  save(document: unknown, note?: string): SaveResult;
  validate(document: unknown, mode?: ValidationMode): { valid: boolean; problems: Problem[] };
  delete(id: string): { id: string; deletedAt: string };
  revisions(id: string): { revision: number; savedAt: string; note: string | null; nodeCount: number; edgeCount: number }[];
}
