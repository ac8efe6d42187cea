import path from 'node:path';
import { z } from 'zod';
import { zodIssueList } from '../../../../shared/contract/errors';

/**
 * How the farm reaches a Slurm cluster and what its pilot jobs ask for (issue 16 item 4).
 * slurmrestd is reached on a unix socket (rest_auth/local: the caller's uid is the Slurm user) or
 * on a URL with a JWT (`scontrol token`, sent as X-SLURM-USER-NAME / X-SLURM-USER-TOKEN headers).
 */
const positiveInt = (max: number) => z.number().int().min(1).max(max);

export const slurmSettingsSchema = z
  .object({
    /** slurmrestd's unix socket (absolute path); or `url`. */
    socketPath: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path').optional(),
    /** slurmrestd's http:// or https:// URL; or `socketPath`. */
    url: z
      .string()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http:// or https:// URL')
      .optional(),
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
    controllerUrl: z
      .string()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http:// or https:// URL'),
    /** The pilot's program and leading arguments, e.g. ["/opt/lightbox/bin/lightbox"]; `agent …` follows. */
    command: z.array(z.string().min(1)).min(1).default(['lightbox']),
    /** The pilots' working directory and log folder, on the cluster's shared file system. */
    workDir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
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

export type SlurmSettings = z.output<typeof slurmSettingsSchema>;
export type SlurmSettingsInput = z.input<typeof slurmSettingsSchema>;

export class SlurmSettingsError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Slurm settings refused: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'SlurmSettingsError';
  }
}

/** Validates settings; a refusal names each field path and the value found there (never a token). */
export function parseSlurmSettings(input: unknown): SlurmSettings {
  const parsed = slurmSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SlurmSettingsError(zodIssueList(parsed.error, redactToken(input)));
}

function redactToken(input: unknown): unknown {
  if (input === null || typeof input !== 'object') return input;
  const auth = (input as { auth?: unknown }).auth;
  if (auth === null || typeof auth !== 'object' || !('token' in auth)) return input;
  return { ...input, auth: { ...auth, token: '(hidden)' } };
}
