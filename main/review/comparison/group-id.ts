import crypto from 'node:crypto';
import { reviewGroupKeyText } from '../../../shared/comparison/deltas';

/** A review group's id: output type, workflow and the content that ran, hashed (stable across machines). */
export function groupIdOf(c: { outputTypeKey: string; workflowId: string | null; workflowContentHash: string | null }): string {
  return `g-${crypto.createHash('sha256').update(reviewGroupKeyText(c)).digest('hex').slice(0, 16)}`;
}
