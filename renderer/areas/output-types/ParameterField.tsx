import { useState } from 'react';
import { NativeSelect, NumberInput, TextInput, Textarea } from '@mantine/core';
import { onJsonText } from '../../ui/json-text';
import { inWords } from './migration-summary';

export interface ParameterView {
  name: string;
  title: string | null;
  description: string | null;
  required: boolean;
  default: unknown;
  schema: Record<string, unknown> | null;
}

/** Limits at or beyond JavaScript's safe integers say nothing a person needs ("max 9007199254740991"). */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const says = (n: unknown): n is number => typeof n === 'number' && Math.abs(n) < MAX_SAFE;

const TYPE_WORDS: Record<string, string> = { integer: 'whole number', number: 'number', string: 'text', boolean: 'yes or no', array: 'list', object: 'group of values' };

/** The constraints of a parameter in words, each only when it says something. */
export function constraintsOf(schema: Record<string, unknown> | null): string[] {
  if (!schema) return [];
  const out: string[] = [];
  const type = schema.type;
  if (typeof type === 'string' && !Array.isArray(schema.enum)) out.push(TYPE_WORDS[type] ?? type);
  const lo = says(schema.minimum) ? schema.minimum : null;
  const hi = says(schema.maximum) ? schema.maximum : null;
  if (lo !== null && hi !== null) out.push(`from ${lo} to ${hi}`);
  else if (lo !== null) out.push(`at least ${lo}`);
  else if (hi !== null) out.push(`at most ${hi}`);
  if (says(schema.exclusiveMinimum)) out.push(`more than ${schema.exclusiveMinimum}`);
  if (says(schema.exclusiveMaximum)) out.push(`less than ${schema.exclusiveMaximum}`);
  if (typeof schema.minLength === 'number' && schema.minLength > 1) out.push(`at least ${schema.minLength} characters`);
  if (typeof schema.maxLength === 'number' && schema.maxLength < MAX_SAFE) out.push(`at most ${schema.maxLength} characters`);
  if (Array.isArray(schema.enum)) out.push(`one of ${schema.enum.map((v) => inWords(v)).join(', ')}`);
  if (typeof schema.pattern === 'string') out.push(`matches ${schema.pattern}`);
  return out;
}

/** What an unset field falls back to, in words ("Default: 64"). */
export function defaultWords(value: unknown): string {
  return `Default: ${inWords(value)}`;
}

/**
 * One exposed parameter: an input fitting its JSON Schema, the backend default and the constraints
 * under it (only those that say something), and the problems the backend found with the value.
 * Empty means "use the default".
 */
export function ParameterField({ param, value, problems, onChange }: { param: ParameterView; value: unknown; problems: string[]; onChange: (value: unknown) => void }) {
  const schema = param.schema ?? {};
  const type = schema.type;
  const set = value !== undefined;
  const label = param.title ?? param.name;
  const [jsonText, setJsonText] = useState(() => (set ? JSON.stringify(value) : ''));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const errors = [...(jsonError ? [jsonError] : []), ...problems];
  const description = [
    defaultWords(param.default) + (param.required ? ' (required)' : ''),
    ...constraintsOf(param.schema),
    ...(param.title && param.title !== param.name ? [param.name] : []),
  ].join(' · ') + (param.description ? `. ${param.description}` : '');
  const common = {
    label,
    description,
    withAsterisk: param.required,
    error: errors.length ? errors.join('; ') : undefined,
    // Labels wrap between words, never inside one, at any window width.
    styles: { label: { overflowWrap: 'normal' as const, wordBreak: 'normal' as const } },
  };
  if (Array.isArray(schema.enum)) {
    const options = schema.enum as unknown[];
    return (
      <NativeSelect
        {...common}
        value={set ? JSON.stringify(value) : ''}
        onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : JSON.parse(e.currentTarget.value))}
        data={[{ value: '', label: `Default (${inWords(param.default)})` }, ...options.map((o) => ({ value: JSON.stringify(o), label: inWords(o) }))]}
      />
    );
  }
  if (type === 'boolean')
    return (
      <NativeSelect
        {...common}
        value={set ? String(value) : ''}
        onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value === 'true')}
        data={[
          { value: '', label: `Default (${inWords(param.default)})` },
          { value: 'true', label: 'yes' },
          { value: 'false', label: 'no' },
        ]}
      />
    );
  if (type === 'number' || type === 'integer')
    return (
      <NumberInput
        {...common}
        placeholder={inWords(param.default)}
        allowDecimal={type !== 'integer'}
        // The backend says what is out of range, beside the field; clamping would hide it.
        clampBehavior="none"
        value={set && typeof value === 'number' ? value : ''}
        onChange={(v) => {
          if (v === '') return onChange(undefined);
          const n = typeof v === 'number' ? v : Number(v);
          if (!Number.isNaN(n)) onChange(n); // "-" or "1e" while typing: wait for a number
        }}
      />
    );
  if (type === 'string')
    return <TextInput {...common} placeholder={inWords(param.default)} value={set && typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)} />;
  return (
    <Textarea
      {...common}
      autosize
      minRows={2}
      placeholder={param.default === undefined ? '' : JSON.stringify(param.default)}
      value={jsonText}
      onChange={(e) => {
        const text = e.currentTarget.value;
        setJsonText(text);
        onJsonText(text, onChange, (bad) => setJsonError(bad ? 'not valid JSON yet' : null));
      }}
    />
  );
}
