import { createHash } from 'node:crypto';
import { revisionIdText, workflowContentText } from '../../../shared/workflow/content';

/** Who a stored revision is in the history: its id, the ids it was made from, what it holds. */
export interface RevisionIdentity {
  /** sha256 (hex) of its parents and content hash: stable, the same wherever the same change was made. */
  revisionId: string;
  /** One id for a save (none for a workflow's first revision); two for a merge (ours first). */
  parents: string[];
  /** sha256 (hex) of the canonical JSON of the document without its revision number: key order does not matter. */
  contentHash: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function workflowContentHash(document: object): string {
  return sha256(workflowContentText(document));
}

export function revisionIdentity(document: object, parents: readonly string[]): RevisionIdentity {
  const contentHash = workflowContentHash(document);
  return { revisionId: sha256(revisionIdText(parents, contentHash)), parents: [...parents], contentHash };
}
