import { z } from 'zod';
import { ExecutionModeSchema, FamilySchema, IdSchema } from '../workflow/document';
import { BackgroundModeSchema, ImageFormatSchema, VideoCodecSchema } from '../nodes/settings-parts';

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
    /** `latest_approved`: dispatch the newest revision with an approved shadow pass for this output type (else the pinned one). */
    revisionPolicy: z.enum(['pinned', 'latest_approved']).optional(),
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

/** What an output type promises to deliver, by artifact kind (checked against the bound workflow). */
export const ArtifactContractSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('still'),
    format: ImageFormatSchema,
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    background: z.object({ mode: BackgroundModeSchema, color: z.string() }),
  }),
  z.object({ kind: z.literal('turntable'), frames: z.number().int().min(1), fps: z.number().int().min(1), codec: VideoCodecSchema }),
  z.object({ kind: z.literal('blend'), pack_resources: z.boolean(), compress: z.boolean() }),
]);
export type ArtifactContract = z.infer<typeof ArtifactContractSchema>;

/** One exposed parameter of a workflow as the output-type form shows it. */
export const ProfileParameterSchema = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  required: z.boolean(),
  /** The backend's default: the parameter's own, else the node setting's default it targets. */
  default: z.unknown(),
  /** JSON Schema of the setting it targets (constraints for the form). */
  schema: z.record(z.string(), z.unknown()).nullable(),
  targets: z.array(z.object({ nodeId: z.string(), setting: z.string() })),
});

export const OutputTypeProblemSchema = z.object({ path: z.string(), message: z.string() });

export const ProfileDefaultsSchema = z.object({
  workflowId: z.string(),
  workflowRevision: z.number().int(),
  workflowName: z.string(),
  family: FamilySchema,
  /** What the workflow delivers (null when it delivers nothing an output type can promise). */
  artifactKind: OutputArtifactKindSchema.nullable(),
  parameters: z.array(ProfileParameterSchema),
  /** The contract the workflow gives with these parameter values. */
  artifact: ArtifactContractSchema.nullable(),
  problems: z.array(OutputTypeProblemSchema),
});

/** Creating or editing an output type: a name and a workflow are enough, the backend fills the rest. */
export const OutputTypeDraftSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits and _').max(100).optional(),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    workflowId: IdSchema,
    workflowRevision: z.number().int().min(1).optional(),
    revisionPolicy: z.enum(['pinned', 'latest_approved']).optional(),
    parameterValues: z.record(z.string(), z.unknown()).optional(),
    artifact: z.looseObject({ kind: OutputArtifactKindSchema }).optional(),
    executionMode: ExecutionModeSchema.optional(),
    active: z.boolean().optional(),
  })
  .strict();
