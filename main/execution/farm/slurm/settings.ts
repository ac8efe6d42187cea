import { HIDDEN_SECRET, SlurmSettingsSchema, type SlurmSettings } from '../../../../shared/farm/slurm';
import { zodIssueList } from '../../../../shared/contract/errors';

/** The schema lives in shared/farm/slurm.ts: the settings and the Farm page read it too. */
export type { SlurmSettings, SlurmSettingsInput } from '../../../../shared/farm/slurm';

export class SlurmSettingsError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Slurm settings refused: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'SlurmSettingsError';
  }
}

/** Validates settings; a refusal names each field path and the value found there (never a token). */
export function parseSlurmSettings(input: unknown): SlurmSettings {
  const parsed = SlurmSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SlurmSettingsError(zodIssueList(parsed.error, redactToken(input)));
}

function redactToken(input: unknown): unknown {
  if (input === null || typeof input !== 'object') return input;
  const auth = (input as { auth?: unknown }).auth;
  if (auth === null || typeof auth !== 'object' || !('token' in auth)) return input;
  return { ...input, auth: { ...auth, token: HIDDEN_SECRET } };
}
