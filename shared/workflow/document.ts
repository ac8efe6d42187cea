import { z } from 'zod';

/** The canonical workflow schema version this build writes. Older documents are migrated on load. */
export const WORKFLOW_SCHEMA_VERSION = 1;

export const FamilySchema = z.enum(['cad_file', 'order_line']);
export type Family = z.infer<typeof FamilySchema>;

export const ExecutionModeSchema = z.enum(['legacy', 'graph', 'shadow']);
export type ExecutionMode = z.infer<typeof ExecutionModeSchema>;
/** What a node's failure does to its run: fail it, or carry on without the node's outputs. */
export const OnErrorSchema = z.enum(['fail', 'continue']);
export type OnError = z.infer<typeof OnErrorSchema>;

/** What a workflow without an explicit mode is normalized to. */
export const DEFAULT_EXECUTION_MODE: ExecutionMode = 'legacy';

/** Ids of workflows, nodes, edges and parameters: readable, stable, safe in paths and URLs. */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must start with a letter or digit and use only letters, digits, _ . : -');

/**
 * A free-form JSON object. zod's record silently drops an own "__proto__" key (JSON.parse makes
 * one), which would lose data without a word: refuse it by name instead.
 */
const JsonObject = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
      ctx.addIssue({ code: 'custom', message: 'the key "__proto__" is not allowed', path: ['__proto__'] });
    }
  })
  .pipe(z.record(z.string(), z.unknown()));

export const NodeSchema = z
  .object({
    id: IdSchema,
    type: z.string().min(1).max(128),
    typeVersion: z.number().int().min(1),
    label: z.string().max(200).optional(),
    /** Only the values set on this node, by name; the rest come from parameters and the node's defaults. */
    settings: JsonObject,
    position: z.object({ x: z.number().finite(), y: z.number().finite() }).strict(),
    disabled: z.boolean().optional(),
    onError: OnErrorSchema.optional(),
  })
  .strict();
export type WorkflowNode = z.infer<typeof NodeSchema>;

export const EdgeSchema = z
  .object({
    id: IdSchema,
    source: IdSchema,
    sourcePort: z.string().min(1).max(64),
    target: IdSchema,
    targetPort: z.string().min(1).max(64),
  })
  .strict();
export type WorkflowEdge = z.infer<typeof EdgeSchema>;

/** Where a parameter's value goes: a setting (dotted path) of a node. */
export const ParameterTargetSchema = z
  .object({
    nodeId: IdSchema,
    setting: z.string().min(1).max(200),
  })
  .strict();

/**
 * A value the workflow exposes to its callers (an output type's invocation profile gives it).
 * Its type is that of the settings it targets; a node's own explicit setting still wins.
 */
export const ParameterSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be lower_snake_case words joined by dots'),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    targets: z.array(ParameterTargetSchema),
  })
  .strict();
export type WorkflowParameter = z.infer<typeof ParameterSchema>;

export const WorkflowDocumentSchema = z
  .object({
    schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION),
    id: IdSchema,
    name: z.string().trim().min(1, 'must not be empty').max(200),
    family: FamilySchema,
    executionMode: ExecutionModeSchema,
    /** Bumped by the backend on every save; a save must name the revision it was based on. */
    revision: z.number().int().min(0),
    nodes: z.array(NodeSchema),
    edges: z.array(EdgeSchema),
    parameters: z.array(ParameterSchema).optional(),
    /** Free-form; every key survives every save, known or not. */
    metadata: JsonObject,
  })
  .strict();
export type WorkflowDocument = z.infer<typeof WorkflowDocumentSchema>;
