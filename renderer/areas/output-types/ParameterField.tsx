import { useId, useState } from 'react';
import { formatValue } from './format';
import { onJsonText } from '../../ui/json-text';

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
  if (Array.isArray(schema.enum)) out.push(`one of ${schema.enum.map((v) => formatValue(v)).join(', ')}`);
  if (typeof schema.pattern === 'string') out.push(`matches ${schema.pattern}`);
  return out;
}

/**
 * One exposed parameter: an input fitting its JSON Schema, the backend default beside it, its
 * constraints, and the problems the backend found with the value. Empty means "use the default".
 */
export function ParameterField({ param, value, problems, onChange }: { param: ParameterView; value: unknown; problems: string[]; onChange: (value: unknown) => void }) {
  const id = useId();
  const schema = param.schema ?? {};
  const type = schema.type;
  const set = value !== undefined;
  const label = param.title ?? param.name;
  const describedBy = `${id}-default ${id}-constraints${problems.length ? ` ${id}-problems` : ''}`;
  const [jsonText, setJsonText] = useState(() => (set ? JSON.stringify(value) : ''));
  const [jsonError, setJsonError] = useState<string | null>(null);
  let control;
  if (Array.isArray(schema.enum)) {
    const options = schema.enum as unknown[];
    control = (
      <select id={id} aria-describedby={describedBy} aria-invalid={problems.length > 0} value={set ? JSON.stringify(value) : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : JSON.parse(e.target.value))}>
        <option value="">Default ({formatValue(param.default)})</option>
        {options.map((o) => (
          <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
            {formatValue(o)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'boolean') {
    control = (
      <select id={id} aria-describedby={describedBy} aria-invalid={problems.length > 0} value={set ? String(value) : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}>
        <option value="">Default ({formatValue(param.default)})</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else if (type === 'number' || type === 'integer') {
    control = (
      <input
        id={id}
        type="number"
        aria-describedby={describedBy}
        aria-invalid={problems.length > 0}
        placeholder={formatValue(param.default)}
        step={type === 'integer' ? 1 : 'any'}
        value={set && typeof value === 'number' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else if (type === 'string') {
    control = (
      <input id={id} type="text" aria-describedby={describedBy} aria-invalid={problems.length > 0} placeholder={formatValue(param.default)} value={set && typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
    );
  } else {
    control = (
      <textarea
        id={id}
        rows={2}
        aria-describedby={describedBy}
        aria-invalid={problems.length > 0 || jsonError !== null}
        placeholder={formatValue(param.default)}
        value={jsonText}
        onChange={(e) => {
          setJsonText(e.target.value);
          onJsonText(e.target.value, onChange, (bad) => setJsonError(bad ? 'not valid JSON yet' : null));
        }}
      />
    );
  }
  return (
    <div className="field ot-param">
      <label htmlFor={id}>
        {label}
        {param.required && <span aria-hidden="true"> *</span>}
        {param.title && param.title !== param.name && <code className="muted"> {param.name}</code>}
      </label>
      <div className="field-control">{control}</div>
      <p id={`${id}-default`} className="field-default">
        Backend default: <code>{formatValue(param.default)}</code>
        {param.required ? ' (required)' : ''}
      </p>
      <p id={`${id}-constraints`} className="hint">
        {constraintsOf(param.schema).join(' · ') || 'no constraints'}
        {param.description ? ` — ${param.description}` : ''}
      </p>
      {(problems.length > 0 || jsonError) && (
        <ul id={`${id}-problems`} className="field-error plain-list">
          {jsonError && <li>{jsonError}</li>}
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
