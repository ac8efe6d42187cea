import { memo, useId, useMemo } from 'react';
import { Alert, Badge, Button, Checkbox, Fieldset, Group, List, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useStore } from 'zustand';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { Problem } from '../../../shared/workflow/problems';
import type { OnError, WorkflowDocument } from '../../../shared/workflow/document';
import { edgeText } from './doc-diff';
import { freshEdgeId, settingsPathOf } from './doc-utils';
import type { EditorModel } from './editor-store';
import { portAccepts } from '../../../shared/workflow/validate';
import { connectionRefusal, portTypesText } from './node-defs';
import { ParametersPanel } from './ParametersPanel';
import { SchemaForm, type FieldProblem, type JsonSchema } from './schema-form';

interface InspectorProps {
  model: EditorModel;
  byType: Map<string, NodeDefinition>;
  problems: Problem[];
}

/** The selection's details: a node's settings (generated from its schema), an edge, or several items. */
// Memoized: it follows the store itself; the editor's own redraws need not reach it.
export const Inspector = memo(function Inspector({ model, byType, problems }: InspectorProps) {
  const doc = useStore(model.store, (s) => s.doc);
  const selectedNodes = useStore(model.store, (s) => s.selectedNodes);
  const selectedEdges = useStore(model.store, (s) => s.selectedEdges);
  const headingId = useId();

  if (selectedNodes.length === 1 && selectedEdges.length === 0) {
    return <NodeInspector key={selectedNodes[0]} model={model} doc={doc} nodeId={selectedNodes[0] as string} byType={byType} problems={problems} />;
  }
  if (selectedNodes.length === 0 && selectedEdges.length === 1) {
    const edge = doc.edges.find((e) => e.id === selectedEdges[0]);
    if (!edge) return null;
    const own = problems.filter((p) => p.edgeId === edge.id);
    return (
      <Stack component="section" gap="xs" aria-labelledby={headingId}>
        <Title order={2} id={headingId}>
          Edge {edge.id}
        </Title>
        <Text size="sm">{edgeText(edge)}</Text>
        <ProblemList problems={own} />
        <Group>
          <Button color="red" variant="light" onClick={() => model.deleteSelection()}>
            Delete edge
          </Button>
        </Group>
      </Stack>
    );
  }
  if (selectedNodes.length + selectedEdges.length > 1) {
    return (
      <Stack component="section" gap="xs" aria-labelledby={headingId}>
        <Title order={2} id={headingId}>
          Selection
        </Title>
        <Text size="sm">
          {selectedNodes.length} {selectedNodes.length === 1 ? 'node' : 'nodes'}, {selectedEdges.length} {selectedEdges.length === 1 ? 'edge' : 'edges'} selected.
        </Text>
        <Group gap="xs">
          <Button variant="default" onClick={() => model.copySelection()}>
            Copy
          </Button>
          <Button color="red" variant="light" onClick={() => model.deleteSelection()}>
            Delete selected
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      <section aria-labelledby={headingId}>
        <Title order={2} id={headingId}>
          Settings
        </Title>
        <Text size="sm" c="dimmed">
          Select a node to edit its settings. Press ? for the keyboard shortcuts.
        </Text>
      </section>
      <ParametersPanel model={model} byType={byType} problems={problems} />
    </Stack>
  );
});

function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <List size="sm" listStyleType="none" spacing={2}>
      {problems.map((p, i) => (
        <List.Item key={i}>
          <SeverityBadge severity={p.severity} /> {p.message}
        </List.Item>
      ))}
    </List>
  );
}

function NodeInspector({ model, doc, nodeId, byType, problems }: { model: EditorModel; doc: WorkflowDocument; nodeId: string; byType: Map<string, NodeDefinition>; problems: Problem[] }) {
  const headingId = useId();
  const node = doc.nodes.find((n) => n.id === nodeId);
  const def = node ? byType.get(node.type) : undefined;
  const own = useMemo(() => problems.filter((p) => p.nodeId === nodeId && !p.edgeId), [problems, nodeId]);
  const { fieldProblems, general } = useMemo(() => {
    const fieldProblems: FieldProblem[] = [];
    const general: Problem[] = [];
    const known = new Set(Object.keys((def?.settingsSchema as JsonSchema | undefined)?.properties ?? {}));
    for (const p of own) {
      const at = settingsPathOf(p.path);
      if (at && at.setting.length > 0 && known.has(String(at.setting[0]))) fieldProblems.push({ path: at.setting.map(String), message: p.message });
      else general.push(p);
    }
    return { fieldProblems, general };
  }, [own, def]);
  const parameterTargets = useMemo(() => {
    const m = new Map<string, { name: string; default: unknown }>();
    for (const p of doc.parameters ?? []) for (const t of p.targets) if (t.nodeId === nodeId) m.set(t.setting, { name: p.name, default: p.default });
    return m;
  }, [doc.parameters, nodeId]);
  // The nodes that could feed an input change with ids and types only, not with every settings edit.
  const shape = doc.nodes.map((n) => `${n.id}\u0000${n.type}`).join('\u0001');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const sources = useMemo(() => doc.nodes.map((n) => ({ id: n.id, type: n.type })), [shape]);
  if (!node) return null;
  const title = def?.title ?? node.type;
  const idBase = `wf-set-${node.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  return (
    <Stack component="section" gap="xs" aria-labelledby={headingId}>
      <Title order={2} id={headingId}>
        {title}{' '}
        <Text span c="dimmed" ff="monospace" size="xs">
          {node.id}
        </Text>
      </Title>
      {def && (
        <Text size="sm" c="dimmed">
          {def.description}
        </Text>
      )}
      {def && !def.executable && (
        <Alert color="yellow" p="xs">
          This node type cannot run yet: {def.disabledReason}
        </Alert>
      )}
      {!def && (
        <Alert color="red" p="xs">
          Node type {node.type} is not known to this Lightbox.
        </Alert>
      )}
      <ProblemList problems={general} />

      <TextInput id={`${idBase}--label`} label="Label" value={node.label ?? ''} maxLength={200} placeholder={title} onChange={(e) => model.setNode(node.id, { label: e.currentTarget.value })} />
      <NativeSelect id={`${idBase}--onerror`} label="On error" value={node.onError ?? 'fail'} onChange={(e) => model.setNode(node.id, { onError: e.currentTarget.value as OnError })}>
        <option value="fail">fail the run (default)</option>
        <option value="continue">continue, passing inputs on</option>
      </NativeSelect>
      <Checkbox id={`${idBase}--disabled`} label="Disabled (never runs)" checked={node.disabled === true} onChange={(e) => model.setNode(node.id, { disabled: e.currentTarget.checked })} />

      {def && def.inputs.length > 0 && <InputConnections model={model} nodeId={node.id} idBase={idBase} def={def} sources={sources} edges={doc.edges} byType={byType} />}
      {def && def.outputs.length > 0 && (
        <Fieldset legend="Outputs" variant="unstyled" className="wf-fieldset">
          <List size="sm" listStyleType="none" spacing={2}>
            {def.outputs.map((port) => {
              const out = doc.edges.filter((e) => e.source === node.id && e.sourcePort === port.name);
              return (
                <List.Item key={port.name}>
                  {port.title}{' '}
                  <Text span c="dimmed" size="sm">
                    ({portTypesText(port)})
                  </Text>
                  : {out.length === 0 ? 'not connected' : out.map((e) => `${e.target}.${e.targetPort}`).join(', ')}
                </List.Item>
              );
            })}
          </List>
        </Fieldset>
      )}

      {def && (
        <section aria-label={`Settings of ${node.id}`}>
          <Title order={3} mb={4}>
            Settings
          </Title>
          <SchemaForm
            idBase={idBase}
            schema={def.settingsSchema as JsonSchema}
            value={node.settings}
            defaults={def.defaults}
            problems={fieldProblems}
            parameterTargets={parameterTargets}
            onChange={(path, value) => model.setSetting(node.id, path, value)}
            onExpose={(path, value) => {
              const name = model.exposeSetting(node.id, path, value);
              model.notify('info', `${path.join('.')} of ${node.id} is now filled by parameter ${name} (see Parameters).`);
            }}
          />
        </section>
      )}
    </Stack>
  );
}

/** A problem's severity as a badge: the word, coloured, readable in both schemes. */
export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <Badge color={severity === 'error' ? 'red' : severity === 'warning' ? 'yellow' : 'gray'} w={72} className="wf-sev">
      {severity}
    </Badge>
  );
}

interface InputConnectionsProps {
  model: EditorModel;
  nodeId: string;
  idBase: string;
  def: NodeDefinition;
  sources: { id: string; type: string }[];
  edges: WorkflowDocument['edges'];
  byType: Map<string, NodeDefinition>;
}

/** One select per input port listing every output that fits: hundreds of options, so drawn again only when the graph's shape changes. */
const InputConnections = memo(function InputConnections({ model, nodeId, idBase, def, sources, edges, byType }: InputConnectionsProps) {
  const connectInput = (port: string, value: string) => {
    const doc = model.store.getState().doc;
    const current = doc.edges.find((e) => e.target === nodeId && e.targetPort === port);
    if (value === '') {
      if (current) model.edit((d) => ({ ...d, edges: d.edges.filter((e) => e.id !== current.id) }));
      return;
    }
    const [source, sourcePort] = JSON.parse(value) as [string, string];
    const without = current ? { ...doc, edges: doc.edges.filter((e) => e.id !== current.id) } : doc;
    const problem = connectionRefusal(without, byType, { source, sourcePort, target: nodeId, targetPort: port });
    if (problem) {
      model.notify('refused', `Connection refused: ${problem}`);
      return;
    }
    model.edit((d) => {
      const rest = { ...d, edges: d.edges.filter((e) => e.id !== current?.id) };
      const id = freshEdgeId(rest, source, sourcePort, nodeId, port);
      return { ...rest, edges: [...rest.edges, { id, source, sourcePort, target: nodeId, targetPort: port }] };
    });
  };
  return (
    <Fieldset legend="Inputs" variant="unstyled" className="wf-fieldset">
      <Stack gap="xs">
        {def.inputs.map((port) => {
          const current = edges.find((e) => e.target === nodeId && e.targetPort === port.name);
          const options = sources
            .filter((n) => n.id !== nodeId)
            .flatMap((n) => (byType.get(n.type)?.outputs ?? []).map((o) => ({ node: n, port: o })))
            .filter(({ port: o }) => portAccepts(port, o));
          const id = `${idBase}--in-${port.name}`;
          return (
            <NativeSelect
              key={port.name}
              id={id}
              label={
                <>
                  Input {port.title}{' '}
                  <Text span c="dimmed" size="xs">
                    ({portTypesText(port)}
                    {port.required ? ', required' : ''})
                  </Text>
                </>
              }
              value={current ? JSON.stringify([current.source, current.sourcePort]) : ''}
              onChange={(e) => connectInput(port.name, e.currentTarget.value)}
            >
              <option value="">— not connected —</option>
              {current && !options.some((o) => o.node.id === current.source && o.port.name === current.sourcePort) && (
                <option value={JSON.stringify([current.source, current.sourcePort])}>
                  {current.source} · {current.sourcePort} (does not fit)
                </option>
              )}
              {options.map(({ node: n, port: o }) => (
                <option key={`${n.id}.${o.name}`} value={JSON.stringify([n.id, o.name])}>
                  {n.id} · {o.title}
                </option>
              ))}
            </NativeSelect>
          );
        })}
      </Stack>
    </Fieldset>
  );
});
