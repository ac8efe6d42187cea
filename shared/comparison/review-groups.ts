import { z } from 'zod';
import { ReviewDecisionSchema, VerdictSchema } from './api';

/**
 * Review at studio scale (issue 22): comparisons grouped by output type and the workflow content
 * that ran, decided once per group by a lead. Differences (warn, fail) come first and must each be
 * opened or excused before the group can be approved; a decision covers the pending set it saw.
 */

const Who = z.string().trim().min(1).max(200).optional();

/** One comparison of a group, as the group view and the contact sheet show it. */
export const ReviewGroupMemberSchema = z.object({
  comparisonId: z.string(),
  verdict: VerdictSchema,
  createdAt: z.string(),
  orderLineId: z.string().nullable(),
  workflowRevision: z.number().int().nullable(),
  /** The CAD file it rendered, by content (null when unknown). */
  cadFileSha256: z.string().nullable(),
  /** The worst pixel difference of its artifacts (mean absolute error, 0..1; 0 when identical or not an image). */
  worstDelta: z.number(),
  reasons: z.array(z.string()),
  /** Not covered by a decision yet (no review): part of the group's pending set. */
  pending: z.boolean(),
  review: ReviewDecisionSchema.nullable(),
  openedBy: z.array(z.string()),
  excuse: z.object({ reason: z.string(), who: z.string(), createdAt: z.string() }).nullable(),
});
export type ReviewGroupMember = z.infer<typeof ReviewGroupMemberSchema>;

export const VerdictCountsSchema = z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int(), total: z.number().int() });

export const GroupDecisionSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  decision: ReviewDecisionSchema,
  note: z.string(),
  who: z.string(),
  createdAt: z.string(),
  /** The pending set it covered. */
  comparisonIds: z.array(z.string()),
});
export type GroupDecision = z.infer<typeof GroupDecisionSchema>;

export const ReviewGroupSchema = z.object({
  /** Derived from output type, workflow and content hash: stable across machines. */
  id: z.string(),
  outputTypeKey: z.string(),
  workflowId: z.string().nullable(),
  workflowContentHash: z.string().nullable(),
  /** The revision numbers this content ran under here. */
  workflowRevisions: z.array(z.number().int()),
  counts: VerdictCountsSchema,
  /** Distinct CAD files (by content) among its comparisons. */
  cadFiles: z.number().int(),
  pending: z.object({
    counts: VerdictCountsSchema,
    comparisonIds: z.array(z.string()),
    /** Pending warn/fail comparisons neither opened nor excused: they block an approval. */
    unresolved: z.array(z.string()),
    /** Since the last decision (null: never decided). */
    since: z.string().nullable(),
  }),
  awaitingDecision: z.boolean(),
  lastDecision: GroupDecisionSchema.nullable(),
  /**
   * Warn and fail first, then by worst delta. review.groups answers the differences and the
   * contact sheet's members only (a year's passes would make the answer megabytes); with
   * `allMembers` and a `groupId`, every comparison of that group.
   */
  members: z.array(ReviewGroupMemberSchema),
  /** Whether `members` holds every comparison of the group. */
  allMembers: z.boolean(),
  /** What the contact sheet shows: every member when small, a stratified sample when large. */
  contactSheet: z.object({ sampled: z.boolean(), comparisonIds: z.array(z.string()), total: z.number().int() }),
});
export type ReviewGroup = z.infer<typeof ReviewGroupSchema>;

export const ReviewGroupsInput = z
  .object({
    outputTypeKey: z.string().max(200).optional(),
    /** Only groups awaiting a decision. */
    awaiting: z.boolean().optional(),
    /** One group. */
    groupId: z.string().min(1).max(100).optional(),
    /** Every member of the group (the contact sheet's "Show all"); needs groupId. */
    allMembers: z.boolean().optional(),
  })
  .strict()
  .refine((input) => !input.allMembers || input.groupId !== undefined, { path: ['allMembers'], message: 'allMembers needs a groupId: every comparison of one group at a time' });

export const ReviewGroupsOutput = z.object({ groups: z.array(ReviewGroupSchema), awaitingDecision: z.number().int() });

export const ReviewDecideInput = z
  .object({ groupId: z.string().min(1).max(100), decision: ReviewDecisionSchema, note: z.string().trim().min(1).max(4000), who: Who })
  .strict();
export const ReviewDecideOutput = z.object({ decision: GroupDecisionSchema, group: ReviewGroupSchema });

export const ReviewExcuseInput = z.object({ comparisonId: z.string().min(1).max(100), reason: z.string().trim().min(1).max(4000), who: Who }).strict();
export const ReviewOpenInput = z.object({ comparisonId: z.string().min(1).max(100), who: Who }).strict();
export const ReviewMemberOutput = ReviewGroupMemberSchema;

/** One side of a contact sheet cell: a small PNG, or why there is none. */
export const ThumbnailSideSchema = z.object({ dataUrl: z.string().nullable(), reason: z.string().optional() });
export type ThumbnailSide = z.infer<typeof ThumbnailSideSchema>;

/** A contact sheet cell: legacy | shadow thumbnails of one comparison, and the box (fractions 0..1) around their differing pixels. */
export const PairThumbnailSchema = z.object({
  comparisonId: z.string(),
  /** The artifact shown (the first still, or the worst frame of a sequence); null when nothing was compared. */
  artifact: z.string().nullable(),
  legacy: ThumbnailSideSchema,
  shadow: ThumbnailSideSchema,
  outline: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }).nullable(),
});
export type PairThumbnail = z.infer<typeof PairThumbnailSchema>;

/** Thumbnails of many comparisons in one call, so a contact sheet is not one call per pair. */
export const ReviewThumbnailsInput = z
  .object({ comparisonIds: z.array(z.string().min(1).max(100)).min(1).max(60), size: z.number().int().min(32).max(320).optional() })
  .strict();
export const ReviewThumbnailsOutput = z.object({ items: z.array(PairThumbnailSchema) });
