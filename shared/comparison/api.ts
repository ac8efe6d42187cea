import { z } from 'zod';
import { PageFields } from '../paging/page';

/**
 * The shadow comparison report (DESIGN.md "Comparison"): legacy and shadow runs compared per
 * artifact (hash, size, decoded pixels, frames, .blend structure) and per record, with a verdict
 * and every reason behind it.
 */

export const VerdictSchema = z.enum(['pass', 'warn', 'fail']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** A studio lead's decision on a comparison. */
export const ReviewDecisionSchema = z.enum(['approve', 'reject']);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;
/** Comparisons by review: 'pending' is one with no review yet. */
export const ReviewFilterSchema = z.enum(['pending', ...ReviewDecisionSchema.options]);
export type ReviewFilter = z.infer<typeof ReviewFilterSchema>;

/** All values normalized to 0..1. */
export const ThresholdsSchema = z.object({
  /** Fail above this mean absolute delta over all pixels and channels. */
  meanError: z.number().min(0).max(1),
  /** A pixel counts as "over" when its largest channel delta is above this. */
  pixelDelta: z.number().min(0).max(1),
  /** Fail when more than this share of pixels is over `pixelDelta`. */
  overShare: z.number().min(0).max(1),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

/** Blender's own render tests: fail above 0.016 mean error or over 1% of pixels off by more than 0.1. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({ meanError: 0.016, pixelDelta: 0.1, overShare: 0.01 });

/** The structure of a `.blend` file: datablock names per type (no raw bytes). */
export const BlendDumpSchema = z.object({
  objects: z.array(z.string()),
  meshes: z.array(z.string()),
  materials: z.array(z.string()),
  cameras: z.array(z.string()),
  lights: z.array(z.string()),
});
export type BlendDump = z.infer<typeof BlendDumpSchema>;

/** One side's file; width and height are null where they do not apply or could not be read. */
export const ArtifactFileSchema = z.object({
  file: z.string(),
  sha256: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type ArtifactFile = z.infer<typeof ArtifactFileSchema>;

export const ChannelNameSchema = z.enum(['R', 'G', 'B', 'A']);
/** Absolute delta of one channel, normalized to 0..1. */
export const ChannelDeltaSchema = z.object({ name: ChannelNameSchema, mean: z.number().min(0).max(1), max: z.number().min(0).max(1) });
export type ChannelDelta = z.infer<typeof ChannelDeltaSchema>;

export const PixelStatsSchema = z.object({
  channels: z.array(ChannelDeltaSchema),
  /** Mean absolute delta over all pixels and channels (videos and sequences: the worst frame). */
  meanError: z.number().min(0).max(1),
  /** Share of pixels whose largest channel delta is over `pixelDelta` (videos and sequences: the worst frame). */
  overShare: z.number().min(0).max(1),
  /**
   * The box around every differing pixel, in fractions of the picture (0..1); null when none
   * differs. Absent in reports made before it was kept (the heatmap is read then).
   */
  box: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }).nullable().optional(),
});
export type PixelStats = z.infer<typeof PixelStatsSchema>;

export const BlendComparisonSchema = z.object({ legacy: BlendDumpSchema, shadow: BlendDumpSchema, differences: z.array(z.string()) });
export type BlendComparison = z.infer<typeof BlendComparisonSchema>;

/** `file`: any other format, compared by hash only. */
export const ArtifactKindSchema = z.enum(['image', 'video', 'blend', 'file', 'missing']);
export type ArtifactKind = z.infer<typeof ArtifactKindSchema>;

export interface ArtifactComparison {
  /** e.g. 'still', 'video', 'frame 0003', 'still thumbnail', 'blend'. */
  name: string;
  kind: ArtifactKind;
  legacy: ArtifactFile | null;
  shadow: ArtifactFile | null;
  sameHash: boolean;
  sameSize: boolean;
  pixels: PixelStats | null;
  /** Absolute path of a PNG: the per-pixel largest channel delta, amplified (videos and sequences: the worst frame's). */
  heatmap: string | null;
  /** Per frame, for videos and image sequences. */
  frames: ArtifactComparison[];
  blend: BlendComparison | null;
  verdict: Verdict;
  /** The reasons behind this artifact's verdict (its frames' included); empty on pass. */
  reasons: string[];
}

export const ArtifactComparisonSchema: z.ZodType<ArtifactComparison> = z.object({
  name: z.string(),
  kind: ArtifactKindSchema,
  legacy: ArtifactFileSchema.nullable(),
  shadow: ArtifactFileSchema.nullable(),
  sameHash: z.boolean(),
  sameSize: z.boolean(),
  pixels: PixelStatsSchema.nullable(),
  heatmap: z.string().nullable(),
  get frames() {
    return z.array(ArtifactComparisonSchema);
  },
  blend: BlendComparisonSchema.nullable(),
  verdict: VerdictSchema,
  reasons: z.array(z.string()),
});

/** The record fields compared, in report order. */
export const RECORD_FIELDS = [
  'render status',
  'media asset created',
  'notifications',
  'render log: engine',
  'render log: samples',
  'render log: width',
  'render log: height',
  'render log: frame range',
  'render log: blender version',
  'render log: status',
  'render log: exit code',
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

export const RecordComparisonSchema = z.object({
  field: z.string(),
  legacy: z.unknown(),
  shadow: z.unknown(),
  same: z.boolean(),
});
export type RecordComparison = z.infer<typeof RecordComparisonSchema>;

export const ComparisonReportSchema = z.object({
  verdict: VerdictSchema,
  /** Every reason behind the verdict, human readable, each naming its artifact or field. Empty on pass. */
  reasons: z.array(z.string()),
  artifacts: z.array(ArtifactComparisonSchema),
  records: z.array(RecordComparisonSchema),
  thresholds: ThresholdsSchema,
});
export type ComparisonReport = z.infer<typeof ComparisonReportSchema>;

/** A studio lead's decision on a comparison: who, when, why. */
export const ReviewSchema = z.object({ id: z.string(), decision: ReviewDecisionSchema, note: z.string().nullable(), who: z.string(), createdAt: z.string() });
export type Review = z.infer<typeof ReviewSchema>;

/** A stored shadow comparison: which runs, which output type and workflow revision, the report. */
export const ComparisonSchema = z.object({
  id: z.string(),
  orderLineId: z.string().nullable(),
  outputTypeKey: z.string(),
  legacyRunId: z.string(),
  shadowRunId: z.string(),
  workflowId: z.string().nullable(),
  workflowRevision: z.number().int().nullable(),
  verdict: VerdictSchema,
  report: ComparisonReportSchema,
  createdAt: z.string(),
  /** The latest review decides; earlier ones are kept. */
  review: ReviewSchema.nullable(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

/** A comparison as the comparisons list shows it (no artifact details). */
export const ComparisonSummarySchema = ComparisonSchema.omit({ report: true }).extend({ reasons: z.array(z.string()), artifactCount: z.number().int() });

export const ComparisonsListInput = z
  .object({
    outputTypeKey: z.string().max(100).optional(),
    verdict: VerdictSchema.optional(),
    review: ReviewFilterSchema.optional(),
    since: z.string().max(40).optional(),
    until: z.string().max(40).optional(),
    /** Search: output type, workflow, id. */
    ...PageFields,
  })
  .strict();

/** The head of the comparisons page, from its own queries: the latest verdict per output type, how many wait for review, how many were reviewed. */
export const ComparisonsSummarySchema = z.object({
  latestByOutputType: z.record(z.string(), z.object({ id: z.string(), verdict: VerdictSchema, createdAt: z.string(), review: ReviewDecisionSchema.nullable() })),
  pendingReview: z.number().int(),
  reviewed: z.number().int(),
});

export const ReviewInput = z
  .object({ comparisonId: z.string().min(1).max(100), decision: ReviewDecisionSchema, note: z.string().trim().max(4000).optional(), who: z.string().trim().min(1).max(200).optional() })
  .strict();
