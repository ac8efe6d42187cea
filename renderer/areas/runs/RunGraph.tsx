import { memo, useEffect, useMemo, useRef } from 'react';
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, useReactFlow, useStore, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { ZoomBand } from '../../ui/zoom-band';
import '@xyflow/react/dist/style.css';
import { RunStatusTag } from './RunStatusTag';
import { percent } from './run-format';
import type { ShownNode } from './shown-nodes';

type RunNodeData = { shown: ShownNode; selected: boolean };
type RunFlowNode = Node<RunNodeData, 'run'>;

/** One node of the run on the graph: label, type, status word on its colour, render progress. */
const RunNodeView = memo(function RunNodeView({ data }: NodeProps<RunFlowNode>) {
  const { shown, selected } = data;
  const { progress } = shown;
  const pct = progress && progress.total > 0 ? percent(progress) : null;
  return (
    <div className={`run-node run-node-${shown.status}${selected ? ' run-node-selected' : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button type="button" className="run-node-button nodrag nopan" aria-pressed={selected}>
        <span className="run-node-title">{breakable(shown.label)}</span>{' '}
        <span className="run-node-type">{shown.type}</span>{' '}
        <span className="run-node-status">
          <RunStatusTag status={shown.status} />
          {pct !== null && <span className="run-node-count"> {pct} %</span>}
        </span>
      </button>
      {pct !== null && (
        <div className="run-node-bar" aria-hidden="true">
          <div className="run-node-bar-fill" style={{ width: `${pct}%` }} />
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

/** A node id as a title that may wrap after its underscores (zoomed out, titles are large); the text itself is unchanged. */
function breakable(label: string) {
  const parts = label.split('_');
  return parts.map((p, i) => (i < parts.length - 1 ? [p, '_', <wbr key={i} />] : p));
}

/**
 * Fits the graph again whenever its canvas changes size (window resized, details folded, panel
 * opened) or nodes come and go: fitView on the ReactFlow element only fits once, at mount.
 */
function FitOnResize({ nodeCount }: { nodeCount: number }) {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    if (width === 0 || height === 0) return;
    // After React Flow has measured the pane at its new size.
    const frame = requestAnimationFrame(() => void fitView(FIT_VIEW));
    return () => cancelAnimationFrame(frame);
  }, [fitView, width, height, nodeCount]);
  return null;
}

const NODE_TYPES = { run: RunNodeView };
const minimapColor = () => '#aab2bd';
const FIT_VIEW = { padding: 0.08, maxZoom: 1.2 };
const MINIMAP_STYLE = { width: 132, height: 88 };
// The minimap draws a node only with a size on the node itself (these nodes' measured sizes stay inside React Flow): the nodes' fixed width, a usual height.
const MINIMAP_SIZE = { initialWidth: 210, initialHeight: 56 };

/**
 * The run's graph, read-only: positions from the workflow revision it ran (or a left-to-right
 * chain for a run without one), each node coloured and labelled by its live status. Every node is
 * a button that opens its panel; the table of nodes beside it is the same choice by keyboard.
 */
export function RunGraph({
  nodes,
  edges,
  selectedId,
  onSelect,
  minimap,
}: {
  nodes: ShownNode[];
  edges: { id: string; source: string; target: string }[];
  selectedId: string | null;
  onSelect: (nodeId: string) => void;
  minimap: boolean;
}) {
  const graphRef = useRef<HTMLDivElement>(null);
  const flowNodes = useMemo<RunFlowNode[]>(
    () => nodes.map((shown) => ({ id: shown.id, type: 'run', position: shown.position, data: { shown, selected: shown.id === selectedId }, draggable: false, selectable: false, connectable: false, ...MINIMAP_SIZE })),
    [nodes, selectedId],
  );
  const status = useMemo(() => new Map(nodes.map((n) => [n.id, n.status])), [nodes]);
  const flowEdges = useMemo<Edge[]>(
    () => edges.map((e) => ({ id: e.id, source: e.source, target: e.target, animated: status.get(e.target) === 'running', className: `run-edge run-edge-${status.get(e.source) ?? 'waiting'}` })),
    [edges, status],
  );
  return (
    <div ref={graphRef} className="run-graph" data-zoom="near">
      <ReactFlow
        aria-label="Graph of the run"
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={NODE_TYPES}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        // A handler gives the nodes pointer events (a node that is neither selectable nor draggable has none).
        onNodeClick={(_, node) => onSelect(node.id)}
        fitView
        fitViewOptions={FIT_VIEW}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <FitOnResize nodeCount={nodes.length} />
        <ZoomBand target={graphRef} />
        {minimap && <MiniMap pannable zoomable ariaLabel="Minimap of the run" style={MINIMAP_STYLE} nodeColor={minimapColor} />}
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
