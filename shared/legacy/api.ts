import { z } from 'zod';
import { OutputArtifactKindSchema } from '../output-types/profile';

/** A legacy document handed over as text, with the file name errors should name. */
export const LegacyDocumentInput = z.object({
  fileName: z.string().min(1).max(500),
  text: z.string().max(4 * 1024 * 1024),
});

export const LegacyKindSchema = z.enum(['render_preset', 'preset_workflow']);

export const LegacyErrorSchema = z.object({
  fileName: z.string(),
  path: z.string(),
  message: z.string(),
});
export type LegacyError = z.infer<typeof LegacyErrorSchema>;

export const LegacyImportInput = z.object({ documents: z.array(LegacyDocumentInput).min(1).max(500) }).strict();
export const LegacyImportOutput = z.object({
  imported: z.array(
    z.object({
      fileName: z.string(),
      kind: LegacyKindSchema,
      key: z.string(),
      status: z.enum(['created', 'updated', 'unchanged']),
    }),
  ),
});

export const LegacyDifferenceSchema = z.object({
  kind: LegacyKindSchema,
  key: z.string(),
  path: z.string(),
  legacy: z.unknown(),
  projected: z.unknown(),
});

export const LegacyMigrateInput = z
  .object({
    /** Documents to import first (all-or-nothing), then migrate. */
    documents: z.array(LegacyDocumentInput).max(500).optional(),
    /** Stored keys to migrate; absent means every stored legacy document (and those just imported). */
    keys: z.array(z.string()).max(500).optional(),
    verify: z.boolean().optional(),
    /** Compute and verify, store nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();

export const LegacyMigrateOutput = z.object({
  workflows: z.array(z.object({ pipelineKey: z.string(), workflowId: z.string(), revision: z.number().int() })),
  outputTypes: z.array(
    z.object({ key: z.string(), pipelineKey: z.string(), workflowId: z.string(), workflowRevision: z.number().int() }),
  ),
  verified: z.boolean(),
  differences: z.array(LegacyDifferenceSchema),
});

/** A legacy render preset as read back (FORMAT.md fields; unknown ones refused at import). */
export const RenderPresetView = z.looseObject({ format: z.string(), key: z.string(), name: z.string(), artifact: OutputArtifactKindSchema });
