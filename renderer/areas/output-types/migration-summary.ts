import { getPath } from '../../../shared/workflow/dotted-path';

/** Preset fields that say who the output type is, not how it renders; shown apart, never as settings. */
const IDENTITY = new Set(['format', 'key', 'name', 'artifact', 'pipeline', 'active', 'extra', 'created_at', 'updated_at']);

export interface SummaryParameter {
  name: string;
  title: string | null;
  default: unknown;
}

export interface SettingRow {
  /** Dotted path: the preset field and the workflow parameter of the same name. */
  name: string;
  title: string;
  legacy: string;
  workflow: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value as a person reads it: yes/no, lists with commas, groups as "part: value". */
export function inWords(value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value === '' ? 'empty' : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length ? value.map(inWords).join(', ') : 'none';
  if (isRecord(value)) {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([k, v]) => `${k}: ${inWords(v)}`).join('; ') : 'none';
  }
  return String(value);
}

/** "camera.focal_length_mm" → "Camera focal length mm": for settings no workflow parameter titles yet. */
export function humanize(path: string): string {
  const words = path.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The render settings a legacy preset sets, by dotted path (FORMAT.md nests them one level deep). */
export function presetSettings(preset: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(preset)) {
    if (IDENTITY.has(key)) continue;
    if (isRecord(value)) for (const [child, v] of Object.entries(value)) out.set(`${key}.${child}`, v);
    else out.set(key, value);
  }
  return out;
}

/**
 * The legacy preset's settings beside the migrated workflow's parameter values: one row per setting
 * the preset sets, or the workflow sets to something else than its default; the rest is counted.
 * Without parameters (not migrated yet) the rows are the preset's settings alone.
 */
export function settingRows(preset: Record<string, unknown> | null, parameters: SummaryParameter[] | null, values: Record<string, unknown> | null): { rows: SettingRow[]; defaultsOnly: number } {
  const legacy = preset ? presetSettings(preset) : new Map<string, unknown>();
  const rows: SettingRow[] = [];
  if (!parameters) {
    for (const [name, v] of legacy) rows.push({ name, title: humanize(name), legacy: inWords(v), workflow: null });
    return { rows, defaultsOnly: 0 };
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  let defaultsOnly = 0;
  const covered = new Set<string>();
  for (const p of parameters) {
    covered.add(p.name);
    const l = preset ? getPath(preset, p.name) : undefined;
    const w = values?.[p.name];
    const fallback = p.default === undefined || p.default === null ? 'not set' : `${inWords(p.default)} (default)`;
    if (l === undefined && (w === undefined || same(w, p.default))) {
      defaultsOnly++;
      continue;
    }
    const legacyText = !preset ? 'no legacy preset' : l === undefined ? "not set (the preset's default)" : inWords(l);
    rows.push({ name: p.name, title: p.title ?? humanize(p.name), legacy: legacyText, workflow: w === undefined ? fallback : inWords(w) });
  }
  for (const [name, v] of legacy) if (!covered.has(name)) rows.push({ name, title: humanize(name), legacy: inWords(v), workflow: 'not a parameter of the workflow' });
  return { rows, defaultsOnly };
}
