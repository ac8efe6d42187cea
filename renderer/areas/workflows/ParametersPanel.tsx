import { useEffect, useMemo, useState } from 'react';
import { Button, Checkbox, Fieldset, Group, NativeSelect, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useStore } from 'zustand';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { WorkflowNode, WorkflowParameter } from '../../../shared/workflow/document';
import type { Problem } from '../../../shared/workflow/problems';
import { onJsonText, readJsonText } from '../../ui/json-text';
import { sameJson } from './doc-utils';
import type { EditorModel } from './editor-store';
import type { JsonSchema } from './schema-form';

/**
 * The workflow's parameters: values an output type (its invocation profile) gives the workflow,
 * each filling settings of some nodes unless a node sets them itself. Problems come from the
 * validator by path (`parameters[i]…`), like every other problem.
 */

interface Props {
  model: EditorModel;
  byType: Map<string, NodeDefinition>;
  problems: Problem[];
}

const NONE: WorkflowParameter[] = [];

export const PARAMETERS_HEADING_ID = 'wf-parameters-heading';

/** Every setting a parameter can fill on a node type: groups and the values inside them, dotted. */
export function settingPaths(schema: JsonSchema | undefined, prefix: string[] = []): string[] {
  if (!schema || schema.type !== 'object' || !schema.properties) return [];
  return Object.entries(schema.properties).flatMap(([key, s]) => {
    const path = [...prefix, key];
    return [path.join('.'), ...settingPaths(s, path)];
  });
}

/** The control a problem at `parameters[i]…` is about: the name, the default, a target's setting, else the panel heading. */
export function parameterFieldId(path: string): string | null {
  const m = /^parameters\[(\d+)\](?:\.(name|default)|\.targets\[(\d+)\])?/.exec(path);
  if (!m) return null;
  if (m[2]) return `wf-param-${m[1]}-${m[2]}`;
  if (m[3] !== undefined) return `wf-param-${m[1]}-target-${m[3]}`;
  return PARAMETERS_HEADING_ID;
}

const freshName = (taken: readonly WorkflowParameter[]) => {
  let n = taken.length + 1;
  while (taken.some((p) => p.name === `param_${n}`)) n += 1;
  return `param_${n}`;
};

const messagesAt = (problems: Problem[], path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`)).map((p) => p.message);

/** Up to this many parameters every group is open; more (a migrated workflow has 39) and they start folded. */
const OPEN_UP_TO = 8;

interface ParameterGroup {
  key: string;
  title: string;
  items: { param: WorkflowParameter; index: number }[];
}

/**
 * Parameters by the node they fill (the first target's), in the nodes' order; those that fill no
 * node of this workflow last. `query` keeps those whose name, title, description or nodes match.
 */
export function groupParameters(parameters: readonly WorkflowParameter[], nodes: readonly WorkflowNode[], byType: Map<string, NodeDefinition>, query: string): ParameterGroup[] {
  const q = query.trim().toLowerCase();
  const groups = new Map<string, ParameterGroup>();
  for (const n of nodes) groups.set(n.id, { key: n.id, title: `${n.label || byType.get(n.type)?.title || n.type} (${n.id})`, items: [] });
  const loose: ParameterGroup = { key: '', title: 'Filling no node of this workflow', items: [] };
  parameters.forEach((param, index) => {
    const hay = [param.name, param.title ?? '', param.description ?? '', ...param.targets.map((t) => `${t.nodeId} ${t.setting}`)].join(' ').toLowerCase();
    if (q && !hay.includes(q)) return;
    const target = param.targets.find((t) => groups.has(t.nodeId));
    (target ? (groups.get(target.nodeId) as ParameterGroup) : loose).items.push({ param, index });
  });
  return [...groups.values(), loose].filter((g) => g.items.length > 0);
}

export function ParametersPanel({ model, byType, problems }: Props) {
  const parameters = useStore(model.store, (s) => s.doc.parameters ?? NONE);
  const nodes = useStore(model.store, (s) => s.doc.nodes);
  const [query, setQuery] = useState('');
  // The parameter added last: its group opens, wherever it goes as its targets change.
  const [added, setAdded] = useState<number | null>(null);
  const groups = useMemo(() => groupParameters(parameters, nodes, byType, query), [parameters, nodes, byType, query]);
  const searching = query.trim() !== '';
  const add = () => {
    const name = freshName(parameters);
    model.editParameters((ps) => [...ps, { name, targets: [] }]);
    setAdded(parameters.length);
    model.notify('info', `Added parameter ${name}.`);
  };
  return (
    <Stack component="section" gap="xs" aria-labelledby={PARAMETERS_HEADING_ID}>
      <Title order={2} id={PARAMETERS_HEADING_ID} tabIndex={-1}>
        Parameters
      </Title>
      <Text size="sm" c="dimmed">
        Values an output type gives this workflow. Each fills the settings it targets, unless a node sets them itself.
      </Text>
      {parameters.length === 0 && (
        <Text size="sm" c="dimmed">
          No parameters.
        </Text>
      )}
      {parameters.length > 0 && <TextInput type="search" label="Search parameters" value={query} placeholder="Name, title or node" onChange={(e) => setQuery(e.currentTarget.value)} />}
      {searching && groups.length === 0 && (
        <Text size="sm" c="dimmed">
          No parameter matches "{query.trim()}".
        </Text>
      )}
      {groups.map((g) => {
        const open = searching || parameters.length <= OPEN_UP_TO || g.items.some((it) => it.index === added);
        return (
          // Keyed with its open state: a search or an added parameter opens the group anew; otherwise the user's choice stays.
          // A native disclosure: folded content leaves the accessibility tree, and a problem can open it to focus a field.
          <details key={`${g.key}:${open}`} className="wf-param-group" open={open}>
            <summary>
              {g.title}{' '}
              <Text span c="dimmed" size="sm">
                · {g.items.length} {g.items.length === 1 ? 'parameter' : 'parameters'}
              </Text>
            </summary>
            <Stack gap="xs" mt={4}>
              {g.items.map(({ param, index }) => (
                // Keyed by position: a rename must keep the fields (and the focus) where they are.
                <ParameterFields key={index} index={index} param={param} nodes={nodes} byType={byType} problems={problems} model={model} />
              ))}
            </Stack>
          </details>
        );
      })}
      <Group>
        <Button variant="default" onClick={add}>
          Add parameter
        </Button>
      </Group>
    </Stack>
  );
}

interface FieldsProps {
  index: number;
  param: WorkflowParameter;
  nodes: WorkflowNode[];
  byType: Map<string, NodeDefinition>;
  problems: Problem[];
  model: EditorModel;
}

function ParameterFields({ index, param, nodes, byType, problems, model }: FieldsProps) {
  const base = `parameters[${index}]`;
  // Ids by position, so a problem in the list can focus its field (parameterFieldId).
  const id = `wf-param-${index}`;
  const set = (patch: Partial<WorkflowParameter>, field: string) =>
    model.editParameters(
      (ps) =>
        ps.map((p, i) => {
          if (i !== index) return p;
          const next: WorkflowParameter = { ...p, ...patch };
          // Empty optional fields are left out, so the document keeps only what was set.
          for (const k of ['title', 'description', 'default', 'required'] as const) if (next[k] === undefined || next[k] === '' || next[k] === false) delete next[k];
          return next;
        }),
      `param:${index}:${field}`,
    );
  const setTargets = (targets: WorkflowParameter['targets']) => set({ targets }, 'targets');
  const settable = nodes.filter((n) => settingPaths(byType.get(n.type)?.settingsSchema as JsonSchema | undefined).length > 0);
  const nameErrors = messagesAt(problems, `${base}.name`);
  const defaultErrors = messagesAt(problems, `${base}.default`);
  const label = param.name || `parameter ${index + 1}`;

  const addTarget = () => {
    const node = settable[0];
    if (!node) {
      model.notify('refused', 'No node of this workflow has settings a parameter could fill.');
      return;
    }
    const setting = settingPaths(byType.get(node.type)?.settingsSchema as JsonSchema)[0] as string;
    setTargets([...param.targets, { nodeId: node.id, setting }]);
  };
  const remove = () => {
    model.editParameters((ps) => ps.filter((_, i) => i !== index));
    model.notify('info', `Removed parameter ${param.name}.`);
  };

  return (
    <Fieldset
      aria-label={`Parameter ${param.name}`}
      p="xs"
      // In words first ("Samples"), its name after.
      legend={
        param.title ? (
          <>
            {param.title}{' '}
            <Text span ff="monospace" size="xs" c="dimmed">
              {param.name}
            </Text>
          </>
        ) : (
          <>Parameter {param.name}</>
        )
      }
    >
      <Stack gap="xs">
        <TextInput id={`${id}-name`} label="Name" value={param.name} maxLength={128} error={nameErrors.length ? nameErrors.join(' ') : undefined} onChange={(e) => set({ name: e.currentTarget.value }, 'name')} />
        <TextInput id={`${id}-title`} label="Title" value={param.title ?? ''} maxLength={200} onChange={(e) => set({ title: e.currentTarget.value }, 'title')} />
        <TextInput id={`${id}-description`} label="Description" value={param.description ?? ''} maxLength={2000} onChange={(e) => set({ description: e.currentTarget.value }, 'description')} />
        <Checkbox id={`${id}-required`} label="Required (an output type must give it)" checked={param.required === true} onChange={(e) => set({ required: e.currentTarget.checked }, 'required')} />
        <DefaultField id={`${id}-default`} value={param.default} errors={defaultErrors} onChange={(v) => set({ default: v }, 'default')} />

        <Table aria-label={`Targets of ${label}`} verticalSpacing={2} horizontalSpacing={4} highlightOnHover={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Node</Table.Th>
              <Table.Th>Setting</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {param.targets.map((t, j) => {
              const paths = settingPaths(byType.get(nodes.find((n) => n.id === t.nodeId)?.type ?? '')?.settingsSchema as JsonSchema | undefined);
              const errors = messagesAt(problems, `${base}.targets[${j}]`);
              const which = `target ${j + 1} of ${label}`;
              return (
                <Table.Tr key={j}>
                  <Table.Td>
                    <NativeSelect
                      aria-label={`Node of ${which}`}
                      value={t.nodeId}
                      onChange={(e) => {
                        const nodeId = e.currentTarget.value;
                        const type = nodes.find((n) => n.id === nodeId)?.type ?? '';
                        const options = settingPaths(byType.get(type)?.settingsSchema as JsonSchema | undefined);
                        // Keep the setting when the new node has it too.
                        setTargets(param.targets.map((x, k) => (k === j ? { nodeId, setting: options.includes(x.setting) ? x.setting : (options[0] ?? x.setting) } : x)));
                      }}
                    >
                      {!nodes.some((n) => n.id === t.nodeId) && <option value={t.nodeId}>{t.nodeId} (not in the workflow)</option>}
                      {settable.map((n) => (
                        <option key={n.id} value={n.id}>
                          {n.id}
                        </option>
                      ))}
                    </NativeSelect>
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      id={`${id}-target-${j}`}
                      aria-label={`Setting of ${which}`}
                      error={errors.length ? errors.join(' ') : undefined}
                      value={t.setting}
                      onChange={(e) => {
                        const setting = e.currentTarget.value;
                        setTargets(param.targets.map((x, k) => (k === j ? { ...x, setting } : x)));
                      }}
                    >
                      {!paths.includes(t.setting) && <option value={t.setting}>{t.setting} (unknown)</option>}
                      {paths.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </NativeSelect>
                  </Table.Td>
                  <Table.Td>
                    <Button variant="subtle" aria-label={`Remove ${which}`} onClick={() => setTargets(param.targets.filter((_, k) => k !== j))}>
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Group gap="xs">
          <Button variant="default" onClick={addTarget}>
            Add target to {label}
          </Button>
          <Button color="red" variant="light" onClick={remove}>
            Remove {label}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}

/** The default as JSON (its type is that of the settings it fills); text that does not parse stays here, explained. */
function DefaultField({ id, value, errors, onChange }: { id: string; value: unknown; errors: string[]; onChange: (v: unknown) => void }) {
  const shown = value === undefined ? '' : JSON.stringify(value);
  const [text, setText] = useState(shown);
  // Undo and redo change the default under the field: show theirs unless it is what is typed.
  useEffect(() => {
    setText((t) => {
      const read = readJsonText(t);
      return (read.kind === 'empty' ? value === undefined : read.kind === 'value' && sameJson(read.value, value)) ? t : shown;
    });
  }, [shown, value]);
  const bad = readJsonText(text).kind === 'invalid';
  const all = bad ? ['Default: not valid JSON (a number, "text", true, [..] or {..}).', ...errors] : errors;
  return (
    <TextInput
      id={id}
      label="Default (JSON)"
      value={text}
      placeholder="no default"
      error={all.length ? all.join(' ') : undefined}
      onChange={(e) => {
        setText(e.currentTarget.value);
        onJsonText(e.currentTarget.value, onChange);
      }}
    />
  );
}
