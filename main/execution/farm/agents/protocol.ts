import { z } from 'zod';

/**
 * The render agent protocol (version 1), JSON over HTTP(S) under AGENT_PREFIX, each request with
 * `Authorization: Bearer <agent token>` (never in the URL). Like Flamenco's worker API and
 * OpenCue's RQD the agent pulls: it registers, asks for work with a long poll, heartbeats the
 * leases it holds and reports on each lease. A lease is (taskId, attempt): every report carries
 * it, and one the controller no longer holds for that agent is refused with 409, so a late agent
 * can never finish a task that was given to someone else.
 */
export const AGENT_PREFIX = '/farm/agent/v1/';
export const PROTOCOL_VERSION = 1;

const Id = z.string().min(1).max(200);

export const BlobRefSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'), size: z.number().int().min(0) });
export type BlobRef = z.infer<typeof BlobRefSchema>;

/** A file by content, under a plain name inside the attempt's folder (`in/scene.glb`, `out/front.png`). */
export const NamedBlobSchema = BlobRefSchema.extend({ name: z.string().min(1).max(255).regex(/^[^/\\\0]+$/, 'must be a plain file name') });
export type NamedBlob = z.infer<typeof NamedBlobSchema>;

export const RegisterInput = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  host: z.string().min(1).max(255),
  slots: z.number().int().min(1).max(256),
  blenderVersion: z.string().max(200).nullable(),
  /** Set when a Slurm pilot registers: its job id. */
  slurmJobId: z.string().max(100).nullable().default(null),
  /** An agent that comes back after a lost link names itself, so its old leases can be told to stop. */
  agentId: Id.optional(),
}).strict();
export type RegisterInput = z.infer<typeof RegisterInput>;
export const RegisterOutput = z.object({ agentId: Id, name: z.string(), heartbeatMs: z.number().int(), leaseTimeoutMs: z.number().int() });
export type RegisterOutput = z.infer<typeof RegisterOutput>;

export const LeaseSchema = z.object({ taskId: Id, attempt: z.number().int().min(1) });
export type Lease = z.infer<typeof LeaseSchema>;

export const LeaseInput = z.object({ agentId: Id, free: z.number().int().min(0).max(256), waitMs: z.number().int().min(0).max(60_000) }).strict();
export const AssignmentSchema = LeaseSchema.extend({
  kind: z.string(),
  title: z.string(),
  timeoutMs: z.number().int(),
  /** The Blender job with its file fields as names inside the attempt folder (in/…, out/…). */
  job: z.record(z.string(), z.unknown()),
  inputs: z.array(NamedBlobSchema),
});
export type Assignment = z.infer<typeof AssignmentSchema>;
/** delivery: numbers the answers that carry assignments, so a heartbeat says which it had seen (see HeartbeatInput). */
export const LeaseOutput = z.object({ assignments: z.array(AssignmentSchema), drain: z.boolean(), delivery: z.number().int().optional() });

/** blenderVersion: known once the agent's first Blender answered (after it registered). */
/** draining: the agent is stopping (SIGTERM, idle): its waiting lease request is answered now, with what it was already given. */
/**
 * delivered: the last lease answer the agent had processed when it sent this, so a heartbeat that
 * was on its way before an assignment arrived (a slow or stalled link) is not taken to mean the
 * agent lost that assignment.
 */
export const HeartbeatInput = z.object({ agentId: Id, leases: z.array(LeaseSchema), busy: z.number().int().min(0), blenderVersion: z.string().max(200).nullable().optional(), draining: z.boolean().optional(), delivered: z.number().int().min(0).optional() }).strict();
/** kill: leases the agent holds that are not its own any more (requeued, cancelled, timed out). */
export const HeartbeatOutput = z.object({ kill: z.array(LeaseSchema), drain: z.boolean() });

export const ReportInput = z.discriminatedUnion('type', [
  /** Log lines numbered from 0 per attempt: a replay after a lost link appends nothing twice. */
  LeaseSchema.extend({ agentId: Id, type: z.literal('log'), seq: z.number().int().min(0), lines: z.array(z.string().max(10_000)).max(1000) }).strict(),
  LeaseSchema.extend({ agentId: Id, type: z.literal('frame'), frame: z.number(), of: z.number(), done: z.number().optional() }).strict(),
  /** The job's reply with its file paths as names in the attempt folder; outputs uploaded before. */
  LeaseSchema.extend({ agentId: Id, type: z.literal('done'), reply: z.record(z.string(), z.unknown()), outputs: z.array(NamedBlobSchema) }).strict(),
  /** A process failure on the agent (crash, timeout, inputs not fetched): retried elsewhere. */
  LeaseSchema.extend({ agentId: Id, type: z.literal('failed'), error: z.string().max(10_000) }).strict(),
]);
export type ReportInput = z.infer<typeof ReportInput>;

export const DeregisterInput = z.object({ agentId: Id, release: z.array(LeaseSchema).default([]) }).strict();

/** Every error body: what went wrong, and for a bad request the field path. */
export const ErrorBody = z.object({ code: z.string(), message: z.string(), path: z.string().optional() });
