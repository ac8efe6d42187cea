import { z } from 'zod';
import { MediaAssetSchema } from '../media/api';
import { NotificationSchema } from '../notifications/api';
import { DraftSchema, RenderLogSchema, WorkflowRunSchema } from '../runs/api';
import { BackgroundModeSchema, CameraSettings, MaterialKey } from '../nodes/settings-parts';
import { ExecutionModeSchema } from '../workflow/document';
import { OutputArtifactKindSchema } from '../output-types/profile';
import { PageFields } from '../paging/page';

/** What an order line may change of its output type (DESIGN.md glossary). */
export const OrderLineOverridesSchema = z
  .object({
    background: z
      .object({ mode: BackgroundModeSchema.optional(), color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a color as #rrggbb').optional() })
      .strict()
      .optional(),
    /** A material library key used for every part the preset does not match by name. */
    materialVariant: MaterialKey.optional(),
    cameraAngle: CameraSettings.shape.angle.unwrap().optional(),
  })
  .strict();
export type OrderLineOverrides = z.infer<typeof OrderLineOverridesSchema>;

export const OrderLineStatusSchema = z.enum(['queued', 'rendering', 'succeeded', 'failed', 'cancelled']);

export const OrderLineSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  lineNo: z.number().int(),
  cadFileId: z.string(),
  cadName: z.string(),
  outputTypeKey: z.string(),
  overrides: OrderLineOverridesSchema,
  status: OrderLineStatusSchema,
  modeUsed: ExecutionModeSchema.nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  assetIds: z.array(z.string()),
  /** When the line was cancelled before being dispatched; such a line is never dispatched. */
  cancelledAt: z.string().nullable(),
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const OrderSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  /** When the order was archived: hidden from the list by default, its lines are not dispatched. */
  archivedAt: z.string().nullable(),
  lines: z.array(OrderLineSchema),
});
export type Order = z.infer<typeof OrderSchema>;

export const OrdersCreateInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    /** One line per CAD file × output type × copies. */
    cadFileIds: z.array(z.string().min(1).max(100)).min(1).max(500),
    outputTypeKeys: z.array(z.string().min(1).max(100)).min(1).max(100),
    copies: z.number().int().min(1).max(100).default(1),
    overrides: OrderLineOverridesSchema.default({}),
  })
  .strict();

export const OrdersListInput = z
  .object({
    /** Archived orders too (default: only the others). */
    includeArchived: z.boolean().default(false),
    ...PageFields,
  })
  .strict();

/** How many lines of each status. */
export const LineStatusCountsSchema = z.object({ queued: z.number().int(), rendering: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), cancelled: z.number().int() });
export type LineStatusCounts = z.infer<typeof LineStatusCountsSchema>;

/** An order as the orders list shows it: its lines counted by status, read page by page with orders.lines. */
export const OrderSummarySchema = OrderSchema.omit({ lines: true }).extend({ lineCount: z.number().int(), lineCounts: LineStatusCountsSchema });
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

/**
 * Lines of one order in line order, or of every order newest first; search matches the line id,
 * CAD file name and output type key.
 */
export const OrdersLinesInput = z
  .object({
    orderId: z.string().min(1).max(100).optional(),
    status: OrderLineStatusSchema.optional(),
    cadFileId: z.string().min(1).max(100).optional(),
    outputTypeKey: z.string().min(1).max(100).optional(),
    /** Without orderId: lines of archived orders too. */
    includeArchived: z.boolean().default(false),
    ...PageFields,
  })
  .strict();

export const OrdersSummaryInput = z.object({ includeArchived: z.boolean().default(false) }).strict();
export const OrdersSummarySchema = z.object({ orders: z.number().int(), lines: LineStatusCountsSchema });

export const OrderLineIdInput = z.object({ orderLineId: z.string().min(1).max(100) }).strict();
export const OrderIdInput = z.object({ orderId: z.string().min(1).max(100) }).strict();

/**
 * orders.cancel: a rendering line's dispatch is stopped (the line may be dispatched again);
 * a line waiting for dispatch is cancelled for good (`line.cancelledAt`).
 */
export const OrdersCancelOutput = z.object({ cancelled: z.boolean(), line: OrderLineSchema.nullable() });

export const DispatchInput = z
  .object({
    orderLineId: z.string().min(1).max(100),
    mode: ExecutionModeSchema.optional(),
    draft: DraftSchema.optional(),
  })
  .strict();

export const DispatchStarted = z.object({ orderLineId: z.string(), runId: z.string(), attempt: z.number().int(), alreadyDone: z.boolean() });

export const OrderLineDetailSchema = z.object({
  line: OrderLineSchema,
  runs: z.array(WorkflowRunSchema),
  assets: z.array(MediaAssetSchema),
  notifications: z.array(NotificationSchema),
  renderLogs: z.array(RenderLogSchema),
});
export type OrderLineDetail = z.infer<typeof OrderLineDetailSchema>;

/** Live progress of a dispatch (a step started or finished, render progress). */
export const OrderProgressSchema = z.object({
  orderLineId: z.string(),
  runId: z.string().nullable(),
  status: OrderLineStatusSchema,
  step: z.string().nullable(),
  done: z.number().optional(),
  total: z.number().optional(),
});

export const OutputTypeSummarySchema = z.object({
  key: z.string(),
  name: z.string(),
  artifact: OutputArtifactKindSchema,
  executionMode: ExecutionModeSchema,
  active: z.boolean(),
  form: z.enum(['legacy_preset', 'invocation_profile', 'both']),
});
export type OutputTypeSummary = z.infer<typeof OutputTypeSummarySchema>;
