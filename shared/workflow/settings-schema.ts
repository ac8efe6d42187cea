import { z } from 'zod';

/**
 * Reading node settings schemas for people: which settings exist at a path and what values they
 * allow. Zod issues carry only the violated bound; the messages name the whole range instead.
 */

type Segment = string | number;

interface CheckDef {
  check?: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: RegExp;
}

/** The schema under default/prefault/optional/nullable/readonly/catch/pipe wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (let i = 0; i < 32; i += 1) {
    const def = s.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The schema of the setting at `path`, or undefined when no such setting exists. */
export function settingSchemaAt(schema: z.ZodType, path: readonly Segment[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    if (!s) return undefined;
    const u = unwrapSchema(s);
    if (u instanceof z.ZodObject) s = Object.prototype.hasOwnProperty.call(u.shape, key) ? (u.shape as Record<string, z.ZodType>)[String(key)] : undefined;
    else if (u instanceof z.ZodRecord) s = u.valueType as z.ZodType;
    else if (u instanceof z.ZodArray && /^\d+$/.test(String(key))) s = u.element as z.ZodType;
    else return undefined;
  }
  return s;
}

/** The setting names an object schema allows, or undefined when the schema is not an object. */
export function settingKeys(schema: z.ZodType | undefined): string[] | undefined {
  if (!schema) return undefined;
  const u = unwrapSchema(schema);
  return u instanceof z.ZodObject ? Object.keys(u.shape) : undefined;
}

function checks(schema: z.ZodType): CheckDef[] {
  const list = (schema.def as { checks?: { _zod: { def: CheckDef } }[] }).checks ?? [];
  return list.map((c) => c._zod.def);
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function range(cs: CheckDef[]): string {
  const lo = cs.find((c) => c.check === 'greater_than');
  const hi = cs.find((c) => c.check === 'less_than');
  const low = lo?.value as number | undefined;
  const high = hi?.value as number | undefined;
  const loText = lo?.inclusive === false ? 'greater than' : 'at least';
  const hiText = hi?.inclusive === false ? 'less than' : 'at most';
  if (low !== undefined && high !== undefined) {
    return lo?.inclusive !== false && hi?.inclusive !== false ? ` from ${low} to ${high}` : ` ${loText} ${low} and ${hiText} ${high}`;
  }
  if (low !== undefined) return ` ${loText} ${low}`;
  if (high !== undefined) return ` ${hiText} ${high}`;
  return '';
}

function length(cs: CheckDef[], unit: string): string {
  const min = cs.find((c) => c.check === 'min_length')?.minimum;
  const max = cs.find((c) => c.check === 'max_length')?.maximum;
  if (min !== undefined && max !== undefined) return ` of ${min} to ${max} ${unit}`;
  if (min !== undefined) return ` of at least ${min} ${unit}`;
  if (max !== undefined) return ` of at most ${max} ${unit}`;
  return '';
}

/** What a schema accepts, in words: "one of "png", "jpeg"", "an integer from 1 to 4096"... */
export function describeAllowed(schema: z.ZodType | undefined): string {
  if (!schema) return 'a valid value';
  const s = unwrapSchema(schema);
  if (s instanceof z.ZodEnum) return `one of ${s.options.map(show).join(', ')}`;
  if (s instanceof z.ZodLiteral) return `exactly ${[...s.values].map(show).join(' or ')}`;
  if (s instanceof z.ZodUnion) {
    const options = s.options as z.ZodType[];
    const literals = options.map(unwrapSchema);
    if (literals.every((o) => o instanceof z.ZodLiteral)) {
      return `one of ${literals.flatMap((o) => [...(o as z.ZodLiteral).values]).map(show).join(', ')}`;
    }
    return options.map(describeAllowed).join(', or ');
  }
  if (s instanceof z.ZodNumber) {
    const cs = checks(s);
    const int = cs.some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
    return `${int ? 'an integer' : 'a number'}${range(cs)}`;
  }
  // z.url() and other formats are string schemas without being ZodString instances.
  if (s.def.type === 'string') {
    const def = s.def as { format?: string; protocol?: RegExp };
    const cs = checks(s);
    const pattern = cs.find((c) => c.check === 'string_format' && c.format === 'regex')?.pattern;
    const kind = def.format === 'url' ? `a URL${def.protocol ? ` whose protocol matches ${String(def.protocol)}` : ''}` : def.format ? `a ${def.format} string` : 'a string';
    return `${kind}${length(cs, 'characters')}${pattern ? ` matching ${String(pattern)}` : ''}`;
  }
  if (s instanceof z.ZodBoolean) return 'true or false';
  if (s instanceof z.ZodArray) {
    return `a list${length(checks(s), 'items')}, each ${describeAllowed(s.element as z.ZodType)}`;
  }
  if (s instanceof z.ZodObject) return `an object with settings ${Object.keys(s.shape).join(', ') || '(none)'}`;
  if (s instanceof z.ZodRecord) return `an object mapping names to ${describeAllowed(s.valueType as z.ZodType)}`;
  return 'a valid value';
}

/** The value at `path` inside `value`, undefined when any step is missing. */
export function valueAt(value: unknown, path: readonly Segment[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[String(key)];
  }
  return at;
}

/** A copy of `settings` with `value` set at `path`, creating (or replacing non-object) parents. */
export function withValueAt(settings: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const root = structuredClone(settings);
  let at: Record<string, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      at[key] = value;
      return;
    }
    const child = at[key];
    const next = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
    at[key] = next;
    at = next;
  });
  return root;
}
