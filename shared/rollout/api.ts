import { z } from 'zod';
import { ExecutionModeSchema } from '../workflow/document';
import { ReviewDecisionSchema, VerdictSchema } from '../comparison/api';

const Rate = z.object({ runs: z.number().int(), failed: z.number().int(), rate: z.number().nullable() });

export const OutputTypeRolloutSchema = z.object({
  key: z.string(),
  name: z.string(),
  /** The mode the next dispatch uses (override aside). */
  effectiveMode: ExecutionModeSchema,
  /** Set on the output type itself; null when it follows its workflow. */
  ownMode: ExecutionModeSchema.nullable(),
  workflowId: z.string().nullable(),
  workflowRevision: z.number().int().nullable(),
  workflowMode: ExecutionModeSchema.nullable(),
  latestComparison: z.object({ id: z.string(), verdict: VerdictSchema, workflowRevision: z.number().int().nullable(), createdAt: z.string(), review: ReviewDecisionSchema.nullable() }).nullable(),
  /** An approved pass of the bound revision: what enabling graph needs. */
  cleanPass: z.boolean(),
  errorRates: z.object({ legacy: Rate, graph: Rate }),
  /** Why enabling graph is refused now (the backend's words), or null when it is allowed. */
  graphBlockedBy: z.string().nullable(),
});

export const WorkflowRolloutSchema = z.object({ id: z.string(), name: z.string(), revision: z.number().int(), mode: ExecutionModeSchema, outputTypes: z.array(z.string()) });

export const ModeChangeSchema = z.object({
  id: z.string(),
  targetKind: z.enum(['output_type', 'workflow']),
  target: z.string(),
  fromMode: ExecutionModeSchema.nullable(),
  toMode: ExecutionModeSchema,
  reason: z.string().nullable(),
  override: z.boolean(),
  comparisonId: z.string().nullable(),
  who: z.string(),
  createdAt: z.string(),
});

export const RolloutStatusSchema = z.object({ outputTypes: z.array(OutputTypeRolloutSchema), workflows: z.array(WorkflowRolloutSchema), changes: z.array(ModeChangeSchema) });
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

/** Try a workflow revision in shadow on an output type: the profile pins it, the mode becomes shadow, the log says so. */
export const RolloutTryRevisionInput = z
  .object({
    outputTypeKey: z.string().min(1).max(100),
    /** The output type's bound workflow, or another order_line workflow its parameter values fit. */
    workflowId: z.string().min(1).max(128),
    revision: z.number().int().min(1),
    reason: z.string().trim().max(2000).optional(),
    who: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const RolloutSetInput = z
  .object({
    /** An output type key or a workflow id. */
    target: z.string().min(1).max(128),
    mode: ExecutionModeSchema,
    reason: z.string().trim().max(2000).optional(),
    /** Enable graph without a clean shadow pass: needs a reason, and is recorded as an override. */
    override: z.boolean().optional(),
    who: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
