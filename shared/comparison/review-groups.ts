import { z } from 'zod';
import { ReviewDecisionSchema, VerdictSchema } from './api';
import { DEFAULT_PAGE_SIZE, PageFields, pageOf } from '../paging/page';

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
  /** A pending warn or fail neither opened nor excused: it blocks its group's approval. */
  unresolved: z.boolean(),
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
  /** How many comparisons its pending set held (each got a review). */
  comparisonCount: z.number().int(),
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
    /** Pending warn/fail comparisons neither opened nor excused: they block an approval. */
    unresolved: z.number().int(),
    /** Since the last decision (null: never decided). */
    since: z.string().nullable(),
  }),
  awaitingDecision: z.boolean(),
  lastDecision: GroupDecisionSchema.nullable(),
  /**
   * The members the page draws: the first page of differences and the contact sheet's sample,
   * each once (a year's passes would make the answer megabytes). review.members pages through
   * the rest.
   */
  members: z.array(ReviewGroupMemberSchema),
  /** The differences (warn, fail), pending first, then fail before warn and the worst delta: the first page, by id. */
  differences: z.object({ comparisonIds: z.array(z.string()), nextCursor: z.string().nullable() }),
  /** What the contact sheet shows: every member when small; else a sample of the worst differences, then each CAD file's worst passes. */
  contactSheet: z.object({ sampled: z.boolean(), comparisonIds: z.array(z.string()), total: z.number().int() }),
});
export type ReviewGroup = z.infer<typeof ReviewGroupSchema>;

/** Groups come a few at a time: each carries up to a page of differences and a contact-sheet sample. */
export const REVIEW_GROUPS_PAGE = 5;
export const ReviewGroupsInput = z
  .object({
    outputTypeKey: z.string().max(200).optional(),
    /** Only groups awaiting a decision. */
    awaiting: z.boolean().optional(),
    /** One group. */
    groupId: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(50).default(REVIEW_GROUPS_PAGE),
    cursor: PageFields.cursor,
  })
  .strict();

export const ReviewGroupsOutput = z.object({ groups: z.array(ReviewGroupSchema), nextCursor: z.string().nullable(), awaitingDecision: z.number().int() });

/** The members of one group a page at a time, in review order (pending first, then fail, warn, pass, then the worst delta). */
export const ReviewMembersInput = z
  .object({
    groupId: z.string().min(1).max(100),
    /** Only the differences (warn, fail). */
    differences: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).default(DEFAULT_PAGE_SIZE),
    cursor: PageFields.cursor,
  })
  .strict();
export const ReviewMembersOutput = pageOf(ReviewGroupMemberSchema);

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
