import { z } from 'zod';
import { ExecutionModeSchema, FamilySchema, IdSchema, WorkflowDocumentSchema } from './document';
import { ProblemSchema } from './problems';

export const WorkflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  family: FamilySchema,
  executionMode: ExecutionModeSchema,
  revision: z.number().int(),
  nodeCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
});
export type WorkflowSummary = z.infer<typeof WorkflowSummarySchema>;

export const WorkflowRevisionSchema = z.object({
  revision: z.number().int(),
  savedAt: z.string(),
  note: z.string().nullable(),
  nodeCount: z.number().int(),
  edgeCount: z.number().int(),
  /** Stable across data directories: sha256 of the parents and the content hash. */
  revisionId: z.string(),
  /** The revision(s) it was made from: none for the first, one for a save, two for a merge. */
  parents: z.array(z.string()).max(2),
  /** sha256 of the canonical JSON of the document without its revision number (shared/workflow/content.ts). */
  contentHash: z.string(),
});
export type WorkflowRevision = z.infer<typeof WorkflowRevisionSchema>;

export const ValidationModeSchema = z.enum(['save', 'dispatch']);
export type ValidationMode = z.infer<typeof ValidationModeSchema>;

export const WorkflowsListInput = z
  .object({
    search: z.string().max(200).optional(),
    family: FamilySchema.optional(),
    includeDeleted: z.boolean().optional(),
  })
  .strict();

export const WorkflowsGetInput = z.object({ id: IdSchema, revision: z.number().int().min(1).optional() }).strict();

export const WorkflowsSaveInput = z
  .object({
    /** Checked by the backend against the canonical schema and the node registry; anything else is refused. */
    document: z.unknown(),
    note: z.string().max(500).optional(),
  })
  .strict();

export const WorkflowsSaveOutput = z.object({
  document: WorkflowDocumentSchema,
  /** Warnings and notes that did not block the save. */
  problems: z.array(ProblemSchema),
});

export const WorkflowsValidateInput = z.object({ document: z.unknown(), mode: ValidationModeSchema.optional() }).strict();
export const WorkflowsValidateOutput = z.object({ valid: z.boolean(), problems: z.array(ProblemSchema) });
