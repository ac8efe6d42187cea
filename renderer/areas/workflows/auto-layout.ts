import { Graph, layout } from '@dagrejs/dagre';
import type { WorkflowDocument } from '../../../shared/workflow/document';

const FALLBACK = { width: 200, height: 90 };

/**
 * Layered layout of the graph (dagre), left to right or (for a tall canvas) top down; answers each
 * node's new top-left corner.
 */
export function autoLayout(doc: WorkflowDocument, sizes: Record<string, { width: number; height: number }>, direction: 'LR' | 'TB' = 'LR'): Record<string, { x: number; y: number }> {
  const g = new Graph();
  g.setGraph({ rankdir: direction, nodesep: 40, ranksep: direction === 'LR' ? 90 : 60, marginx: 20, marginy: 20 });
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
