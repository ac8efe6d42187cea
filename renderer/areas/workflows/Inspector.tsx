import { memo, useId, useMemo } from 'react';
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
export function Inspector({ model, byType, problems }: InspectorProps) {
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
      <section className="wf-inspector" aria-labelledby={headingId}>
        <h2 id={headingId}>Edge {edge.id}</h2>
        <p>{edgeText(edge)}</p>
        <ProblemList problems={own} />
        <button type="button" className="danger" onClick={() => model.deleteSelection()}>
          Delete edge
        </button>
      </section>
    );
  }
  if (selectedNodes.length + selectedEdges.length > 1) {
    return (
      <section className="wf-inspector" aria-labelledby={headingId}>
        <h2 id={headingId}>Selection</h2>
        <p>
          {selectedNodes.length} {selectedNodes.length === 1 ? 'node' : 'nodes'}, {selectedEdges.length} {selectedEdges.length === 1 ? 'edge' : 'edges'} selected.
        </p>
        <div className="actions">
          <button type="button" onClick={() => model.copySelection()}>
            Copy
          </button>
          <button type="button" className="danger" onClick={() => model.deleteSelection()}>
            Delete selected
          </button>
        </div>
      </section>
    );
  }
  return (
    <>
      <section className="wf-inspector" aria-labelledby={headingId}>
        <h2 id={headingId}>Settings</h2>
        <p className="muted">Select a node to edit its settings. Press ? for the keyboard shortcuts.</p>
      </section>
      <ParametersPanel model={model} byType={byType} problems={problems} />
    </>
  );
}

function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="wf-problem-list">
      {problems.map((p, i) => (
        <li key={i} className={`wf-problem wf-problem-${p.severity}`}>
          <span className="wf-sev">{p.severity}</span> {p.message}
        </li>
      ))}
    </ul>
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
    <section className="wf-inspector" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title} <code>{node.id}</code>
      </h2>
      {def && <p className="muted">{def.description}</p>}
      {def && !def.executable && <p className="banner banner-warn">This node type cannot run yet: {def.disabledReason}</p>}
      {!def && <p className="banner banner-error">Node type {node.type} is not known to this Lightbox.</p>}
      <ProblemList problems={general} />

      <div className="wf-row">
        <label htmlFor={`${idBase}--label`}>Label</label>
        <input id={`${idBase}--label`} type="text" value={node.label ?? ''} maxLength={200} placeholder={title} onChange={(e) => model.setNode(node.id, { label: e.target.value })} />
      </div>
      <div className="wf-row">
        <label htmlFor={`${idBase}--onerror`}>On error</label>
        <select id={`${idBase}--onerror`} value={node.onError ?? 'fail'} onChange={(e) => model.setNode(node.id, { onError: e.target.value as OnError })}>
          <option value="fail">fail the run (default)</option>
          <option value="continue">continue, passing inputs on</option>
        </select>
      </div>
      <div className="wf-row wf-row-check">
        <input id={`${idBase}--disabled`} type="checkbox" checked={node.disabled === true} onChange={(e) => model.setNode(node.id, { disabled: e.target.checked })} />
        <label htmlFor={`${idBase}--disabled`}>Disabled (never runs)</label>
      </div>

      {def && def.inputs.length > 0 && <InputConnections model={model} nodeId={node.id} idBase={idBase} def={def} sources={sources} edges={doc.edges} byType={byType} />}
      {def && def.outputs.length > 0 && (
        <fieldset className="wf-fieldset">
          <legend>Outputs</legend>
          <ul className="plain-list">
            {def.outputs.map((port) => {
              const out = doc.edges.filter((e) => e.source === node.id && e.sourcePort === port.name);
              return (
                <li key={port.name}>
                  {port.title} <span className="muted">({portTypesText(port)})</span>: {out.length === 0 ? 'not connected' : out.map((e) => `${e.target}.${e.targetPort}`).join(', ')}
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}

      {def && (
        <section aria-label={`Settings of ${node.id}`} className="wf-settings">
          <h3>Settings</h3>
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
    </section>
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
    <fieldset className="wf-fieldset">
      <legend>Inputs</legend>
      {def.inputs.map((port) => {
        const current = edges.find((e) => e.target === nodeId && e.targetPort === port.name);
        const options = sources
          .filter((n) => n.id !== nodeId)
          .flatMap((n) => (byType.get(n.type)?.outputs ?? []).map((o) => ({ node: n, port: o })))
          .filter(({ port: o }) => portAccepts(port, o));
        const id = `${idBase}--in-${port.name}`;
        return (
          <div key={port.name} className="wf-row">
            <label htmlFor={id}>
              Input {port.title} <span className="muted">({portTypesText(port)}{port.required ? ', required' : ''})</span>
            </label>
            <select id={id} value={current ? JSON.stringify([current.source, current.sourcePort]) : ''} onChange={(e) => connectInput(port.name, e.target.value)}>
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
            </select>
          </div>
        );
      })}
    </fieldset>
  );
});
