import { SettingsSchema, type Settings, type SettingsPatch } from '../../../shared/settings/schema';
import { ApiFailure, ErrorCodes, zodToApiError } from '../../../shared/contract';
import { HIDDEN_SECRET, withHiddenSecret } from '../../../shared/farm/slurm';
import type { KeyValueStore } from './key-value-store';

/** What is kept on disk: only values the user set; the rest follows the machine's defaults. */
export type StoredSettings = Partial<{
  blenderPath: string | null;
  ffmpegPath: string | null;
  farm: Partial<Settings['farm']>;
  cadIngestWorkflowId: string | null;
  blenderEnv: Record<string, string>;
  cadMaxFileMiB: number;
  slurm: Settings['slurm'];
}>;

export interface SettingsService {
  get(): Settings;
  defaults(): Settings;
  update(patch: SettingsPatch): Settings;
  /** Problems found in the stored values (kept on disk untouched, defaults used instead). */
  problems(): string[];
}

export function createSettingsService(
  store: KeyValueStore<StoredSettings>,
  defaults: Settings,
  onChange: (settings: Settings) => void = () => {},
): SettingsService {
  const problems: string[] = [];

  const effective = (stored: StoredSettings): Settings => {
    const merged = {
      ...defaults,
      ...pick(stored, TOP_LEVEL),
      farm: { ...defaults.farm, ...(stored.farm ?? {}) },
    };
    const parsed = SettingsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    // A hand-edited file with a bad value: report it, fall back per field, never rewrite it.
    problems.length = 0;
    for (const issue of zodToApiError(parsed.error, undefined, merged).issues ?? []) problems.push(`${store.path}: ${issue.message}`);
    return SettingsSchema.parse(repair(merged, defaults));
  };

  let current = effective(store.store);

  return {
    get: () => structuredClone(current),
    defaults: () => structuredClone(defaults),
    problems: () => [...problems],
    update(patch) {
      const stored = store.store;
      const next: StoredSettings = { ...stored };
      if (patch.blenderPath !== undefined) next.blenderPath = patch.blenderPath;
      if (patch.ffmpegPath !== undefined) next.ffmpegPath = patch.ffmpegPath;
      if (patch.cadIngestWorkflowId !== undefined) next.cadIngestWorkflowId = patch.cadIngestWorkflowId;
      if (patch.blenderEnv !== undefined) next.blenderEnv = patch.blenderEnv;
      if (patch.cadMaxFileMiB !== undefined) next.cadMaxFileMiB = patch.cadMaxFileMiB;
      if (patch.slurm !== undefined) next.slurm = keepHiddenToken(patch.slurm, current.slurm);
      if (patch.farm !== undefined) next.farm = { ...(stored.farm ?? {}), ...patch.farm };
      const merged = {
        ...defaults,
        ...pick(next, TOP_LEVEL),
        farm: { ...defaults.farm, ...(next.farm ?? {}) },
      };
      const checked = SettingsSchema.safeParse(merged);
      if (!checked.success) {
        const error = zodToApiError(checked.error, undefined, merged);
        throw new ApiFailure(error.code, error.message, error.path);
      }
      // Stored as checked: with the Slurm defaults filled in.
      if (next.slurm !== undefined) next.slurm = checked.data.slurm;
      store.store = next;
      problems.length = 0;
      current = checked.data;
      onChange(structuredClone(current));
      return structuredClone(current);
    },
  };
}

/** The settings that are one value each (farm is merged field by field). */
const TOP_LEVEL = ['blenderPath', 'ffmpegPath', 'cadIngestWorkflowId', 'blenderEnv', 'cadMaxFileMiB', 'slurm'] as const;

/**
 * settings.get shows the Slurm JWT as HIDDEN_SECRET, so a form that sends the settings back
 * unchanged sends that: it means "the token stored", refused when there is none to keep.
 */
function keepHiddenToken(next: Settings['slurm'], stored: Settings['slurm']): Settings['slurm'] {
  if (next === null || next.auth.kind !== 'jwt' || next.auth.token !== HIDDEN_SECRET) return next;
  if (stored?.auth.kind !== 'jwt') {
    throw new ApiFailure(ErrorCodes.invalidInput, `slurm.auth.token: '${HIDDEN_SECRET}' keeps a stored token, and none is stored; give the JWT`, 'slurm.auth.token');
  }
  return { ...next, auth: { ...next.auth, token: stored.auth.token } };
}

/** The settings as settings.get and settings.changed show them: secrets hidden. */
export function shownSettings(settings: Settings): Settings {
  return { ...settings, slurm: withHiddenSecret(settings.slurm) };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

/** Replace each invalid field by its default, keeping the valid ones. */
function repair(merged: Settings, defaults: Settings): Settings {
  const out = { ...merged, farm: { ...merged.farm } };
  for (const key of TOP_LEVEL) {
    if (!SettingsSchema.shape[key].safeParse(out[key]).success) (out as Record<string, unknown>)[key] = defaults[key];
  }
  const farmShape = SettingsSchema.shape.farm.shape;
  for (const key of Object.keys(farmShape) as (keyof Settings['farm'])[]) {
    if (!farmShape[key].safeParse(out.farm[key]).success) (out.farm as Record<string, unknown>)[key] = defaults.farm[key];
  }
  for (const key of Object.keys(out.farm)) if (!(key in farmShape)) delete (out.farm as Record<string, unknown>)[key];
  for (const key of Object.keys(out)) if (!(key in SettingsSchema.shape)) delete (out as Record<string, unknown>)[key];
  return out;
}
