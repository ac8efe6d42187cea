import { z } from 'zod';

/** The most revisions, or records, one push carries (a workstation cuts larger outboxes into pushes of this many at most). */
export const MAX_PUSH_ITEMS = 10_000;

/**
 * What moves between a workstation and the hub (issue 17 item 3; DESIGN.md "Sync"): workflow
 * revisions with their id, parents and content hash, in an order where parents come first.
 * The document is checked by the receiver (hashes, then validation) with the field path of any
 * problem, so it crosses as plain JSON here.
 */

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a sha256)');
const WorkflowIdSchema = z.string().min(1).max(200);

export const SyncRevisionSchema = z
  .object({
    workflowId: WorkflowIdSchema,
    revisionId: Hex64,
    /** None for a workflow's first revision, one for a save, two for a merge (the saver's own first). */
    parents: z.array(Hex64).max(2),
    contentHash: Hex64,
    /** The workflow document; its `revision` number is where it sits in the sender's history and is not content. */
    document: z.record(z.string(), z.unknown()),
    note: z.string().max(2000).nullable().optional(),
  })
  .strict();
export type SyncRevision = z.infer<typeof SyncRevisionSchema>;

/** Per workflow, the id of the hub's current revision. */
export const SyncHeadsSchema = z.record(z.string(), Hex64);

/**
 * What else moves (issue 17 item 3), one record per thing: an output type with its profile and
 * legacy preset (changes in place: `base` is the hash the sender last saw from the hub), and,
 * never changed once made, mode changes, comparison reviews, and run and comparison summaries.
 */
export const SyncRecordKindSchema = z.enum(['output_type', 'run', 'comparison', 'review', 'mode_change']);
export type SyncRecordKind = z.infer<typeof SyncRecordKindSchema>;
export const SyncRecordSchema = z
  .object({
    kind: SyncRecordKindSchema,
    key: z.string().min(1).max(200),
    /** sha256 of the body's canonical JSON. */
    hash: Hex64,
    body: z.record(z.string(), z.unknown()),
    /** An output type's hash as the sender last saw it on the hub (null: it never saw one). */
    base: Hex64.nullable().optional(),
    /** Who made it, as the hub knows them (the hub signs what it takes). */
    who: z.string().max(200).nullable().optional(),
  })
  .strict();
export type SyncRecord = z.infer<typeof SyncRecordSchema>;

export const SyncPullInput = z
  .object({
    /** The cursor the previous pull answered; absent or 0 for everything. */
    since: z.number().int().min(0).optional(),
    /** At most this many revisions per answer (the rest come with `more`). */
    limit: z.number().int().min(1).max(10_000).optional(),
    /** The record cursor the previous pull answered; absent: no records (a hub older than records answers none). */
    recordsSince: z.number().int().min(0).optional(),
  })
  .strict();
export const SyncPullOutput = z.object({
  revisions: z.array(SyncRevisionSchema),
  /** Where the next pull starts. */
  cursor: z.number().int(),
  /** True when the hub has more after `cursor`: pull again. */
  more: z.boolean(),
  heads: SyncHeadsSchema,
  /** Records after `recordsSince`, in the hub's order (with `more` when there are more). */
  records: z.array(SyncRecordSchema).optional(),
  recordCursor: z.number().int().optional(),
});
export type SyncPullResult = z.infer<typeof SyncPullOutput>;

export const SyncPushInput = z
  .object({
    revisions: z.array(SyncRevisionSchema).max(MAX_PUSH_ITEMS),
    records: z.array(SyncRecordSchema).max(MAX_PUSH_ITEMS).optional(),
    /** Set by the hub to the person whose token pushed (whatever the input says): their role decides which records are taken. */
    who: z.string().max(200).optional(),
  })
  .strict();

export const SyncRefusalSchema = z.object({
  workflowId: z.string(),
  revisionId: z.string(),
  /** `behind`: the hub moved on since; pull, merge and push again. Otherwise what was wrong. */
  code: z.string(),
  message: z.string(),
  /** Where in the push, e.g. `revisions[3].contentHash` or `revisions[0].document.nodes[2].type`. */
  path: z.string(),
  /** For a record (workflowId empty then): `kind:key`. */
  record: z.string().optional(),
});
export type SyncRefusal = z.infer<typeof SyncRefusalSchema>;

export const SyncPushOutput = z.object({
  /** Revision ids the hub now holds (newly stored or already there). */
  accepted: z.array(z.string()),
  refused: z.array(SyncRefusalSchema),
  heads: SyncHeadsSchema,
  /** `kind:key` of the records the hub now holds. */
  acceptedRecords: z.array(z.string()).optional(),
});
export type SyncPushResult = z.infer<typeof SyncPushOutput>;

export const SyncConflictSchema = z.object({
  /** `<workflow id>#<conflict id>`: what `lightbox sync resolve` takes. */
  id: z.string(),
  workflowId: z.string(),
  conflictId: z.string(),
  kind: z.string(),
  nodeId: z.string().optional(),
  /** The setting or field, dotted, within the node (or the document). */
  setting: z.string(),
  path: z.array(z.string()),
  base: z.unknown().optional(),
  mine: z.unknown().optional(),
  theirs: z.unknown().optional(),
  message: z.string(),
  /** The choice recorded so far, if any. */
  take: z.enum(['mine', 'theirs']).nullable(),
  baseRevisionId: z.string().nullable(),
  mineRevisionId: z.string(),
  theirsRevisionId: z.string(),
  /** For a record changed here and on the hub (an output type; workflowId empty then). */
  record: z.object({ kind: z.string(), key: z.string() }).optional(),
});
export type SyncConflict = z.infer<typeof SyncConflictSchema>;

export const SyncResolveInput = z.object({ id: z.string().min(1).max(2000), take: z.enum(['mine', 'theirs']) }).strict();
export const SyncResolveOutput = z.object({
  workflowId: z.string(),
  /** Conflicts of this workflow still without a choice (new ones can appear once choices are applied). */
  open: z.array(SyncConflictSchema),
  /** Set once every conflict had a choice: the merge revision saved locally, pushed at the next sync. */
  saved: z.object({ revision: z.number().int(), revisionId: z.string(), parents: z.array(z.string()) }).nullable(),
});
export type SyncResolveResult = z.infer<typeof SyncResolveOutput>;

export const SyncStatusSchema = z.object({
  hubUrl: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  /** Local revisions the hub has not got yet. */
  pending: z.number().int(),
  conflicts: z.number().int(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const SyncRunInput = z
  .object({
    hubUrl: z.string().url().max(2000).refine((u) => /^https?:/i.test(u), 'must be an http or https URL'),
    /** The person's hub token; sent to the hub only, never stored or logged here. */
    token: z.string().min(1).max(500),
  })
  .strict();

export const SyncRunOutput = z.object({
  pushed: z.number().int(),
  pulled: z.number().int(),
  conflicts: z.number().int(),
  refused: z.array(SyncRefusalSchema),
  /** Workflows merged without conflict this time. */
  merged: z.array(z.string()),
  /** Of pushed and pulled, how many per record kind (workflow revisions under `revision`). */
  byKind: z.record(z.string(), z.object({ pushed: z.number().int(), pulled: z.number().int() })).optional(),
});
export type SyncRunResult = z.infer<typeof SyncRunOutput>;
