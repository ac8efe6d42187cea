import { memo, useEffect, useState, type ReactNode } from 'react';
import { ActionIcon, Button, Checkbox, ColorSwatch, Fieldset, Group, NativeSelect, Stack, Table, Text, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { onJsonText } from '../../ui/json-text';
import { valueAt } from '../../../shared/workflow/settings-schema';
import { sameJson } from './doc-utils';

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

/** Zod's stand-in for "no limit" (Number.MAX_SAFE_INTEGER): a bound at or beyond it says nothing. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const says = (n: number | undefined): n is number => n !== undefined && Math.abs(n) < MAX_SAFE;

export function humanize(key: string): string {
  const words = key.replace(/_/g, ' ').replace(/\bdeg\b/, '(°)').replace(/\bmm\b/, '(mm)').replace(/\bpx\b/, '(px)');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const showDefault = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** A number's limits in words, only those that say something (no "at most 9007199254740991"). */
export function rangeText(s: JsonSchema): string {
  const exLo = says(s.exclusiveMinimum);
  const exHi = says(s.exclusiveMaximum);
  const lo = says(s.minimum) ? s.minimum : exLo ? s.exclusiveMinimum : undefined;
  const hi = says(s.maximum) ? s.maximum : exHi ? s.exclusiveMaximum : undefined;
  const lower = exLo && !says(s.minimum) ? `more than ${lo}` : `at least ${lo}`;
  const upper = exHi && !says(s.maximum) ? `less than ${hi}` : `at most ${hi}`;
  const kind = s.type === 'integer' ? 'Whole number' : 'Number';
  if (lo !== undefined && hi !== undefined && !lower.startsWith('more') && !upper.startsWith('less')) return `${kind} from ${lo} to ${hi}`;
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
    <Stack gap="xs">
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField key={key} {...props} path={[key]} schema={child} />
      ))}
      {Object.keys(schema.properties ?? {}).length === 0 && (
        <Text size="sm" c="dimmed">
          This node type has no settings.
        </Text>
      )}
    </Stack>
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
  const reset = () => onChange(path, undefined);
  return { stored, def, effective, errors, set, reset, param: param?.name, expose, label: schema.title ?? humanize(path[path.length - 1] ?? ''), id: `${props.idBase}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}` };
}

type Field = ReturnType<typeof useField>;

/** The errors at or inside a field's path (a group's include its fields'). */
const errorsWithin = (p: FieldProps) => {
  const key = p.path.join('.');
  return p.problems
    .filter((x) => x.path.slice(0, p.path.length).join('.') === key)
    .map((x) => `${x.path.join('.')}: ${x.message}`)
    .join('\n');
};

/**
 * A field is drawn again only when what it shows changed: its value, default, parameter, errors.
 * An edit to one setting then redraws that field, not the whole form. The callbacks are left out:
 * the inspector makes them anew on each draw, but for one node they do the same.
 */
function sameField(a: FieldProps, b: FieldProps): boolean {
  const key = a.path.join('.');
  const pa = a.parameterTargets.get(key);
  const pb = b.parameterTargets.get(key);
  return (
    a.idBase === b.idBase &&
    a.schema === b.schema &&
    key === b.path.join('.') &&
    a.defaults === b.defaults &&
    valueAt(a.value, a.path) === valueAt(b.value, b.path) &&
    pa?.name === pb?.name &&
    pa?.default === pb?.default &&
    // A group passes the parameters on to its fields: any change redraws it.
    (!a.schema.properties || a.parameterTargets === b.parameterTargets) &&
    (a.onExpose === undefined) === (b.onExpose === undefined) &&
    errorsWithin(a) === errorsWithin(b)
  );
}

const SchemaField = memo(function SchemaField(props: FieldProps) {
  const { schema } = props;
  if (schema.type === 'object' && schema.properties) return <ObjectField {...props} />;
  if (isMap(schema)) return <MapField {...props} />;
  if (schema.type === 'array' && schema.items?.enum) return <MultiEnumField {...props} />;
  if (schema.enum || constOptions(schema)) return <EnumField {...props} />;
  if (schema.type === 'boolean') return <BooleanField {...props} />;
  if (schema.type === 'integer' || schema.type === 'number') return <NumberField {...props} />;
  if (schema.type === 'string') return <StringField {...props} />;
  return <JsonField {...props} />;
}, sameField);

function ObjectField(props: FieldProps) {
  const { schema, path } = props;
  const label = schema.title ?? humanize(path[path.length - 1] ?? '');
  return (
    <Fieldset legend={label} variant="unstyled" className="wf-fieldset">
      <Stack gap="xs">
        {Object.entries(schema.properties ?? {}).map(([key, child]) => (
          <SchemaField key={key} {...props} path={[...path, key]} schema={child} />
        ))}
      </Stack>
    </Fieldset>
  );
}

/** What a field says under its control: its default, its limits, who fills it, whether it is set here. */
function hintOf(f: Field, hint?: string): string {
  return [f.def !== undefined ? `Default: ${showDefault(f.def)}` : 'Not set by default', hint, f.param ? `Parameter "${f.param}" fills it unless set here` : null, f.stored !== undefined ? 'Set on this node' : null]
    .filter(Boolean)
    .join(' · ');
}

/** Reset and expose, beside a field's control. */
function FieldActions({ f }: { f: Field }) {
  return (
    <>
      {f.stored !== undefined && (
        <ActionIcon aria-label={`Reset ${f.label} to its default`} title="Reset to default" onClick={f.reset}>
          ↺
        </ActionIcon>
      )}
      {f.expose && (
        <ActionIcon aria-label={`Expose ${f.label} as a workflow parameter`} title="Expose as a workflow parameter" onClick={f.expose}>
          ⇪
        </ActionIcon>
      )}
    </>
  );
}

/** The Mantine wrapper props every field shares: label, hint and errors tied to the control (aria-describedby, aria-invalid). */
function wrapperProps(f: Field, hint: string | undefined, errors: string[] = f.errors) {
  return {
    id: f.id,
    label: f.label,
    description: hintOf(f, hint),
    error: errors.length ? errors.join(' ') : undefined,
    inputContainer: (children: ReactNode) => (
      <Group gap={4} wrap="nowrap" align="center">
        <div className="wf-grow">{children}</div>
        <FieldActions f={f} />
      </Group>
    ),
  };
}

function EnumField(props: FieldProps) {
  const f = useField(props);
  const options = props.schema.enum ?? constOptions(props.schema) ?? [];
  const index = options.findIndex((o) => sameJson(o, f.effective));
  return (
    <NativeSelect {...wrapperProps(f, undefined)} value={index === -1 ? '' : String(index)} onChange={(e) => f.set(e.currentTarget.value === '' ? undefined : options[Number(e.currentTarget.value)])}>
      {(f.def === undefined || index === -1) && <option value="">{index === -1 && f.effective !== undefined ? `${showDefault(f.effective)} (not allowed)` : '— not set —'}</option>}
      {options.map((o, i) => (
        <option key={String(i)} value={String(i)}>
          {showDefault(o)}
          {sameJson(o, f.def) ? ' (default)' : ''}
        </option>
      ))}
    </NativeSelect>
  );
}

function BooleanField(props: FieldProps) {
  const f = useField(props);
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Checkbox
        className="wf-grow"
        id={f.id}
        label={f.label}
        description={hintOf(f)}
        error={f.errors.length ? f.errors.join(' ') : undefined}
        aria-invalid={f.errors.length > 0}
        checked={f.effective === true}
        onChange={(e) => f.set(e.currentTarget.checked)}
      />
      <FieldActions f={f} />
    </Group>
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
    // A native number field (role spinbutton, arrow keys step it), drawn by Mantine.
    <TextInput
      {...wrapperProps(f, rangeText(s), local ? [local, ...f.errors] : f.errors)}
      type="number"
      step={s.type === 'integer' ? 1 : 'any'}
      min={says(s.minimum) ? s.minimum : undefined}
      max={says(s.maximum) ? s.maximum : undefined}
      placeholder={f.def === undefined ? 'not set' : showDefault(f.def)}
      value={text}
      onChange={(e) => {
        const raw = e.currentTarget.value;
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
  );
}

function StringField(props: FieldProps) {
  const f = useField(props);
  const s = props.schema;
  const text = typeof f.effective === 'string' ? f.effective : f.effective === undefined ? '' : JSON.stringify(f.effective);
  const color = isColor(s);
  const valid = /^#[0-9a-fA-F]{6}$/.test(text);
  const hint = [s.format === 'uri' ? 'A URL' : null, s.minLength !== undefined || s.maxLength !== undefined ? `${s.minLength ?? 0} to ${says(s.maxLength) ? s.maxLength : '∞'} characters` : null, color ? 'A colour as #rrggbb' : null]
    .filter(Boolean)
    .join(', ');
  const base = wrapperProps(f, hint || undefined);
  return (
    <TextInput
      {...base}
      inputContainer={(children) =>
        base.inputContainer(
          color ? (
            <Group gap={4} wrap="nowrap">
              <div className="wf-grow">{children}</div>
              <input type="color" className="wf-color-picker" aria-label={`${f.label} picker`} value={valid ? text.toLowerCase() : '#000000'} onChange={(e) => f.set(e.currentTarget.value)} />
            </Group>
          ) : (
            children
          ),
        )
      }
      leftSection={color && valid ? <ColorSwatch color={text} size={14} /> : undefined}
      type={s.format === 'uri' ? 'url' : 'text'}
      value={text}
      placeholder={f.def === undefined ? 'not set' : undefined}
      onChange={(e) => f.set(e.currentTarget.value === '' && f.def === undefined ? undefined : e.currentTarget.value)}
    />
  );
}

function MultiEnumField(props: FieldProps) {
  const f = useField(props);
  const options = props.schema.items?.enum ?? [];
  const chosen = Array.isArray(f.effective) ? (f.effective as unknown[]) : [];
  const errorId = `${f.id}-error`;
  const hintId = `${f.id}-hint`;
  return (
    <Fieldset legend={f.label} variant="unstyled" className="wf-fieldset" aria-describedby={[f.errors.length ? errorId : null, hintId].filter(Boolean).join(' ')} aria-invalid={f.errors.length > 0}>
      <Group gap="sm">
        {options.map((o) => (
          <Checkbox
            key={String(o)}
            label={showDefault(o)}
            checked={chosen.some((c) => sameJson(c, o))}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              f.set(options.filter((x) => (sameJson(x, o) ? on : chosen.some((c) => sameJson(c, x)))));
            }}
          />
        ))}
      </Group>
      {f.errors.length > 0 && (
        <Text id={errorId} size="xs" c="var(--fail)" mt={4}>
          {f.errors.join(' ')}
        </Text>
      )}
      <Text id={hintId} size="xs" c="dimmed" mt={4}>
        Default: {showDefault(f.def)}
        {props.schema.minItems ? ` · choose at least ${props.schema.minItems}` : ''}
      </Text>
    </Fieldset>
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
  const setValue = (i: number, value: string) => commit(rows.map((x, j) => (j === i ? { ...x, value } : x)));
  return (
    <Fieldset legend={label} variant="unstyled" className="wf-fieldset">
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No entries{f.def !== undefined ? ` (default: ${showDefault(f.def)})` : ''}.
        </Text>
      )}
      {rows.length > 0 && (
        <Table aria-label={`${label} entries`} verticalSpacing={2} horizontalSpacing={4} highlightOnHover={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th ta="right">#</Table.Th>
              <Table.Th>{keyName}</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => {
              const rowErrors = props.problems.filter((p) => p.path.join('.') === [...props.path, r.key].join('.')).map((p) => p.message);
              const local = dupes.has(r.key) ? `"${r.key}" is listed twice; only the first row counts.` : r.key === '' ? 'Enter a key.' : null;
              const errs = local ? [local, ...rowErrors] : rowErrors;
              return (
                <Table.Tr key={i}>
                  <Table.Td ta="right">{i + 1}</Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={`${keyName} ${i + 1} of ${label}`}
                      value={r.key}
                      minLength={props.schema.propertyNames?.minLength}
                      maxLength={props.schema.propertyNames?.maxLength}
                      error={errs.length ? errs.join(' ') : undefined}
                      onChange={(e) => {
                        const key = e.currentTarget.value;
                        commit(rows.map((x, j) => (j === i ? { ...x, key } : x)));
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    {valueSchema.enum ? (
                      <NativeSelect aria-label={`Value ${i + 1} of ${label}`} value={r.value} onChange={(e) => setValue(i, e.currentTarget.value)}>
                        {valueSchema.enum.map((o) => (
                          <option key={String(o)} value={String(o)}>
                            {String(o)}
                          </option>
                        ))}
                      </NativeSelect>
                    ) : (
                      <TextInput aria-label={`Value ${i + 1} of ${label}`} value={r.value} onChange={(e) => setValue(i, e.currentTarget.value)} />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon aria-label={`Move entry ${i + 1} of ${label} up`} disabled={i === 0} onClick={() => commit(rows.map((x, j) => (j === i - 1 ? rows[i] : j === i ? rows[i - 1] : x) as MapRow))}>
                        ↑
                      </ActionIcon>
                      <ActionIcon aria-label={`Move entry ${i + 1} of ${label} down`} disabled={i === rows.length - 1} onClick={() => commit(rows.map((x, j) => (j === i + 1 ? rows[i] : j === i ? rows[i + 1] : x) as MapRow))}>
                        ↓
                      </ActionIcon>
                      <ActionIcon color="red" aria-label={`Remove entry ${i + 1} of ${label}`} onClick={() => commit(rows.filter((_, j) => j !== i))}>
                        ✕
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Button variant="default" mt={4} onClick={() => setRows([...rows, { key: '', value: typeof valueSchema.default === 'string' ? valueSchema.default : '' }])}>
        Add entry to {label}
      </Button>
      {f.errors.length > 0 && (
        <Text size="xs" c="var(--fail)" mt={4}>
          {f.errors.join(' ')}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        In order: the first matching entry wins.
      </Text>
    </Fieldset>
  );
}

/** Anything the form has no control for: edited as JSON, checked by the backend. */
function JsonField(props: FieldProps) {
  const f = useField(props);
  const [text, setText] = useState(f.effective === undefined ? '' : JSON.stringify(f.effective));
  const [local, setLocal] = useState<string | null>(null);
  return (
    <Textarea
      {...wrapperProps(f, 'JSON', local ? [local, ...f.errors] : f.errors)}
      autosize
      minRows={2}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        onJsonText(e.currentTarget.value, f.set, (bad) => setLocal(bad ? `${f.label}: not valid JSON.` : null));
      }}
    />
  );
}
