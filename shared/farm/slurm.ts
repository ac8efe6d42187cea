import { z } from 'zod';

/**
 * How the farm reaches a Slurm cluster and what its pilot jobs ask for (issue 16 item 4), kept in
 * the settings as `slurm` (null: no cluster). slurmrestd is reached on a unix socket
 * (rest_auth/local: the caller's uid is the Slurm user) or on a URL with a JWT (`scontrol token`,
 * sent as X-SLURM-USER-NAME / X-SLURM-USER-TOKEN headers). Paths are the cluster's: POSIX, so
 * "absolute" means a leading slash whatever the desktop's own OS.
 */
const positiveInt = (max: number) => z.number().int().min(1).max(max);
const absolutePosixPath = z.string().refine((p) => p.startsWith('/') && !p.includes('\0'), 'must be an absolute path');
const httpUrl = z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http:// or https:// URL');

/** What settings.get answers in place of the JWT, and what settings.update takes as "keep the stored one". */
export const HIDDEN_SECRET = '(hidden)';

export const SlurmSettingsSchema = z
  .object({
    /** slurmrestd's unix socket (absolute path); or `url`. */
    socketPath: absolutePosixPath.optional(),
    /** slurmrestd's http:// or https:// URL; or `socketPath`. */
    url: httpUrl.optional(),
    auth: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('local') }).strict(),
      z.object({ kind: z.literal('jwt'), user: z.string().min(1), token: z.string().min(1) }).strict(),
    ]),
    partition: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    /** Node features pilots need (Slurm's --constraint), e.g. "blender&avx2". */
    constraint: z.string().min(1).optional(),
    maxPilots: positiveInt(1000),
    coresPerPilot: positiveInt(1024),
    memoryMbPerPilot: positiveInt(16 * 1024 * 1024),
    /** Blender processes per pilot; the cores are shared among them. */
    slotsPerPilot: positiveInt(64).default(1),
    /** A pilot exits after this long without work, freeing its allocation. */
    idleTimeoutSeconds: positiveInt(7 * 24 * 3600).default(120),
    /** Slurm's time limit for a pilot; its agent token lives this long plus an hour. */
    timeLimitMinutes: positiveInt(7 * 24 * 60).default(12 * 60),
    /** The controller's URL as the cluster's nodes reach it. */
    controllerUrl: httpUrl,
    /** The pilot's program and leading arguments, e.g. ["/opt/lightbox/bin/lightbox"]; `agent …` follows. */
    command: z.array(z.string().min(1)).min(1).default(['lightbox']),
    /** The pilots' working directory and log folder, on the cluster's shared file system. */
    workDir: absolutePosixPath,
    /** Extra environment for the pilot (PATH first of all: where node and blender are on the nodes). */
    environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.socketPath === undefined) === (s.url === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['socketPath'], message: 'give exactly one of socketPath (unix socket) or url', input: s.socketPath });
    }
    if (s.auth.kind === 'local' && s.url !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'kind'], message: 'local auth works on a unix socket only: use a JWT with a url', input: s.auth.kind });
    }
  });

export type SlurmSettings = z.output<typeof SlurmSettingsSchema>;
export type SlurmSettingsInput = z.input<typeof SlurmSettingsSchema>;

/** The settings as shown to anyone who may read settings: the JWT replaced by HIDDEN_SECRET. */
export function withHiddenSecret<T extends { auth: SlurmSettings['auth'] } | null>(slurm: T): T {
  if (slurm === null || slurm.auth.kind !== 'jwt') return slurm;
  return { ...slurm, auth: { ...slurm.auth, token: HIDDEN_SECRET } };
}

/**
 * A Slurm pilot job the farm submitted (its agent, once registered, is listed among the agents
 * with kind 'pilot'): pending in Slurm's queue, running, or ended (idled out, cancelled, lost).
 */
export const PilotStateSchema = z.enum(['pending', 'running', 'ended']);
export const PilotViewSchema = z.object({
  /** The name its agent token and Slurm job carry. */
  name: z.string(),
  slurmJobId: z.number().int(),
  state: PilotStateSchema,
  /** Slurm's state and reason as last seen (PENDING/Resources, RUNNING, COMPLETED, NODE_FAIL, …). */
  slurmState: z.string(),
  reason: z.string(),
  node: z.string().nullable(),
  slots: z.number().int(),
  /** The agent it became, once registered with the controller. */
  agentId: z.string().nullable(),
  submittedAt: z.string(),
  endedAt: z.string().nullable(),
});
export type PilotView = z.infer<typeof PilotViewSchema>;
export type PilotState = z.infer<typeof PilotStateSchema>;

/** The farm's Slurm side as farm.status shows it. */
export const SlurmStatusSchema = z.object({
  /** Whether settings name a cluster and this process serves agents (lightbox serve, the hub). */
  state: z.enum(['off', 'idle', 'serving', 'error']),
  /** The last problem talking to slurmrestd, in words; null when the last poll went through. */
  error: z.string().nullable(),
  /** Pilots submitted by this process, newest first (ended ones stay listed until it restarts). */
  pilots: z.array(PilotViewSchema),
});
export type SlurmStatus = z.infer<typeof SlurmStatusSchema>;
