import { Graph, layout } from '@dagrejs/dagre';
import type { WorkflowDocument } from '../../../shared/workflow/document';

const FALLBACK = { width: 200, height: 90 };

/** Left-to-right layered layout of the graph (dagre); answers each node's new top-left corner. */
export function autoLayout(doc: WorkflowDocument, sizes: Record<string, { width: number; height: number }>): Record<string, { x: number; y: number }> {
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) {
    const s = sizes[n.id] ?? FALLBACK;
    g.setNode(n.id, { width: s.width, height: s.height });
  }
  for (const e of doc.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const n of doc.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    const s = sizes[n.id] ?? FALLBACK;
    if (p) out[n.id] = { x: Math.round(p.x - s.width / 2), y: Math.round(p.y - s.height / 2) };
  }
  return out;
}
