import { z } from 'zod';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { ComparisonReportSchema } from '../../../shared/comparison/api';
import type { RecordKind } from '../../platform/sync-records/record-kind';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { RunStore } from '../../production/runs/run-store';
import type { ComparisonStore } from './comparison-store';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 (64 lowercase hex digits)');

const fieldProblem = (error: z.ZodError): ApiFailure => {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const field = ['body', ...issue.path.map(String)].join('.');
  return new ApiFailure(ErrorCodes.invalidInput, `${field}: ${issue.message}`, field);
};

const ComparisonBodySchema = z
  .object({
    outputTypeKey: z.string().min(1).max(200),
    legacyRunId: z.string().min(1).max(100),
    shadowRunId: z.string().min(1).max(100),
    workflowId: z.string().max(200).nullable(),
    workflowRevisionId: Hex64.nullable(),
    workflowContentHash: Hex64.nullable(),
    /** The CAD file it rendered, by content (its order line stays on the machine that made it). */
    cadFileSha256: Hex64.nullable(),
    verdict: z.enum(['pass', 'warn', 'fail']),
    report: ComparisonReportSchema,
    createdAt: z.string().max(40),
  })
  .strict();

/**
 * Comparisons go up as summaries with their report (issue 17 item 3) and come down to the other
 * workstations, so a lead reviews them anywhere; their key images travel with the two runs'
 * summaries, which go first. Files the report names stay on the machine that computed it.
 */
export function comparisonRecords(comparisons: ComparisonStore, runs: RunStore, workflows: WorkflowStore): RecordKind {
  return {
    kind: 'comparison',
    mutable: false,
    keys: () => comparisons.localIds(),
    keysAfter: (seq, limit) => comparisons.localIdsAfter(seq, limit),
    has: (key) => comparisons.has(key),
    body(key) {
      const c = comparisons.get(key);
      if (!c) return undefined;
      let workflowRevisionId: string | null = null;
      if (c.workflowId && c.workflowRevision !== null) {
        try {
          workflowRevisionId = workflows.revision(c.workflowId, c.workflowRevision).revisionId;
        } catch {
          workflowRevisionId = null;
        }
      }
      return {
        outputTypeKey: c.outputTypeKey,
        legacyRunId: c.legacyRunId,
        shadowRunId: c.shadowRunId,
        workflowId: c.workflowId,
        workflowRevisionId,
        workflowContentHash: c.workflowContentHash,
        cadFileSha256: comparisons.cadFileSha256(key),
        verdict: c.verdict,
        report: c.report,
        createdAt: c.createdAt,
      };
    },
    apply(key, raw, origin) {
      const parsed = ComparisonBodySchema.safeParse(raw);
      if (!parsed.success) throw fieldProblem(parsed.error);
      const { workflowRevisionId, ...body } = parsed.data;
      for (const field of ['legacyRunId', 'shadowRunId'] as const) {
        if (!runs.get(body[field])) throw new ApiFailure('missing_run', `body.${field}: run ${body[field]} is not stored here; its summary goes before the comparison`, `body.${field}`);
      }
      const found = workflowRevisionId ? workflows.locate(workflowRevisionId) : undefined;
      comparisons.insertSynced({ id: key, ...body, workflowRevision: found && found.workflowId === body.workflowId ? found.revision : null }, origin);
    },
    leadNeededFor: () => null,
  };
}

const ReviewBodySchema = z
  .object({
    comparisonId: z.string().min(1).max(100),
    decision: z.enum(['approve', 'reject']),
    note: z.string().max(4000).nullable(),
    who: z.string().min(1).max(200),
    createdAt: z.string().max(40),
    /** The content the review judged (approvals follow content, issue 17 item 7). */
    contentHash: Hex64.nullable(),
  })
  .strict();

/** Reviews of comparisons: made once, kept by id; on the hub only a lead's are taken (and signed with their name). */
export function reviewRecords(comparisons: ComparisonStore): RecordKind {
  return {
    kind: 'review',
    mutable: false,
    keys: () => comparisons.reviewIds(),
    keysAfter: (seq, limit) => comparisons.reviewIdsAfter(seq, limit),
    has: (key) => comparisons.reviewById(key) !== undefined,
    body(key) {
      const r = comparisons.reviewById(key);
      if (!r) return undefined;
      const { id: _id, ...body } = r;
      return body;
    },
    apply(key, raw) {
      const parsed = ReviewBodySchema.safeParse(raw);
      if (!parsed.success) throw fieldProblem(parsed.error);
      const body = parsed.data;
      const compared = comparisons.get(body.comparisonId);
      if (!compared) throw new ApiFailure('missing_comparison', `body.comparisonId: comparison ${body.comparisonId} is not stored here; its summary goes before its reviews`, 'body.comparisonId');
      if (body.decision === 'approve' && compared.verdict === 'fail') {
        throw new ApiFailure('not_approvable', `body.decision: comparison ${compared.id} failed: a failed comparison can be rejected, not approved`, 'body.decision');
      }
      comparisons.insertSyncedReview({ id: key, ...body });
    },
    leadNeededFor: (body) => `${body.decision === 'reject' ? 'rejecting' : 'approving'} a comparison`,
  };
}
