import { z } from 'zod';
import { SlurmStatusSchema } from './slurm';

/**
 * What the render farm shows: its Blender processes and its queue. Mirrors the controller's
 * FarmProcessView and TaskView (main/execution/farm), checked against them at compile time there;
 * the run context of a task (order line, CAD file) is added by the farm service.
 */

/** Warm keeps Blender resident between jobs; cold starts one per job. */
export const FarmModeSchema = z.enum(['warm', 'cold']);
export type FarmMode = z.infer<typeof FarmModeSchema>;
export const FarmProcessStateSchema = z.enum(['idle', 'busy', 'starting', 'stopped']);
export type FarmProcessState = z.infer<typeof FarmProcessStateSchema>;
export const FarmAttemptOutcomeSchema = z.enum(['running', 'succeeded', 'failed', 'timed_out', 'cancelled']);
export type FarmAttemptOutcome = z.infer<typeof FarmAttemptOutcomeSchema>;
export const FarmTaskStateSchema = z.enum(['queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled']);
export type FarmTaskState = z.infer<typeof FarmTaskStateSchema>;

export const FarmProcessViewSchema = z.object({
  slot: z.number().int(),
  mode: FarmModeSchema,
  pid: z.number().int().nullable(),
  state: FarmProcessStateSchema,
  jobsDone: z.number().int(),
  rssBytes: z.number().nullable(),
  taskId: z.string().nullable(),
});

export const FarmAttemptSchema = z.object({
  attempt: z.number().int(),
  /** A local slot, or for a render agent's attempt a number past them (the agent's lease slot). */
  slot: z.number().int(),
  /** The render agent that ran it (its name); absent for a local slot. */
  agent: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: FarmAttemptOutcomeSchema,
  error: z.string().nullable(),
  /** The last lines only; the whole log is in <dataDir>/farm/logs/<taskId>.log and on farm.log. */
  log: z.array(z.string()),
});

export const FarmTaskViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** The job id the caller gave (names the log file). */
  label: z.string(),
  /** What the task does, in words: "Still 512×512, 32 samples (Cycles) → front.png". */
  title: z.string(),
  /** A check of Blender (a version ping), not a render: shown apart from the work. */
  probe: z.boolean(),
  runId: z.string().nullable(),
  /** Of the task's run, when it has one: the order line it renders for and the CAD file it renders. */
  orderLineId: z.string().nullable(),
  cadFileId: z.string().nullable(),
  cadFileName: z.string().nullable(),
  priority: z.number(),
  state: FarmTaskStateSchema,
  progress: z.number(),
  attempts: z.array(FarmAttemptSchema),
  submittedAt: z.string(),
});

/**
 * A render agent (`lightbox agent`) or a Slurm pilot (an agent a Slurm job started): a machine's
 * warm Blender processes serving as slots of this farm.
 */
export const FarmAgentStateSchema = z.enum(['online', 'draining', 'lost', 'offline']);
export type FarmAgentState = z.infer<typeof FarmAgentStateSchema>;
export const FarmAgentViewSchema = z.object({
  id: z.string(),
  /** The name its token was issued for. */
  name: z.string(),
  host: z.string(),
  kind: z.enum(['agent', 'pilot']),
  /** A pilot's Slurm job id; null for an agent. */
  slurmJobId: z.string().nullable(),
  /** online: leasing work; draining: finishing what it holds, taking nothing new; lost: no heartbeat (its leases were requeued); offline: said goodbye. */
  state: FarmAgentStateSchema,
  slots: z.number().int(),
  busy: z.number().int(),
  blenderVersion: z.string().nullable(),
  tasksDone: z.number().int(),
  lastSeen: z.string(),
  /** Tasks it holds a lease on now. */
  currentTasks: z.array(z.object({ taskId: z.string(), attempt: z.number().int(), title: z.string() })),
  /** Task kinds it failed 3 times and is no longer given. */
  blocklisted: z.array(z.string()),
});
export type FarmAgentView = z.infer<typeof FarmAgentViewSchema>;

export const FarmStatusSchema = z.object({
  /** False until something rendered in this process: the farm starts on first use. */
  started: z.boolean(),
  concurrency: z.number().int(),
  mode: FarmModeSchema,
  processes: z.array(FarmProcessViewSchema),
  /** Queued and running tasks, then the most recent finished ones. */
  tasks: z.array(FarmTaskViewSchema),
  /** Render agents and pilots this controller knows, online or not. */
  agents: z.array(FarmAgentViewSchema),
  /** The Slurm cluster's pilot jobs, when settings name one (issue 16 item 4). */
  slurm: SlurmStatusSchema,
});
export type FarmStatus = z.infer<typeof FarmStatusSchema>;
export type FarmTaskView = z.infer<typeof FarmTaskViewSchema>;

export const FarmCancelInput = z.union([z.object({ taskId: z.string().min(1) }).strict(), z.object({ runId: z.string().min(1) }).strict()]);
export const FarmCancelOutput = z.object({ cancelled: z.number().int() });

export const FarmLogEvent = z.object({ taskId: z.string(), attempt: z.number().int(), line: z.string() });
