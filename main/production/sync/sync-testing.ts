import { createHash } from 'node:crypto';
import { revisionIdText, workflowContentText } from '../../../shared/workflow/content';

/** Hashes as an honest sender computes them, for tests that craft pushes by hand. */
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
export const contentHashOf = (document: object) => sha256(workflowContentText(JSON.parse(JSON.stringify(document)) as object));
export const revisionIdOf = (parents: string[], contentHash: string) => sha256(revisionIdText(parents, contentHash));
