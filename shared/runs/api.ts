import { z } from 'zod';
import { PageFields } from '../paging/page';
import { ExecutionModeSchema, FamilySchema, OnErrorSchema } from '../workflow/document';

export const RunStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export const NodeRunStatusSchema = z.enum(['running', 'succeeded', 'failed', 'skipped', 'cancelled', 'interrupted']);
/** What a node did, as streamed while its run goes (reused: served from a stored output). */
export const NodeEventStatusSchema = z.enum(['running', 'succeeded', 'failed', 'skipped', 'reused', 'cancelled']);
export type NodeEventStatus = z.infer<typeof NodeEventStatusSchema>;
/** A shadow run renders beside the authoritative one and is only compared. */
export const RunRoleSchema = z.enum(['authoritative', 'shadow']);
export type RunRole = z.infer<typeof RunRoleSchema>;

/** A draft render: smaller and fewer samples, applied the same in every mode and recorded. */
export const DraftSchema = z.object({ maxSize: z.number().int().min(16).max(8192).optional(), samples: z.number().int().min(1).max(4096).optional() }).strict();
export type Draft = z.infer<typeof DraftSchema>;

export const NodeRunSchema = z.object({
  nodeId: z.string(),
  nodeType: z.string(),
  stepIndex: z.number().int(),
  status: NodeRunStatusSchema,
  /** Succeeded by serving a stored output (same cache key) instead of running. */
  reused: z.boolean(),
  onError: OnErrorSchema,
  settings: z.record(z.string(), z.unknown()).nullable(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  log: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
});
export type NodeRun = z.infer<typeof NodeRunSchema>;

export const WorkflowRunSchema = z.object({
  id: z.string(),
  family: FamilySchema,
  orderLineId: z.string().nullable(),
  cadFileId: z.string().nullable(),
  attempt: z.number().int(),
  mode: ExecutionModeSchema,
  role: RunRoleSchema,
  pipelineKey: z.string().nullable(),
  workflowId: z.string().nullable(),
  workflowRevision: z.number().int().nullable(),
  status: RunStatusSchema,
  failedStep: z.string().nullable(),
  error: z.string().nullable(),
  draft: DraftSchema.nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** On a legacy run: the graph run it stands in for. */
  fallbackOf: z.string().nullable(),
  /** On a graph run that fell back to legacy: why, and the legacy run that took over. */
  fallbackReason: z.string().nullable(),
  fallbackRunId: z.string().nullable(),
  nodes: z.array(NodeRunSchema),
  /** A run made on another machine arrives as a summary (sync): where it came from, null for one run here. */
  origin: z.string().nullable().optional(),
  /** A summary's key image, as a data: URL (a small thumbnail of what it rendered). */
  keyImage: z.string().nullable().optional(),
});
export type WorkflowRun = z.infer<typeof WorkflowRunSchema>;

/** The core fields of one render (DESIGN.md glossary). */
export const RenderLogSchema = z.object({
  id: z.string(),
  runId: z.string(),
  nodeId: z.string(),
  orderLineId: z.string().nullable(),
  engine: z.string().nullable(),
  samples: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  frameStart: z.number().int().nullable(),
  frameEnd: z.number().int().nullable(),
  blenderVersion: z.string().nullable(),
  outputPath: z.string().nullable(),
  outputSha256: z.string().nullable(),
  durationMs: z.number().int(),
  status: z.enum(['succeeded', 'failed']),
  exitCode: z.number().int().nullable(),
  error: z.string().nullable(),
  draft: DraftSchema.nullable(),
  createdAt: z.string(),
});
export type RenderLog = z.infer<typeof RenderLogSchema>;

/** A node of a run moved on (streamed while the run goes). */
export const RunNodeEventSchema = z.object({
  runId: z.string(),
  nodeId: z.string(),
  nodeType: z.string(),
  status: NodeEventStatusSchema,
  error: z.string().optional(),
  done: z.number().optional(),
  total: z.number().optional(),
});

/** One log line of a node of a run. */
export const RunLogEventSchema = z.object({ runId: z.string(), nodeId: z.string(), line: z.string() });

/** A run as the runs list shows it (no node details). */
export const RunSummarySchema = WorkflowRunSchema.omit({ nodes: true }).extend({
  nodeCount: z.number().int(),
  failedNodes: z.number().int(),
  outputTypeKey: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** What the runs pages show beside a run: its CAD file by name (null without one, or once deleted from the library). */
const Named = { cadFileName: z.string().nullable() };
export const RunListItemSchema = RunSummarySchema.extend(Named);
export type RunListItem = z.infer<typeof RunListItemSchema>;
export const RunDetailSchema = WorkflowRunSchema.extend(Named);
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const RunsListInput = z
  .object({
    workflowId: z.string().max(128).optional(),
    mode: ExecutionModeSchema.optional(),
    role: RunRoleSchema.optional(),
    status: RunStatusSchema.optional(),
    /** ISO dates: started at or after / before. */
    since: z.string().max(40).optional(),
    until: z.string().max(40).optional(),
    cadFileId: z.string().max(100).optional(),
    orderLineId: z.string().max(100).optional(),
    /** Search: run id, workflow id, pipeline key, CAD file name. */
    ...PageFields,
  })
  .strict();

/** What a workflow runs on when started from the editor: a CAD file, or an order line (its CAD file and overrides). */
export const WorkflowRunTargetSchema = z
  .object({
    cadFileId: z.string().min(1).max(100).optional(),
    orderLineId: z.string().min(1).max(100).optional(),
    /** The output type whose profile's parameter values apply, as a dispatch of it resolves them; on an order line, the line's own by default. */
    outputTypeKey: z.string().min(1).max(100).optional(),
    parameterValues: z.record(z.string(), z.unknown()).optional(),
    /** A draft: the render's longest side at most maxSize pixels, and this many samples. */
    draft: DraftSchema.optional(),
  })
  .strict();

export const PlanNodeSchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  settings: z.record(z.string(), z.unknown()).nullable(),
  problem: z.string().nullable(),
  disabled: z.boolean(),
  cacheable: z.boolean(),
  willReuse: z.boolean().nullable(),
  selfPublish: z.boolean(),
  renders: z.number().int(),
});

export const WorkflowPlanSchema = z.object({
  valid: z.boolean(),
  problems: z.array(z.looseObject({ code: z.string(), severity: z.string(), path: z.string(), message: z.string() })),
  nodes: z.array(PlanNodeSchema),
  reused: z.number().int(),
  renders: z.number().int(),
});
