import type { ContractError } from '../../../shared/contract';
import type { Settings, SettingsPatch } from '../../../shared/settings/schema';

/** What the inputs hold: text as typed, converted only when saving. */
export interface FormValues {
  blenderPath: string;
  ffmpegPath: string;
  concurrency: string;
  threadsPerBlender: string;
  mode: Settings['farm']['mode'];
  /** A workflow id, or '' for the default ingest workflow. */
  cadIngestWorkflowId: string;
  /** The CAD size cap in MiB, as typed. */
  cadMaxFileMiB: string;
  /** Extra variables for Blender, one NAME=value per line. */
  blenderEnv: string;
}
export type FieldKey = keyof FormValues;
export type FieldErrors = Partial<Record<FieldKey, string>>;

export const FIELD_KEYS: readonly FieldKey[] = ['blenderPath', 'ffmpegPath', 'concurrency', 'threadsPerBlender', 'mode', 'cadIngestWorkflowId', 'cadMaxFileMiB', 'blenderEnv'];

export const LABELS: Record<FieldKey, string> = {
  blenderPath: 'Blender path',
  ffmpegPath: 'ffmpeg path',
  concurrency: 'Blender processes at once',
  threadsPerBlender: 'Threads per Blender',
  mode: 'Blender process mode',
  cadIngestWorkflowId: 'CAD ingest workflow',
  cadMaxFileMiB: 'CAD file size limit (MiB)',
  blenderEnv: 'Blender environment variables',
};

/** Where each field lives in the settings, as the backend names it in error paths. */
const PATHS: Record<FieldKey, string> = {
  blenderPath: 'blenderPath',
  ffmpegPath: 'ffmpegPath',
  concurrency: 'farm.concurrency',
  threadsPerBlender: 'farm.threadsPerBlender',
  mode: 'farm.mode',
  cadIngestWorkflowId: 'cadIngestWorkflowId',
  cadMaxFileMiB: 'cadMaxFileMiB',
  blenderEnv: 'blenderEnv',
};

/** The variables as the text area shows them: NAME=value, one per line, in the order stored. */
export function envToText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}

/**
 * Reads NAME=value lines (blank lines skipped; the value is everything after the first =). Names
 * are checked by the backend, which answers with the offending one; only what cannot be sent as a
 * variable at all (no =, a name twice) is caught here.
 */
export function textToEnv(text: string): { env: Record<string, string> } | { error: string } {
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `line ${i + 1} ("${line.trim()}") is not NAME=value` };
    const name = line.slice(0, eq).trim();
    if (Object.hasOwn(env, name)) return { error: `${name} is set twice (lines of the same name)` };
    env[name] = line.slice(eq + 1);
  }
  return { env };
}

export function toFormValues(settings: Settings): FormValues {
  return {
    blenderPath: settings.blenderPath ?? '',
    ffmpegPath: settings.ffmpegPath ?? '',
    concurrency: String(settings.farm.concurrency),
    threadsPerBlender: String(settings.farm.threadsPerBlender),
    mode: settings.farm.mode,
    cadIngestWorkflowId: settings.cadIngestWorkflowId ?? '',
    cadMaxFileMiB: String(settings.cadMaxFileMiB),
    blenderEnv: envToText(settings.blenderEnv),
  };
}

export function changedFields(values: FormValues, baseline: FormValues): FieldKey[] {
  return FIELD_KEYS.filter((key) => values[key] !== baseline[key]);
}

/**
 * The patch for settings.update: only changed fields, an empty path meaning "detect
 * automatically" (null). Range checks are left to the backend so there is one source of truth;
 * only text that is not a number at all is caught here, since it cannot be sent as one.
 */
export function buildPatch(values: FormValues, baseline: FormValues): { patch: SettingsPatch; errors: FieldErrors; changed: FieldKey[] } {
  const changed = changedFields(values, baseline);
  const patch: SettingsPatch = {};
  const errors: FieldErrors = {};
  const farm: NonNullable<SettingsPatch['farm']> = {};
  for (const key of changed) {
    switch (key) {
      case 'blenderPath':
      case 'ffmpegPath': {
        const text = values[key].trim();
        patch[key] = text === '' ? null : text;
        break;
      }
      case 'concurrency':
      case 'threadsPerBlender': {
        const text = values[key].trim();
        const number = Number(text);
        if (text === '' || !Number.isFinite(number)) errors[key] = `${LABELS[key]}: enter a whole number`;
        else farm[key] = number;
        break;
      }
      case 'cadMaxFileMiB': {
        const text = values.cadMaxFileMiB.trim();
        const number = Number(text);
        if (text === '' || !Number.isFinite(number)) errors.cadMaxFileMiB = `${LABELS.cadMaxFileMiB}: enter a whole number`;
        else patch.cadMaxFileMiB = number;
        break;
      }
      case 'mode':
        farm.mode = values.mode;
        break;
      case 'blenderEnv': {
        const read = textToEnv(values.blenderEnv);
        if ('error' in read) errors.blenderEnv = `${LABELS.blenderEnv}: ${read.error}`;
        else patch.blenderEnv = read.env;
        break;
      }
      case 'cadIngestWorkflowId':
        patch.cadIngestWorkflowId = values.cadIngestWorkflowId === '' ? null : values.cadIngestWorkflowId;
        break;
    }
  }
  if (Object.keys(farm).length > 0) patch.farm = farm;
  return { patch, errors, changed };
}

function fieldForPath(path: string): FieldKey | null {
  return FIELD_KEYS.find((key) => path === PATHS[key] || path.startsWith(`${PATHS[key]}.`)) ?? null;
}

/** The backend prefixes messages with the dotted path; the label says it better. */
function withoutPath(message: string, path: string): string {
  return path && message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/** Spreads a backend validation error over the fields its paths name; the rest is form-level. */
export function errorsFromContract(error: ContractError): { fields: FieldErrors; other: string[] } {
  const issues = error.issues && error.issues.length > 0 ? error.issues : [{ path: error.path, message: error.message }];
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = fieldForPath(issue.path);
    // A variable's problem names the variable: "Blender environment variables: BAD-NAME: must be …".
    const variable = key === 'blenderEnv' && issue.path.startsWith('blenderEnv.') ? `${issue.path.slice('blenderEnv.'.length)}: ` : '';
    if (key) fields[key] ??= `${LABELS[key]}: ${variable}${withoutPath(issue.message, issue.path)}`;
    else other.push(issue.message);
  }
  return { fields, other };
}
