import { useEffect, useId, useState, type ReactNode } from 'react';
import { onJsonText } from '../../ui/json-text';
import { valueAt } from '../../../shared/workflow/settings-schema';
import { sameJson } from './doc-utils';
import { ActionsHeader } from '../../ui/ActionsHeader';

/**
 * A form generated from a node type's settings JSON Schema (nodes.list: zod → JSON Schema,
 * draft 2020-12, input side). Only what the schema says is offered; values equal to their
 * default are not stored, so a node keeps only what was set on it.
 */

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchema;
}

export interface FieldProblem {
  path: string[];
  message: string;
}

export interface SchemaFormProps {
  /** Prefix of every control's id, unique per node. */
  idBase: string;
  schema: JsonSchema;
  /** The node's sparse settings. */
  value: Record<string, unknown>;
  /** The node type's full defaults (nodes.list). */
  defaults: Record<string, unknown>;
  problems: FieldProblem[];
  /** Settings a workflow parameter fills (by dotted path): its default stands in for the node type's, and a value set here still wins. */
  parameterTargets: Map<string, { name: string; default: unknown }>;
  onChange: (path: string[], value: unknown) => void;
  /** Turns a setting into a workflow parameter (the editor's inspector offers it; others need not). */
  onExpose?: (path: string[], effective: unknown) => void;
}

const MAX_SAFE = 9007199254740991;

export function humanize(key: string): string {
  const words = key.replace(/_/g, ' ').replace(/\bdeg\b/, '(°)').replace(/\bmm\b/, '(mm)').replace(/\bpx\b/, '(px)');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const showDefault = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function rangeText(s: JsonSchema): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum !== undefined && s.maximum < MAX_SAFE ? s.maximum : s.exclusiveMaximum;
  const lower = s.exclusiveMinimum !== undefined ? `more than ${lo}` : `at least ${lo}`;
  const upper = s.exclusiveMaximum !== undefined ? `less than ${hi}` : `at most ${hi}`;
  const kind = s.type === 'integer' ? 'Whole number' : 'Number';
  if (lo !== undefined && hi !== undefined && s.exclusiveMinimum === undefined && s.exclusiveMaximum === undefined) return `${kind} from ${lo} to ${hi}`;
  if (lo !== undefined && hi !== undefined) return `${kind}, ${lower} and ${upper}`;
  if (lo !== undefined) return `${kind}, ${lower}`;
  if (hi !== undefined) return `${kind}, ${upper}`;
  return kind;
}

const isColor = (s: JsonSchema) => s.type === 'string' && typeof s.pattern === 'string' && s.pattern.includes('#') && /\{6\}/.test(s.pattern);
const isMap = (s: JsonSchema) => s.type === 'object' && !s.properties && typeof s.additionalProperties === 'object';
const constOptions = (s: JsonSchema) => {
  const list = s.anyOf ?? s.oneOf;
  return list && list.every((o) => 'const' in o) ? list.map((o) => o.const) : null;
};

export function SchemaForm(props: SchemaFormProps) {
  const { schema } = props;
  return (
    <div className="wf-form">
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField key={key} {...props} path={[key]} schema={child} />
      ))}
      {Object.keys(schema.properties ?? {}).length === 0 && <p className="muted">This node type has no settings.</p>}
    </div>
  );
}

interface FieldProps extends SchemaFormProps {
  path: string[];
}

function useField(props: FieldProps) {
  const { path, schema, value, defaults, problems, parameterTargets, onChange } = props;
  const stored = valueAt(value, path);
  const key = path.join('.');
  const param = parameterTargets.get(key);
  const def = param?.default !== undefined ? param.default : schema.default !== undefined ? schema.default : valueAt(defaults, path);
  const errors = problems.filter((p) => p.path.join('.') === key || (isMap(schema) && p.path.slice(0, path.length).join('.') === key)).map((p) => p.message);
  const set = (next: unknown) => {
    if (next === undefined || (!param && def !== undefined && sameJson(next, def))) onChange(path, undefined);
    else onChange(path, next);
  };
  const effective = stored !== undefined ? stored : def;
  const expose = props.onExpose && !param ? () => props.onExpose?.(path, effective) : undefined;
  return { stored, def, effective, errors, set, param: param?.name, expose, label: schema.title ?? humanize(path[path.length - 1] ?? ''), id: `${props.idBase}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}` };
}

function SchemaField(props: FieldProps) {
  const { schema } = props;
  if (schema.type === 'object' && schema.properties) return <ObjectField {...props} />;
  if (isMap(schema)) return <MapField {...props} />;
  if (schema.type === 'array' && schema.items?.enum) return <MultiEnumField {...props} />;
  if (schema.enum || constOptions(schema)) return <EnumField {...props} />;
  if (schema.type === 'boolean') return <BooleanField {...props} />;
  if (schema.type === 'integer' || schema.type === 'number') return <NumberField {...props} />;
  if (schema.type === 'string') return <StringField {...props} />;
  return <JsonField {...props} />;
}

function ObjectField(props: FieldProps) {
  const { schema, path } = props;
  const label = schema.title ?? humanize(path[path.length - 1] ?? '');
  return (
    <fieldset className="wf-fieldset">
      <legend>{label}</legend>
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField key={key} {...props} path={[...path, key]} schema={child} />
      ))}
    </fieldset>
  );
}

/** Label, control, default, hint and inline errors, tied together for assistive tech. */
function Row({
  id,
  label,
  def,
  hint,
  errors,
  stored,
  param,
  onExpose,
  onReset,
  children,
}: {
  id: string;
  label: string;
  def: unknown;
  hint?: string | undefined;
  errors: string[];
  stored: unknown;
  param: string | undefined;
  onExpose?: (() => void) | undefined;
  onReset: () => void;
  children: (a: { id: string; 'aria-describedby': string; 'aria-invalid': boolean }) => ReactNode;
}) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className={`wf-row${errors.length ? ' wf-row-invalid' : ''}${stored !== undefined ? ' wf-row-set' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="wf-row-control">
        {children({ id, 'aria-describedby': [errors.length ? errorId : null, hintId].filter(Boolean).join(' '), 'aria-invalid': errors.length > 0 })}
        {stored !== undefined && (
          <button type="button" className="wf-reset" aria-label={`Reset ${label} to its default`} title="Reset to default" onClick={onReset}>
            ↺
          </button>
        )}
        {onExpose && (
          <button type="button" className="wf-reset" aria-label={`Expose ${label} as a workflow parameter`} title="Expose as a workflow parameter" onClick={onExpose}>
            ⇪
          </button>
        )}
      </div>
      {errors.length > 0 && (
        <p id={errorId} className="field-error wf-field-error">
          {errors.join(' ')}
        </p>
      )}
      <p id={hintId} className="hint">
        {[def !== undefined ? `Default: ${showDefault(def)}` : 'Not set by default', hint, param ? `Parameter "${param}" fills it unless set here` : null, stored !== undefined ? 'Set on this node' : null]
          .filter(Boolean)
          .join(' · ')}
      </p>
    </div>
  );
}

function EnumField(props: FieldProps) {
  const f = useField(props);
  const options = props.schema.enum ?? constOptions(props.schema) ?? [];
  const index = options.findIndex((o) => sameJson(o, f.effective));
  return (
    <Row id={f.id} label={f.label} def={f.def} errors={f.errors} stored={f.stored} param={f.param} onExpose={f.expose} onReset={() => props.onChange(props.path, undefined)}>
      {(a) => (
        <select {...a} value={index === -1 ? '' : String(index)} onChange={(e) => f.set(e.target.value === '' ? undefined : options[Number(e.target.value)])}>
          {(f.def === undefined || index === -1) && <option value="">{index === -1 && f.effective !== undefined ? `${showDefault(f.effective)} (not allowed)` : '— not set —'}</option>}
          {options.map((o, i) => (
            <option key={String(i)} value={String(i)}>
              {showDefault(o)}
              {sameJson(o, f.def) ? ' (default)' : ''}
            </option>
          ))}
        </select>
      )}
    </Row>
  );
}

function BooleanField(props: FieldProps) {
  const f = useField(props);
  return (
    <Row id={f.id} label={f.label} def={f.def} errors={f.errors} stored={f.stored} param={f.param} onExpose={f.expose} onReset={() => props.onChange(props.path, undefined)}>
      {(a) => <input {...a} type="checkbox" checked={f.effective === true} onChange={(e) => f.set(e.target.checked)} />}
    </Row>
  );
}

function NumberField(props: FieldProps) {
  const f = useField(props);
  const shown = f.stored !== undefined ? f.stored : f.def;
  const [text, setText] = useState(shown === undefined ? '' : String(shown));
  const [local, setLocal] = useState<string | null>(null);
  // Follow changes from elsewhere (undo, reset) unless they are what is typed.
  useEffect(() => {
    setText((t) => {
      const n = t.trim() === '' ? undefined : Number(t);
      if (n === shown || (t.trim() === '' && f.stored === undefined)) return t;
      return shown === undefined ? '' : typeof shown === 'number' ? String(shown) : JSON.stringify(shown);
    });
  }, [shown, f.stored]);
  const s = props.schema;
  return (
    <Row id={f.id} label={f.label} def={f.def} hint={rangeText(s)} errors={local ? [local, ...f.errors] : f.errors} stored={f.stored} param={f.param} onExpose={f.expose} onReset={() => props.onChange(props.path, undefined)}>
      {(a) => (
        <input
          {...a}
          type="number"
          className="narrow"
          step={s.type === 'integer' ? 1 : 'any'}
          min={s.minimum}
          max={s.maximum !== undefined && s.maximum < MAX_SAFE ? s.maximum : undefined}
          placeholder={f.def === undefined ? 'not set' : showDefault(f.def)}
          value={text}
          onChange={(e) => {
            const raw = e.target.value;
            setText(raw);
            if (raw.trim() === '') {
              setLocal(null);
              f.set(undefined);
              return;
            }
            const n = Number(raw);
            if (!Number.isFinite(n)) {
              setLocal(`${f.label}: enter a number.`);
              return;
            }
            setLocal(null);
            f.set(n);
          }}
        />
      )}
    </Row>
  );
}

function StringField(props: FieldProps) {
  const f = useField(props);
  const s = props.schema;
  const text = typeof f.effective === 'string' ? f.effective : f.effective === undefined ? '' : JSON.stringify(f.effective);
  const hint = [s.format === 'uri' ? 'A URL' : null, s.minLength !== undefined || s.maxLength !== undefined ? `${s.minLength ?? 0} to ${s.maxLength ?? '∞'} characters` : null, isColor(s) ? 'A colour as #rrggbb' : null]
    .filter(Boolean)
    .join(', ');
  return (
    <Row id={f.id} label={f.label} def={f.def} hint={hint || undefined} errors={f.errors} stored={f.stored} param={f.param} onExpose={f.expose} onReset={() => props.onChange(props.path, undefined)}>
      {(a) => (
        <>
          {isColor(s) && (
            <input
              type="color"
              aria-label={`${f.label} picker`}
              value={/^#[0-9a-fA-F]{6}$/.test(text) ? text.toLowerCase() : '#000000'}
              onChange={(e) => f.set(e.target.value)}
            />
          )}
          <input {...a} type={s.format === 'uri' ? 'url' : 'text'} value={text} placeholder={f.def === undefined ? 'not set' : undefined} onChange={(e) => f.set(e.target.value === '' && f.def === undefined ? undefined : e.target.value)} />
        </>
      )}
    </Row>
  );
}

function MultiEnumField(props: FieldProps) {
  const f = useField(props);
  const options = props.schema.items?.enum ?? [];
  const chosen = Array.isArray(f.effective) ? (f.effective as unknown[]) : [];
  const errorId = `${f.id}-error`;
  return (
    <fieldset className="wf-fieldset wf-choices" aria-describedby={f.errors.length ? errorId : undefined} aria-invalid={f.errors.length > 0}>
      <legend>{f.label}</legend>
      {options.map((o) => (
        <label key={String(o)} className="choice">
          <input
            type="checkbox"
            checked={chosen.some((c) => sameJson(c, o))}
            onChange={(e) => f.set(options.filter((x) => (sameJson(x, o) ? e.target.checked : chosen.some((c) => sameJson(c, x)))))}
          />{' '}
          {showDefault(o)}
        </label>
      ))}
      {f.errors.length > 0 && (
        <p id={errorId} className="field-error wf-field-error">
          {f.errors.join(' ')}
        </p>
      )}
      <p className="hint">Default: {showDefault(f.def)}{props.schema.minItems ? ` · choose at least ${props.schema.minItems}` : ''}</p>
    </fieldset>
  );
}

interface MapRow {
  key: string;
  value: string;
}

const rowsOf = (v: unknown): MapRow[] =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) })) : [];

/** An ordered map (e.g. materials by part-name glob; first match wins, so order matters). */
function MapField(props: FieldProps) {
  const f = useField(props);
  const [rows, setRows] = useState<MapRow[]>(() => rowsOf(f.effective));
  const headingId = useId();
  const label = f.label;
  useEffect(() => {
    // Follow outside changes (undo) when they differ from what the rows say.
    setRows((current) => (sameJson(Object.fromEntries(current.filter((r) => r.key !== '').map((r) => [r.key, r.value])), f.effective ?? {}) ? current : rowsOf(f.effective)));
  }, [f.effective]);
  const commit = (next: MapRow[]) => {
    setRows(next);
    const obj: Record<string, string> = {};
    for (const r of next) if (r.key !== '' && !(r.key in obj)) obj[r.key] = r.value;
    f.set(obj);
  };
  const dupes = new Set(rows.map((r) => r.key).filter((k, i, all) => k !== '' && all.indexOf(k) !== i));
  const valueSchema = typeof props.schema.additionalProperties === 'object' ? props.schema.additionalProperties : {};
  const keyName = props.path.join('.') === 'by_part' ? 'Part-name glob' : 'Key';
  return (
    <fieldset className="wf-fieldset wf-map" aria-labelledby={headingId}>
      <legend id={headingId}>{label}</legend>
      {rows.length === 0 && <p className="muted">No entries{f.def !== undefined ? ` (default: ${showDefault(f.def)})` : ''}.</p>}
      {rows.length > 0 && (
        <table className="grid wf-map-table" aria-label={`${label} entries`}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{keyName}</th>
              <th scope="col">Value</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const rowErrors = props.problems.filter((p) => p.path.join('.') === [...props.path, r.key].join('.')).map((p) => p.message);
              const local = dupes.has(r.key) ? `"${r.key}" is listed twice; only the first row counts.` : r.key === '' ? 'Enter a key.' : null;
              const errs = local ? [local, ...rowErrors] : rowErrors;
              const errId = `${f.id}-row${i}-error`;
              return (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td>
                    <input
                      type="text"
                      aria-label={`${keyName} ${i + 1} of ${label}`}
                      value={r.key}
                      minLength={props.schema.propertyNames?.minLength}
                      maxLength={props.schema.propertyNames?.maxLength}
                      aria-invalid={errs.length > 0}
                      aria-describedby={errs.length ? errId : undefined}
                      onChange={(e) => commit(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
                    />
                    {errs.length > 0 && (
                      <p id={errId} className="field-error wf-field-error">
                        {errs.join(' ')}
                      </p>
                    )}
                  </td>
                  <td>
                    {valueSchema.enum ? (
                      <select aria-label={`Value ${i + 1} of ${label}`} value={r.value} onChange={(e) => commit(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}>
                        {valueSchema.enum.map((o) => (
                          <option key={String(o)} value={String(o)}>
                            {String(o)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input type="text" aria-label={`Value ${i + 1} of ${label}`} value={r.value} onChange={(e) => commit(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
                    )}
                  </td>
                  <td className="nowrap">
                    <button type="button" aria-label={`Move entry ${i + 1} of ${label} up`} disabled={i === 0} onClick={() => commit(rows.map((x, j) => (j === i - 1 ? rows[i] : j === i ? rows[i - 1] : x) as MapRow))}>
                      ↑
                    </button>
                    <button type="button" aria-label={`Move entry ${i + 1} of ${label} down`} disabled={i === rows.length - 1} onClick={() => commit(rows.map((x, j) => (j === i + 1 ? rows[i] : j === i ? rows[i + 1] : x) as MapRow))}>
                      ↓
                    </button>
                    <button type="button" aria-label={`Remove entry ${i + 1} of ${label}`} onClick={() => commit(rows.filter((_, j) => j !== i))}>
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" onClick={() => setRows([...rows, { key: '', value: typeof valueSchema.default === 'string' ? valueSchema.default : '' }])}>
        Add entry to {label}
      </button>
      {f.errors.length > 0 && <p className="field-error wf-field-error">{f.errors.join(' ')}</p>}
      <p className="hint">In order: the first matching entry wins.</p>
    </fieldset>
  );
}

/** Anything the form has no control for: edited as JSON, checked by the backend. */
function JsonField(props: FieldProps) {
  const f = useField(props);
  const [text, setText] = useState(f.effective === undefined ? '' : JSON.stringify(f.effective));
  const [local, setLocal] = useState<string | null>(null);
  return (
    <Row id={f.id} label={f.label} def={f.def} hint="JSON" errors={local ? [local, ...f.errors] : f.errors} stored={f.stored} param={f.param} onExpose={f.expose} onReset={() => props.onChange(props.path, undefined)}>
      {(a) => (
        <textarea
          {...a}
          rows={2}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onJsonText(e.target.value, f.set, (bad) => setLocal(bad ? `${f.label}: not valid JSON.` : null));
          }}
        />
      )}
    </Row>
  );
}
