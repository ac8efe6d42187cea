import type { NodeRun, WorkflowRun } from '../../../shared/runs/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { storedNodeStatus, type NodeShownStatus } from './run-format';
import type { LiveNode, Progress } from './use-run';

export interface ShownNode {
  id: string;
  label: string;
  type: string;
  status: NodeShownStatus;
  error: string | null;
  progress: Progress | null;
  position: { x: number; y: number };
  /** The stored node run, once the node has started. */
  nodeRun: NodeRun | null;
}

export interface ShownGraph {
  nodes: ShownNode[];
  edges: { id: string; source: string; target: string }[];
}

const CHAIN_STEP_X = 240;

/**
 * The nodes as the run page shows them: the workflow document's nodes (positions, labels) or, for
 * a run without one, its node runs in step order as a chain; each with the newest status known:
 * an event newer than the stored run, else the stored node run, else waiting.
 */
export function shownGraph(run: WorkflowRun, document: WorkflowDocument | null, live: Record<string, LiveNode>, readSeq: number, progress: Record<string, Progress>): ShownGraph {
  const stored = new Map(run.nodes.map((n) => [n.nodeId, n]));
  const shown = (id: string, type: string, label: string, position: { x: number; y: number }): ShownNode => {
    const nodeRun = stored.get(id) ?? null;
    const event = live[id];
    const fresh = event && (event.seq > readSeq || !nodeRun) ? event : null;
    const status: NodeShownStatus = fresh ? fresh.status : nodeRun ? storedNodeStatus(nodeRun) : 'waiting';
    const error = fresh ? (fresh.error ?? null) : (nodeRun?.error ?? null);
    return { id, label, type, status, error, progress: progress[id] ?? null, position, nodeRun };
  };

  if (document) {
    const nodes = document.nodes.map((n) => shown(n.id, n.type, n.label || n.id, n.position));
    const known = new Set(nodes.map((n) => n.id));
    // Anything the run did that the document does not hold (never expected) still shows, below.
    const extra = run.nodes.filter((n) => !known.has(n.nodeId));
    extra.forEach((n, i) => nodes.push(shown(n.nodeId, n.nodeType, n.nodeId, { x: i * CHAIN_STEP_X, y: -160 })));
    const edges = document.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }));
    return { nodes, edges };
  }

  const ordered = [...run.nodes].sort((a, b) => a.stepIndex - b.stepIndex).map((n) => ({ id: n.nodeId, type: n.nodeType }));
  for (const [id, event] of Object.entries(live)) if (!stored.has(id)) ordered.push({ id, type: event.nodeType });
  const nodes = ordered.map((n, i) => shown(n.id, n.type, n.id, { x: i * CHAIN_STEP_X, y: 0 }));
  const edges = nodes.slice(1).map((n, i) => ({ id: `chain-${i}`, source: nodes[i]!.id, target: n.id }));
  return { nodes, edges };
}
