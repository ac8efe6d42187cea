import { createContext, memo, useCallback, useContext, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import { useComputedColorScheme } from '@mantine/core';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { WorkflowNode } from '../../../shared/workflow/document';
import type { EditorModel } from './editor-store';
import type { ConnectionAttempt } from '../../../shared/workflow/validate';
import { connectionRefusal, portColor, portTypesText } from './node-defs';
import { ZoomBand } from '../../ui/zoom-band';

export const PALETTE_MIME = 'application/x-lightbox-node-type';

export interface PlanBadge {
  order: number;
  willReuse: boolean | null;
  renders: number;
  problem: string | null;
}

export interface NodeMarks {
  errors: number;
  warnings: number;
  firstProblem?: string | undefined;
}

/** What a node on the canvas shows of its document node: its settings are not drawn, so editing them redraws nothing. */
type NodeView = Pick<WorkflowNode, 'id' | 'type' | 'label' | 'disabled' | 'onError'>;

interface WfNodeData extends Record<string, unknown> {
  node: NodeView;
  def: NodeDefinition | undefined;
}

/**
 * What validation and the dry run say of each node. Kept beside React Flow, not in its node data:
 * a validation answer then redraws the nodes it concerns, and React Flow's store (a selector per
 * node, edge and handle) is not touched.
 */
interface Decorations {
  marks: Map<string, NodeMarks>;
  plan: Map<string, PlanBadge> | null;
}

const DecorationsContext = createContext<StoreApi<Decorations> | null>(null);

function useDecoration(id: string) {
  const store = useContext(DecorationsContext);
  if (!store) throw new Error('a workflow node is drawn outside its canvas');
  return useStore(
    store,
    useShallow((s) => {
      const m = s.marks.get(id);
      const b = s.plan?.get(id);
      return { errors: m?.errors ?? 0, warnings: m?.warnings ?? 0, firstProblem: m?.firstProblem, plan: b };
    }),
  );
}

type WfNode = Node<WfNodeData, 'wf'>;

const WorkflowNodeView = memo(function WorkflowNodeView({ data, selected }: NodeProps<WfNode>) {
  const { node, def } = data;
  const { plan, ...marks } = useDecoration(node.id);
  const title = def?.title ?? node.type;
  const rows = Math.max(def?.inputs.length ?? 0, def?.outputs.length ?? 0, 1);
  return (
    <div
      className={[
        'wf-node',
        selected ? 'wf-node-selected' : '',
        node.disabled ? 'wf-node-disabled' : '',
        marks.errors ? 'wf-node-error' : marks.warnings ? 'wf-node-warning' : '',
        plan?.willReuse ? 'wf-node-reused' : '',
      ].join(' ')}
    >
      <div className="wf-node-head">
        <span className="wf-node-title">{node.label || title}</span>
        {plan && (
          <span className="wf-badge wf-badge-order" title="Order in the dry run">
            #{plan.order}
          </span>
        )}
      </div>
      <div className="wf-node-sub">
        <code>{node.id}</code>
        {node.label ? ` · ${title}` : ''}
      </div>
      <div className="wf-node-ports" style={{ minHeight: rows * 22 }}>
        <div className="wf-ports-in">
          {def?.inputs.map((p) => (
            <div key={p.name} className="wf-port wf-port-in">
              <Handle
                type="target"
                position={Position.Left}
                id={p.name}
                style={{ background: portColor(p.types[0]) }}
                // A port is a drawn point one drags from, not a control; named, so it needs a role.
                role="img"
                aria-label={`Input ${p.title} of ${node.id} (${portTypesText(p)})`}
                title={`${p.title}: accepts ${portTypesText(p)}${p.required ? ' (required)' : ''}`}
              />
              <span>
                {p.title}
                {p.required ? '' : ' (optional)'}
              </span>
            </div>
          ))}
        </div>
        <div className="wf-ports-out">
          {def?.outputs.map((p) => (
            <div key={p.name} className="wf-port wf-port-out">
              <span>{p.title}</span>
              <Handle
                type="source"
                position={Position.Right}
                id={p.name}
                style={{ background: portColor(p.types[0]) }}
                // A port is a drawn point one drags from, not a control; named, so it needs a role.
                role="img"
                aria-label={`Output ${p.title} of ${node.id} (${portTypesText(p)})`}
                title={`${p.title}: gives ${portTypesText(p)}`}
              />
            </div>
          ))}
        </div>
      </div>
      {/* Semantic zoom: drawn only when zoomed out (CSS, by the canvas's data-zoom), over the node's
          own box, so the node keeps its size and nothing is measured again. */}
      <div className="wf-node-far" aria-hidden="true">
        <span className="wf-node-far-title">{node.label || title}</span>
        <span className="wf-node-far-status">{farStatus(def, node, marks, plan)}</span>
      </div>
      <div className="wf-node-foot">
        {!def && <span className="wf-badge wf-badge-error">Unknown type</span>}
        {def && !def.executable && (
          <span className="wf-badge wf-badge-warn" title={def.disabledReason}>
            Cannot run
          </span>
        )}
        {node.disabled && <span className="wf-badge">Disabled</span>}
        {node.onError === 'continue' && <span className="wf-badge">On error: continue</span>}
        {marks.errors > 0 && (
          <span className="wf-badge wf-badge-error" title={marks.firstProblem}>
            {marks.errors} {marks.errors === 1 ? 'problem' : 'problems'}
          </span>
        )}
        {marks.errors === 0 && marks.warnings > 0 && (
          <span className="wf-badge wf-badge-warn" title={marks.firstProblem}>
            {marks.warnings} {marks.warnings === 1 ? 'warning' : 'warnings'}
          </span>
        )}
        {plan?.willReuse && <span className="wf-badge wf-badge-ok">Reused</span>}
        {plan && plan.renders > 0 && (
          <span className="wf-badge wf-badge-render">
            {plan.renders} {plan.renders === 1 ? 'render' : 'renders'}
          </span>
        )}
        {plan?.problem && (
          <span className="wf-badge wf-badge-error" title={plan.problem}>
            Plan problem
          </span>
        )}
      </div>
    </div>
  );
});

/** The one status word a zoomed-out node shows under its title. */
function farStatus(def: NodeDefinition | undefined, node: NodeView, marks: { errors: number; warnings: number }, plan: PlanBadge | undefined): string {
  if (!def) return 'Unknown type';
  if (marks.errors > 0) return `${marks.errors} ${marks.errors === 1 ? 'problem' : 'problems'}`;
  if (!def.executable) return 'Cannot run';
  if (node.disabled) return 'Disabled';
  if (marks.warnings > 0) return `${marks.warnings} ${marks.warnings === 1 ? 'warning' : 'warnings'}`;
  if (plan?.willReuse) return 'Reused';
  if (plan && plan.renders > 0) return `#${plan.order} · ${plan.renders} ${plan.renders === 1 ? 'render' : 'renders'}`;
  if (plan) return `#${plan.order}`;
  return '';
}

const nodeTypes = { wf: WorkflowNodeView };

// React Flow copies every prop that changed identity into its store, and each store update re-runs
// a selector per node, edge and handle: props are constants or memoized, never fresh literals.
export const FIT_VIEW = { padding: 0.08, maxZoom: 1 };
const MINIMAP_STYLE = { width: 132, height: 88 };
/** Colours React Flow takes as values (SVG fills and strokes), one set per scheme. */
const COLORS = {
  light: { minimapNode: '#c3c9d1', minimapError: '#e8a29d', edgeProblem: '#b3261e' },
  dark: { minimapNode: '#5c6470', minimapError: '#b85a52', edgeProblem: '#ff8a80' },
} as const;
const PRO_OPTIONS = { hideAttribution: true };
const MULTI_SELECT_KEYS = ['Control', 'Meta', 'Shift'];

const sameItems = <T,>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface CanvasProps {
  model: EditorModel;
  byType: Map<string, NodeDefinition>;
  marksByNode: Map<string, NodeMarks>;
  edgesWithProblems: Set<string>;
  plan: Map<string, PlanBadge> | null;
  /** The minimap can be hidden (the toolbar's Minimap button). */
  minimap: boolean;
}

/** The graph, drawn by React Flow from the document in the editor store. */
export function Canvas({ model, byType, marksByNode, edgesWithProblems, plan, minimap }: CanvasProps) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const doc = useStore(model.store, (s) => s.doc);
  const selectedNodes = useStore(model.store, (s) => s.selectedNodes);
  const selectedEdges = useStore(model.store, (s) => s.selectedEdges);
  const measured = useStore(model.store, (s) => s.measured);
  const { screenToFlowPosition } = useReactFlow();

  // React Flow redraws a node whose object changed: keep the same object for every node whose
  // inputs are unchanged, so an edit to one node of 500 redraws one node, not 500.
  const nodeCache = useRef(new Map<string, { parts: unknown[]; value: WfNode }>());
  const lastNodes = useRef<WfNode[]>([]);
  const lastEdges = useRef<Edge[]>([]);
  const nodes: WfNode[] = useMemo(() => {
    const sel = new Set(selectedNodes);
    const cache = nodeCache.current;
    const next = doc.nodes.map((n) => {
      const def = byType.get(n.type);
      const size = measured[n.id];
      const selected = sel.has(n.id);
      const parts = [n.position, n.type, n.label, n.disabled, n.onError, def, size, selected];
      const hit = cache.get(n.id);
      if (hit && hit.parts.every((p, i) => p === parts[i])) return hit.value;
      const value: WfNode = {
        id: n.id,
        type: 'wf' as const,
        position: n.position,
        data: { node: { id: n.id, type: n.type, label: n.label, disabled: n.disabled, onError: n.onError }, def },
        selected,
        ...(size ? { measured: size } : {}),
        ariaLabel: `${n.label || def?.title || n.type} (${n.id})`,
      };
      cache.set(n.id, { parts, value });
      return value;
    });
    if (cache.size > next.length * 2) for (const id of [...cache.keys()]) if (!doc.nodes.some((n) => n.id === id)) cache.delete(id);
    // Every React Flow store update re-runs a selector per node, edge and handle: hand it a new array only when something drawn changed.
    return (lastNodes.current = sameItems(lastNodes.current, next) ? lastNodes.current : next);
  }, [doc.nodes, byType, selectedNodes, measured]);

  const decorations = useState(() => createStore<Decorations>(() => ({ marks: marksByNode, plan })))[0];
  // In the commit of the render that brought them, so the marks are drawn before the next paint.
  useLayoutEffect(() => decorations.setState({ marks: marksByNode, plan }), [decorations, marksByNode, plan]);
  // The minimap colours nodes with errors: its colour function changes only when that set does.
  const errorKey = [...marksByNode].filter(([, m]) => m.errors > 0).map(([id]) => id).join('\u0000');
  // React Flow draws its background, controls and minimap for the app's scheme; node colours follow it too.
  const scheme = useComputedColorScheme('light');
  const colors = COLORS[scheme];
  const minimapColor = useMemo(() => {
    const withErrors = new Set(errorKey.split('\u0000'));
    return (n: Node) => (withErrors.has(n.id) ? colors.minimapError : colors.minimapNode);
  }, [errorKey, colors]);

  const edgeCache = useRef(new Map<string, { parts: unknown[]; value: Edge }>());
  const edges: Edge[] = useMemo(() => {
    const sel = new Set(selectedEdges);
    const typeOf = new Map(doc.nodes.map((n) => [n.id, n.type]));
    const cache = edgeCache.current;
    const next = doc.edges.map((e) => {
      const out = byType.get(typeOf.get(e.source) ?? '')?.outputs.find((p) => p.name === e.sourcePort);
      const bad = edgesWithProblems.has(e.id);
      const selected = sel.has(e.id);
      const parts = [e, out, bad, selected, colors];
      const hit = cache.get(e.id);
      if (hit && hit.parts.every((p, i) => p === parts[i])) return hit.value;
      const value: Edge = {
        id: e.id,
        source: e.source,
        sourceHandle: e.sourcePort,
        target: e.target,
        targetHandle: e.targetPort,
        selected,
        className: bad ? 'wf-edge-problem' : undefined,
        style: { stroke: bad ? colors.edgeProblem : portColor(out?.types[0]), strokeWidth: selected ? 3 : 2, ...(bad ? { strokeDasharray: '6 4' } : {}) },
        ariaLabel: `Edge from ${e.source} ${e.sourcePort} to ${e.target} ${e.targetPort}`,
      };
      cache.set(e.id, { parts, value });
      return value;
    });
    return (lastEdges.current = sameItems(lastEdges.current, next) ? lastEdges.current : next);
  }, [doc.edges, doc.nodes, byType, selectedEdges, edgesWithProblems, colors]);

  const onNodesChange = useCallback(
    (changes: NodeChange<WfNode>[]) => {
      const s = model.store.getState();
      const positions: Record<string, { x: number; y: number }> = {};
      let dragging = false;
      let keyboardMove = false;
      let selection: Set<string> | null = null;
      const sizes: Record<string, { width: number; height: number }> = {};
      for (const c of changes) {
        if (c.type === 'position' && c.position) {
          positions[c.id] = c.position;
          if (c.dragging) dragging = true;
          else if (!s.dragging) keyboardMove = true;
        } else if (c.type === 'dimensions' && c.dimensions) {
          sizes[c.id] = c.dimensions;
        } else if (c.type === 'select') {
          selection ??= new Set(s.selectedNodes);
          if (c.selected) selection.add(c.id);
          else selection.delete(c.id);
        }
      }
      model.setMeasured(sizes);
      if (Object.keys(positions).length) {
        if (keyboardMove) {
          model.edit((doc) => ({ ...doc, nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] as { x: number; y: number } } : n)) }), 'keyboard-move');
        } else {
          if (dragging) model.beginDrag();
          model.moveNodes(positions);
        }
      }
      if (selection) model.select([...selection], s.selectedEdges);
    },
    [model],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const s = model.store.getState();
      let selection: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'select') {
          selection ??= new Set(s.selectedEdges);
          if (c.selected) selection.add(c.id);
          else selection.delete(c.id);
        }
      }
      if (selection) model.select(model.store.getState().selectedNodes, [...selection]);
    },
    [model],
  );

  const attempt = useCallback(
    (c: ConnectionAttempt) => {
      const problem = connectionRefusal(model.store.getState().doc, byType, c);
      if (problem) {
        model.notify('refused', `Connection refused: ${problem}`);
        return;
      }
      model.connect(c);
      model.notify('info', `Connected ${c.source} ${c.sourcePort} to ${c.target} ${c.targetPort}.`);
    },
    [model, byType],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      attempt({ source: c.source, sourcePort: c.sourceHandle, target: c.target, targetPort: c.targetHandle });
    },
    [attempt],
  );

  // A connection React Flow refused (isValidConnection) ends here: say why, where the user looks.
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
      const from = state.fromHandle;
      const to = state.toHandle;
      if (from.type === to.type) {
        model.notify('refused', `Connection refused: connect an output (right side) to an input (left side), not ${from.type === 'source' ? 'two outputs' : 'two inputs'}.`);
        return;
      }
      const [src, tgt] = from.type === 'source' ? [from, to] : [to, from];
      const problem = connectionRefusal(model.store.getState().doc, byType, { source: src.nodeId, sourcePort: src.id ?? '', target: tgt.nodeId, targetPort: tgt.id ?? '' });
      if (problem) model.notify('refused', `Connection refused: ${problem}`);
    },
    [model, byType],
  );

  const isValidConnection = useCallback(
    (c: Connection | Edge) =>
      !connectionRefusal(model.store.getState().doc, byType, { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' }),
    [model, byType],
  );

  const endDrag = useCallback(() => model.endDrag(), [model]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_MIME);
      const def = byType.get(type);
      if (!def) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const id = model.addNode(def, { x: p.x - 90, y: p.y - 30 });
      model.notify('info', `Added ${def.title} as ${id}.`);
    },
    [byType, model, screenToFlowPosition],
  );

  return (
    <DecorationsContext.Provider value={decorations}>
      <div ref={canvasRef} className="wf-canvas" data-zoom="near" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<WfNode, Edge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onNodeDragStop={endDrag}
          onSelectionDragStop={endDrag}
          deleteKeyCode={null}
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          selectionKeyCode="Shift"
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={0.1}
          maxZoom={2}
          proOptions={PRO_OPTIONS}
          colorMode={scheme}
          aria-label="Workflow graph"
        >
          <Background gap={16} />
          <ZoomBand target={canvasRef} />
          {minimap && <MiniMap pannable zoomable ariaLabel="Minimap of the workflow" nodeColor={minimapColor} style={MINIMAP_STYLE} />}
          <Controls showInteractive={false} aria-label="Zoom and fit" />
        </ReactFlow>
      </div>
    </DecorationsContext.Provider>
  );
}
