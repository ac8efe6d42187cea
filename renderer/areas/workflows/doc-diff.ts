import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';
import { sameJson, stableStringify } from './doc-utils';

/** What changed between two revisions of a workflow, in terms a person reads. */
export interface ValueChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface NodeChange {
  id: string;
  type: string;
  changes: ValueChange[];
  moved: boolean;
}

export interface DocumentDiff {
  name: ValueChange | null;
  executionMode: ValueChange | null;
  nodesAdded: WorkflowNode[];
  nodesRemoved: WorkflowNode[];
  nodesChanged: NodeChange[];
  edgesAdded: string[];
  edgesRemoved: string[];
  parametersAdded: string[];
  parametersRemoved: string[];
  parametersChanged: string[];
  metadataChanged: boolean;
  empty: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Leaf differences of two settings objects, as dotted paths. */
function diffValues(before: unknown, after: unknown, path: string, out: ValueChange[]): void {
  // A nested object set on one side only is listed leaf by leaf, against the defaults (absent).
  if ((isObj(before) && after === undefined) || (before === undefined && isObj(after))) {
    diffValues(before ?? {}, after ?? {}, path, out);
    return;
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) diffValues(before[k], after[k], path ? `${path}.${k}` : k, out);
    // Key order matters for ordered maps (materials by part: first match wins).
    if (keys.every((k) => sameJson(before[k], after[k])) && Object.keys(before).join('\0') !== Object.keys(after).join('\0')) {
      out.push({ path: `${path || 'settings'} (order)`, before: Object.keys(before), after: Object.keys(after) });
    }
    return;
  }
  if (!sameJson(before, after)) out.push({ path, before, after });
}

export function edgeText(e: { source: string; sourcePort: string; target: string; targetPort: string }): string {
  return `${e.source}.${e.sourcePort} → ${e.target}.${e.targetPort}`;
}

export function diffDocuments(a: WorkflowDocument, b: WorkflowDocument): DocumentDiff {
  const aNodes = new Map(a.nodes.map((n) => [n.id, n]));
  const bNodes = new Map(b.nodes.map((n) => [n.id, n]));
  const nodesAdded = b.nodes.filter((n) => !aNodes.has(n.id));
  const nodesRemoved = a.nodes.filter((n) => !bNodes.has(n.id));
  const nodesChanged: NodeChange[] = [];
  for (const n of b.nodes) {
    const old = aNodes.get(n.id);
    if (!old) continue;
    const changes: ValueChange[] = [];
    if (old.type !== n.type) changes.push({ path: 'type', before: old.type, after: n.type });
    if (old.typeVersion !== n.typeVersion) changes.push({ path: 'typeVersion', before: old.typeVersion, after: n.typeVersion });
    if (old.label !== n.label) changes.push({ path: 'label', before: old.label, after: n.label });
    if (Boolean(old.disabled) !== Boolean(n.disabled)) changes.push({ path: 'disabled', before: Boolean(old.disabled), after: Boolean(n.disabled) });
    if ((old.onError ?? 'fail') !== (n.onError ?? 'fail')) changes.push({ path: 'onError', before: old.onError ?? 'fail', after: n.onError ?? 'fail' });
    const settings: ValueChange[] = [];
    diffValues(old.settings, n.settings, '', settings);
    changes.push(...settings.map((c) => ({ ...c, path: `settings.${c.path}` })));
    const moved = old.position.x !== n.position.x || old.position.y !== n.position.y;
    if (changes.length > 0 || moved) nodesChanged.push({ id: n.id, type: n.type, changes, moved });
  }
  const edgeKey = (e: WorkflowDocument['edges'][number]) => edgeText(e);
  const aEdges = new Set(a.edges.map(edgeKey));
  const bEdges = new Set(b.edges.map(edgeKey));
  const aParams = new Map((a.parameters ?? []).map((p) => [p.name, p]));
  const bParams = new Map((b.parameters ?? []).map((p) => [p.name, p]));
  const diff: DocumentDiff = {
    name: a.name !== b.name ? { path: 'name', before: a.name, after: b.name } : null,
    executionMode: a.executionMode !== b.executionMode ? { path: 'executionMode', before: a.executionMode, after: b.executionMode } : null,
    nodesAdded,
    nodesRemoved,
    nodesChanged,
    edgesAdded: [...bEdges].filter((k) => !aEdges.has(k)),
    edgesRemoved: [...aEdges].filter((k) => !bEdges.has(k)),
    parametersAdded: [...bParams.keys()].filter((k) => !aParams.has(k)),
    parametersRemoved: [...aParams.keys()].filter((k) => !bParams.has(k)),
    parametersChanged: [...bParams.keys()].filter((k) => aParams.has(k) && stableStringify(aParams.get(k)) !== stableStringify(bParams.get(k))),
    metadataChanged: !sameJson(a.metadata, b.metadata),
    empty: false,
  };
  diff.empty =
    !diff.name &&
    !diff.executionMode &&
    !nodesAdded.length &&
    !nodesRemoved.length &&
    !nodesChanged.length &&
    !diff.edgesAdded.length &&
    !diff.edgesRemoved.length &&
    !diff.parametersAdded.length &&
    !diff.parametersRemoved.length &&
    !diff.parametersChanged.length &&
    !diff.metadataChanged;
  return diff;
}

export function showValue(v: unknown): string {
  if (v === undefined) return '(default)';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
