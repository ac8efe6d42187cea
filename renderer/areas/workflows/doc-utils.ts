import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';

/** Pure helpers over canonical workflow documents; no React, no contract calls. */

export type Segment = string | number;

/** JSON with object keys sorted, so two documents compare by content, not key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

/**
 * sameJson for two documents, cheaper: edits keep every untouched node and edge object, so
 * items are compared by identity first and serialized only where they differ.
 */
export function sameDocument(a: WorkflowDocument, b: WorkflowDocument): boolean {
  if (a === b) return true;
  const sameList = (x: readonly unknown[], y: readonly unknown[]) => x.length === y.length && x.every((item, i) => item === y[i] || sameJson(item, y[i]));
  if (!sameList(a.nodes, b.nodes) || !sameList(a.edges, b.edges)) return false;
  return sameJson({ ...a, nodes: [], edges: [] }, { ...b, nodes: [], edges: [] });
}

/** True when `b` is `a` with only node positions changed (a drag): nothing validation looks at. */
export function onlyMoved(a: WorkflowDocument, b: WorkflowDocument): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.parameters !== b.parameters || a.nodes.length !== b.nodes.length) return false;
  const rest = (d: WorkflowDocument) => [d.schemaVersion, d.id, d.name, d.family, d.executionMode, d.revision, d.metadata];
  if (!rest(a).every((v, i) => v === rest(b)[i])) return false;
  return a.nodes.every((x, i) => {
    const y = b.nodes[i] as WorkflowNode;
    if (x === y) return true;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    keys.delete('position');
    return [...keys].every((k) => x[k as keyof WorkflowNode] === y[k as keyof WorkflowNode]);
  });
}

/**
 * A validation path (`nodes[3].settings.by_part["bolt*"]`, as shared/workflow/validate.ts
 * formats it) back to its segments: `['nodes', 3, 'settings', 'by_part', 'bolt*']`.
 */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      i += 1;
      continue;
    }
    if (ch === '[') {
      if (path[i + 1] === '"') {
        // A JSON string key: find its closing quote, honouring escapes.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        try {
          out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        } catch {
          out.push(path.slice(i + 2, j));
        }
        i = path.indexOf(']', j) + 1 || path.length;
      } else {
        const end = path.indexOf(']', i);
        const text = path.slice(i + 1, end === -1 ? path.length : end);
        out.push(/^\d+$/.test(text) ? Number(text) : text);
        i = end === -1 ? path.length : end + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j += 1;
    out.push(path.slice(i, j));
    i = j;
  }
  return out;
}

/** The part of a problem path inside a node's settings, or null when it points elsewhere. */
export function settingsPathOf(path: string): { nodeIndex: number; setting: Segment[] } | null {
  const segs = parsePath(path);
  if (segs[0] !== 'nodes' || typeof segs[1] !== 'number' || segs[2] !== 'settings') return null;
  return { nodeIndex: segs[1], setting: segs.slice(3) };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of sparse `settings` with `value` at `path`; `undefined` removes the key, and parents
 * left empty by the removal are removed too, so a node keeps only what was set on it.
 */
export function withSetting(settings: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return settings;
  const next = { ...settings };
  if (rest.length === 0) {
    if (value === undefined) delete next[head];
    else next[head] = value;
    return next;
  }
  const child = isPlainObject(next[head]) ? (next[head] as Record<string, unknown>) : {};
  const updated = withSetting(child, rest, value);
  if (Object.keys(updated).length === 0) delete next[head];
  else next[head] = updated;
  return next;
}

/** A node id not yet used in the document: `render_still_1`, `render_still_2`… */
export function freshNodeId(doc: WorkflowDocument, type: string, taken: Set<string> = new Set()): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...taken]);
  for (let i = 1; ; i += 1) {
    const id = `${type}_${i}`;
    if (!used.has(id)) return id;
  }
}

export function freshEdgeId(doc: WorkflowDocument, source: string, sourcePort: string, target: string, targetPort: string): string {
  const used = new Set(doc.edges.map((e) => e.id));
  const base = `${source}.${sourcePort}-${target}.${targetPort}`.slice(0, 120);
  if (!used.has(base)) return base;
  for (let i = 2; ; i += 1) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** A workflow id from a name: lower-case words, a short random tail so two "Still" workflows differ. */
export function idFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const tail = Math.random().toString(36).slice(2, 8);
  return `${slug || 'workflow'}-${tail}`;
}

/** Offers the canonical JSON of a document as a file download. */
export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
