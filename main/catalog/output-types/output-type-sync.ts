import { z } from 'zod';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { OutputTypeSchema } from '../../../shared/output-types/profile';
import { ExecutionModeSchema } from '../../../shared/workflow/document';
import type { RecordBody, RecordKind } from '../../platform/sync-records/record-kind';
import type { WorkflowStore } from '../workflows/types';
import type { OutputTypeStore } from './output-type-store';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 (64 lowercase hex digits)');

/**
 * An output type as it crosses machines: its legacy preset text, its profile and its own mode. A
 * profile pins a revision by number, and a number is only a place in one data directory's
 * history, so the record names the revision by id and each side translates.
 */
const OutputTypeBodySchema = z
  .object({
    name: z.string().min(1).max(200),
    artifact: z.enum(['still', 'turntable', 'blend']),
    mode: ExecutionModeSchema.nullable(),
    legacyText: z.string().max(1_000_000).nullable(),
    sourceFile: z.string().max(4000).nullable(),
    outputType: z
      .looseObject({ profile: z.looseObject({ workflowId: z.string(), workflowRevisionId: Hex64 }) })
      .nullable(),
  })
  .strict();

const bodyProblem = (error: z.ZodError, body: unknown): ApiFailure => {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = ['body', ...issue.path.map(String)].join('.');
  let found: unknown = body;
  for (const p of issue.path) found = found && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
  return new ApiFailure(ErrorCodes.invalidInput, `${path}: ${issue.message} (found ${JSON.stringify(found) ?? 'nothing'})`, path);
};

export function outputTypeRecords(store: OutputTypeStore, workflows: WorkflowStore): RecordKind {
  return {
    kind: 'output_type',
    mutable: true,
    keys: () => store.list().map((o) => o.key),
    has: (key) => store.has(key),
    body(key) {
      const stored = store.get(key);
      if (!stored) return undefined;
      let outputType: RecordBody | null = null;
      if (stored.outputType) {
        const { executionMode: _mode, workflowRevision, ...profile } = stored.outputType.profile;
        let revisionId: string;
        try {
          revisionId = workflows.revision(profile.workflowId, workflowRevision).revisionId;
        } catch {
          // The pinned revision is not in this history (a workflow deleted since): it cannot cross as it is.
          return undefined;
        }
        outputType = { ...stored.outputType, profile: { ...profile, workflowRevisionId: revisionId } };
      }
      return { name: stored.name, artifact: stored.artifact, mode: stored.mode, legacyText: stored.legacyText, sourceFile: stored.sourceFile, outputType };
    },
    apply(key, raw) {
      const parsed = OutputTypeBodySchema.safeParse(raw);
      if (!parsed.success) throw bodyProblem(parsed.error, raw);
      const body = parsed.data;
      let outputType = null;
      if (body.outputType) {
        const { workflowRevisionId, ...profile } = body.outputType.profile;
        const found = workflows.locate(workflowRevisionId);
        if (!found || found.workflowId !== profile.workflowId) {
          throw new ApiFailure('missing_revision', `body.outputType.profile.workflowRevisionId: revision ${workflowRevisionId} of workflow "${profile.workflowId}" is not stored here; sync its workflow first`, 'body.outputType.profile.workflowRevisionId');
        }
        const checked = OutputTypeSchema.safeParse({ ...body.outputType, key, profile: { ...profile, workflowRevision: found.revision } });
        if (!checked.success) throw bodyProblem(checked.error, { outputType: body.outputType });
        outputType = checked.data;
      }
      store.putSynced({ key, name: body.name, artifact: body.artifact, mode: body.mode, legacyText: body.legacyText, sourceFile: body.sourceFile, outputType });
    },
    leadNeededFor(body, current) {
      const mode = body.mode ?? null;
      const before = current?.mode ?? null;
      // Going back to the legacy path is what a re-imported preset does; anything else is rollout.
      if (mode === before || mode === null || mode === 'legacy') return null;
      return `setting an output type's mode to ${String(mode)} is a rollout change`;
    },
  };
}

/** Mode changes (rollout and its log): made once, kept by id. The output type's mode itself travels in its own record. */
const ModeChangeBodySchema = z
  .object({
    id: z.string().min(1).max(100),
    targetKind: z.enum(['output_type', 'workflow']),
    target: z.string().min(1).max(200),
    fromMode: ExecutionModeSchema.nullable(),
    toMode: ExecutionModeSchema,
    reason: z.string().max(4000).nullable(),
    override: z.boolean(),
    comparisonId: z.string().max(100).nullable(),
    who: z.string().max(200),
    createdAt: z.string().max(40),
  })
  .strict();

export function modeChangeRecords(store: OutputTypeStore, hasComparison: (id: string) => boolean): RecordKind {
  return {
    kind: 'mode_change',
    mutable: false,
    // Received ones too: sync marks them as exchanged, so they are not sent back.
    keys: () => store.modeChangeIds(),
    keysAfter: (seq, limit) => store.modeChangeIdsAfter(seq, limit),
    has: (key) => store.hasModeChange(key),
    body: (key) => store.modeChange(key),
    apply(_key, raw) {
      const parsed = ModeChangeBodySchema.safeParse(raw);
      if (!parsed.success) throw bodyProblem(parsed.error, raw);
      const change = parsed.data;
      // The comparison it cites may not have reached this machine (its summary was not synced): say so in the reason.
      if (change.comparisonId !== null && !hasComparison(change.comparisonId)) {
        store.appendSyncedModeChange({ ...change, comparisonId: null, reason: `${change.reason ?? ''}${change.reason ? ' ' : ''}(on comparison ${change.comparisonId}, not on this machine)` });
      } else store.appendSyncedModeChange(change);
    },
    leadNeededFor: (body) => (body.toMode === 'legacy' ? null : `changing a rollout mode to ${String(body.toMode)}`),
  };
}
