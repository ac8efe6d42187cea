import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { ExecutionModeSchema, FamilySchema } from '../../../shared/workflow/document';
import type { RecordKind } from '../../platform/sync-records/record-kind';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { RunStore } from './run-store';

const KEY_IMAGE_PX = 160;
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff']);
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 (64 lowercase hex digits)');

const RunBodySchema = z
  .object({
    family: FamilySchema,
    attempt: z.number().int().min(1),
    mode: ExecutionModeSchema,
    role: z.enum(['authoritative', 'shadow']),
    pipelineKey: z.string().max(200).nullable(),
    workflowId: z.string().max(200).nullable(),
    /** The revision that ran, by id: a number is only a place in one machine's history. */
    workflowRevisionId: Hex64.nullable(),
    status: z.enum(['succeeded', 'failed', 'cancelled', 'interrupted']),
    failedStep: z.string().max(200).nullable(),
    error: z.string().max(20_000).nullable(),
    startedAt: z.string().max(40),
    finishedAt: z.string().max(40).nullable(),
    fallbackReason: z.string().max(4000).nullable(),
    /** A small thumbnail of the first image it rendered, as a data: URL (≤ 200 KB). */
    keyImage: z.string().max(200_000).regex(/^data:image\/webp;base64,/, 'must be a data:image/webp;base64 URL').nullable(),
  })
  .strict();

/** A thumbnail of the first image the run rendered (render logs name its files); null when there is none. */
async function keyImageOf(runs: RunStore, runId: string): Promise<string | null> {
  for (const log of runs.renderLogsOfRun(runId)) {
    const file = log.outputPath;
    if (!file || !IMAGE_EXT.has(path.extname(file).toLowerCase()) || !fs.existsSync(file)) continue;
    try {
      const data = await sharp(file).resize(KEY_IMAGE_PX, KEY_IMAGE_PX, { fit: 'inside' }).webp({ quality: 80 }).toBuffer();
      return `data:image/webp;base64,${data.toString('base64')}`;
    } catch {
      continue; // an unreadable file is no key image; the summary still goes
    }
  }
  return null;
}

/**
 * Runs go up as summaries (issue 17 item 3): what ran, how it ended and a key image; never their
 * node runs, logs or files. A summary received is stored as a run with its origin, so a comparison
 * made elsewhere can point at its two runs here.
 */
export function runRecords(runs: RunStore, workflows: WorkflowStore): RecordKind {
  return {
    kind: 'run',
    mutable: false,
    keys: () => runs.localFinishedIds(),
    keysAfter: (seq, limit) => runs.localAfter(seq, limit),
    has: (key) => runs.get(key) !== undefined,
    async body(key) {
      const run = runs.get(key);
      if (!run || run.status === 'running') return undefined;
      let workflowRevisionId: string | null = null;
      if (run.workflowId && run.workflowRevision !== null) {
        try {
          workflowRevisionId = workflows.revision(run.workflowId, run.workflowRevision).revisionId;
        } catch {
          workflowRevisionId = null; // a workflow deleted since: the summary says which, not which revision
        }
      }
      return {
        family: run.family,
        attempt: run.attempt,
        mode: run.mode,
        role: run.role,
        pipelineKey: run.pipelineKey,
        workflowId: run.workflowId,
        workflowRevisionId,
        status: run.status,
        failedStep: run.failedStep,
        error: run.error,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        fallbackReason: run.fallbackReason,
        keyImage: run.origin ? (run.keyImage ?? null) : await keyImageOf(runs, key),
      };
    },
    apply(key, raw, origin) {
      const parsed = RunBodySchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0] as z.core.$ZodIssue;
        const field = ['body', ...issue.path.map(String)].join('.');
        throw new ApiFailure(ErrorCodes.invalidInput, `${field}: ${issue.message}`, field);
      }
      const { workflowRevisionId, ...body } = parsed.data;
      const found = workflowRevisionId ? workflows.locate(workflowRevisionId) : undefined;
      runs.insertSummary({ id: key, ...body, workflowRevision: found && found.workflowId === body.workflowId ? found.revision : null }, origin);
    },
    leadNeededFor: () => null,
  };
}
