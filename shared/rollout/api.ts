import { z } from 'zod';
import { PageFields } from '../paging/page';
import { ExecutionModeSchema } from '../workflow/document';
import { ReviewDecisionSchema, VerdictSchema } from '../comparison/api';

const Rate = z.object({ runs: z.number().int(), failed: z.number().int(), rate: z.number().nullable() });

/** The rollout gate's numbers (issue 19): a studio default, and an output type's own where a lead set them. */
export const RolloutRulesSchema = z.object({
  /** Error rates are counted over the last `windowDays` days or the last `windowRuns` runs, whichever is fewer. */
  windowDays: z.number().int().min(1).max(3650),
  windowRuns: z.number().int().min(1).max(100_000),
  /** Passing shadow comparisons of the bound revision, and distinct CAD files among them, before graph. */
  minPasses: z.number().int().min(1).max(10_000),
  minCadFiles: z.number().int().min(1).max(10_000),
  /** Guarded rollout: graph rolls back to shadow when its fallback rate exceeds legacy's error rate by more than this (0.1 = 10 points). */
  guardMargin: z.number().min(0).max(1),
});
export type RolloutRules = z.infer<typeof RolloutRulesSchema>;

/** One condition of enabling graph: met or not, in words either way. */
const Gate = z.object({ ok: z.boolean(), detail: z.string() });
export const RolloutGatesSchema = z.object({
  /** The latest shadow comparison of the bound revision passed and a lead approved it. */
  approval: Gate,
  /** The bound revision's graph error rate (authoritative and shadow runs) is at or below legacy's over the window. */
  errorRate: Gate.extend({ graph: Rate, legacy: Rate }),
  /** Enough passing comparisons on enough distinct CAD files. */
  coverage: Gate.extend({ passes: z.number().int(), minPasses: z.number().int(), cadFiles: z.number().int(), minCadFiles: z.number().int() }),
});
export type RolloutGates = z.infer<typeof RolloutGatesSchema>;

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
  gates: RolloutGatesSchema,
  /** The rules that apply to it (its own over the studio's), and which of them are its own. */
  rules: RolloutRulesSchema,
  ownRules: RolloutRulesSchema.partial(),
  /** While graph is on: its authoritative runs since it was enabled and how many fell back (the guard's count). */
  guard: z.object({ since: z.string(), runs: z.number().int(), fellBack: z.number().int() }).nullable(),
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

/** The mode log a page at a time, newest first: of some targets (output type keys, workflow ids) or of one kind of target; search: target, reason, who. */
export const RolloutLogInput = z
  .object({ targets: z.array(z.string().min(1).max(128)).max(20).optional(), targetKind: z.enum(['output_type', 'workflow']).optional(), ...PageFields })
  .strict();

export const RolloutStatusSchema = z.object({
  outputTypes: z.array(OutputTypeRolloutSchema),
  workflows: z.array(WorkflowRolloutSchema),
  changes: z.array(ModeChangeSchema),
  studioRules: RolloutRulesSchema,
});

/** Sets the studio's rules (`target: "studio"`) or an output type's own; null clears one (it inherits again). */
export const RolloutSetRulesInput = z
  .object({
    target: z.string().min(1).max(100),
    windowDays: RolloutRulesSchema.shape.windowDays.nullable().optional(),
    windowRuns: RolloutRulesSchema.shape.windowRuns.nullable().optional(),
    minPasses: RolloutRulesSchema.shape.minPasses.nullable().optional(),
    minCadFiles: RolloutRulesSchema.shape.minCadFiles.nullable().optional(),
    guardMargin: RolloutRulesSchema.shape.guardMargin.nullable().optional(),
    who: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
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
