import { z } from 'zod';
import { ExecutionModeSchema, IdSchema } from '../workflow/document';

export const OutputArtifactKindSchema = z.enum(['still', 'turntable', 'blend']);

/**
 * How an output type invokes a workflow: which one, pinned to a revision, with a value for its
 * parameters by name. Deliberately minimal; later issues extend it (loose artifact for that).
 */
export const InvocationProfileSchema = z
  .object({
    workflowId: IdSchema,
    workflowRevision: z.number().int().min(1),
    parameterValues: z.record(z.string(), z.unknown()),
    artifact: z.looseObject({ kind: OutputArtifactKindSchema }),
    /** Absent: the bound workflow's mode decides (DESIGN.md: output type, else workflow, else legacy). */
    executionMode: ExecutionModeSchema.optional(),
  })
  .strict();
export type InvocationProfile = z.infer<typeof InvocationProfileSchema>;

/**
 * An output type: what the studio orders (key, name, artifact) and how it is produced (profile).
 * extra, created_at and updated_at come from a legacy preset and are kept verbatim.
 */
export const OutputTypeSchema = z
  .object({
    key: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    artifact: OutputArtifactKindSchema,
    active: z.boolean(),
    extra: z.record(z.string(), z.unknown()),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
    profile: InvocationProfileSchema,
  })
  .strict();
export type OutputType = z.infer<typeof OutputTypeSchema>;
