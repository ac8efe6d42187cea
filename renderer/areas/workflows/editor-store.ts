import { createStore, type StoreApi } from 'zustand/vanilla';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { ExecutionMode, WorkflowDocument, WorkflowEdge, WorkflowNode, WorkflowParameter } from '../../../shared/workflow/document';
import { freshEdgeId, freshNodeId, sameDocument, sameJson, withSetting } from './doc-utils';
import type { ConnectionAttempt } from '../../../shared/workflow/validate';

/**
 * The editor's one source of truth: the canonical document being edited, with undo/redo.
 * React Flow's nodes and edges are derived from it; nothing else holds graph state.
 */

export interface Notice {
  kind: 'refused' | 'info';
  text: string;
  seq: number;
}

export interface EditorState {
  doc: WorkflowDocument;
  /** The document as last loaded or saved: "unsaved changes" is doc ≠ saved. */
  saved: WorkflowDocument;
  past: WorkflowDocument[];
  future: WorkflowDocument[];
  /** Consecutive edits of the same thing (typing in one field) merge into one undo step. */
  coalesce: { key: string; at: number } | null;
  dragging: boolean;
  selectedNodes: string[];
  selectedEdges: string[];
  /** Node sizes React Flow measured (view state, not part of the document). */
  measured: Record<string, { width: number; height: number }>;
  notice: Notice | null;
}

export interface EditorModel {
  store: StoreApi<EditorState>;
  edit(change: (doc: WorkflowDocument) => WorkflowDocument, coalesceKey?: string): void;
  undo(): void;
  redo(): void;
  beginDrag(): void;
  moveNodes(positions: Record<string, { x: number; y: number }>): void;
  endDrag(): void;
  select(nodes: string[], edges: string[]): void;
  addNode(def: NodeDefinition, position: { x: number; y: number }): string;
  connect(c: ConnectionAttempt): string;
  deleteSelection(): number;
  copySelection(): number;
  paste(): number;
  setSetting(nodeId: string, path: readonly string[], value: unknown): void;
  setNode(nodeId: string, patch: Partial<Pick<WorkflowNode, 'label' | 'disabled' | 'onError'>>): void;
  setMode(mode: ExecutionMode): void;
  /**
   * Makes a node's setting a workflow parameter in one step: the parameter's default is the value
   * it had, and the node's own value is cleared (it would win over the parameter). Answers the name.
   */
  exposeSetting(nodeId: string, path: readonly string[], value: unknown): string;
  /** Edits the workflow's parameters; none left removes the list from the document. */
  editParameters(change: (parameters: WorkflowParameter[]) => WorkflowParameter[], coalesceKey?: string): void;
  setName(name: string): void;
  layout(positions: Record<string, { x: number; y: number }>): void;
  /** After a save: the stored document becomes the base; history stays, at the new revision. */
  markSaved(stored: WorkflowDocument, sent: WorkflowDocument): void;
  /** Replaces everything (load, reload after a conflict). */
  reset(doc: WorkflowDocument): void;
  notify(kind: Notice['kind'], text: string): void;
  /** Sizes React Flow reports, all of one change batch at once (500 nodes are measured together on open). */
  setMeasured(sizes: Record<string, { width: number; height: number }>): void;
}

const HISTORY_LIMIT = 200;

const COALESCE_MS = 1500;

/** `render_still_1` + `renderer.samples` → `render_still_1.renderer.samples`, in the parameter name form, unused. */
function parameterNameFor(doc: WorkflowDocument, nodeId: string, path: readonly string[]): string {
  const word = (s: string) => {
    const w = s.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
    return /^[a-z]/.test(w) ? w : `p_${w}`;
  };
  const base = [nodeId, ...path].map(word).join('.');
  const taken = new Set((doc.parameters ?? []).map((p) => p.name));
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
  return name;
}

interface Clip {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}
/** Copied nodes live here, shared by every open editor of this window. */
let clipboard: Clip | null = null;

export function createEditorModel(initial: WorkflowDocument): EditorModel {
  let seq = 0;
  const store = createStore<EditorState>(() => ({
    doc: initial,
    saved: initial,
    past: [],
    future: [],
    coalesce: null,
    dragging: false,
    selectedNodes: [],
    selectedEdges: [],
    measured: {},
    notice: null,
  }));
  const get = store.getState;
  const set = store.setState;

  const prune = (doc: WorkflowDocument, nodes: string[], edges: string[]) => {
    const n = new Set(doc.nodes.map((x) => x.id));
    const e = new Set(doc.edges.map((x) => x.id));
    return { selectedNodes: nodes.filter((id) => n.has(id)), selectedEdges: edges.filter((id) => e.has(id)) };
  };

  const edit: EditorModel['edit'] = (change, coalesceKey) => {
    const s = get();
    const next = change(s.doc);
    if (next === s.doc) return;
    const now = Date.now();
    const merge = coalesceKey !== undefined && s.coalesce?.key === coalesceKey && now - s.coalesce.at < COALESCE_MS;
    set({
      doc: next,
      past: merge ? s.past : [...s.past, s.doc].slice(-HISTORY_LIMIT),
      future: [],
      coalesce: coalesceKey !== undefined ? { key: coalesceKey, at: now } : null,
      ...prune(next, s.selectedNodes, s.selectedEdges),
    });
  };

  const notify: EditorModel['notify'] = (kind, text) => {
    seq += 1;
    set({ notice: { kind, text, seq } });
  };

  const mapNodes = (doc: WorkflowDocument, id: string, f: (n: WorkflowNode) => WorkflowNode): WorkflowDocument => ({
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)),
  });

  return {
    store,
    edit,
    notify,
    undo() {
      const s = get();
      const prev = s.past.at(-1);
      if (!prev) return;
      const doc = { ...prev, revision: s.doc.revision };
      set({ doc, past: s.past.slice(0, -1), future: [s.doc, ...s.future], coalesce: null, ...prune(doc, s.selectedNodes, s.selectedEdges) });
    },
    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      const doc = { ...next, revision: s.doc.revision };
      set({ doc, past: [...s.past, s.doc], future: s.future.slice(1), coalesce: null, ...prune(doc, s.selectedNodes, s.selectedEdges) });
    },
    beginDrag() {
      const s = get();
      if (s.dragging) return;
      set({ dragging: true, past: [...s.past, s.doc].slice(-HISTORY_LIMIT), future: [], coalesce: null });
    },
    moveNodes(positions) {
      const s = get();
      const doc = {
        ...s.doc,
        nodes: s.doc.nodes.map((n) => {
          const p = positions[n.id];
          return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: { x: p.x, y: p.y } } : n;
        }),
      };
      set({ doc });
    },
    endDrag() {
      const s = get();
      if (!s.dragging) return;
      const before = s.past.at(-1);
      // A press without a move leaves no undo step.
      const moved = !before || before.nodes.some((n, i) => {
        const now = s.doc.nodes[i];
        return !now || now.position.x !== n.position.x || now.position.y !== n.position.y;
      });
      set({ dragging: false, ...(moved ? {} : { past: s.past.slice(0, -1) }) });
    },
    select(nodes, edges) {
      const s = get();
      if (sameJson(nodes, s.selectedNodes) && sameJson(edges, s.selectedEdges)) return;
      set({ selectedNodes: nodes, selectedEdges: edges });
    },
    addNode(def, position) {
      const id = freshNodeId(get().doc, def.type);
      edit((doc) => ({
        ...doc,
        nodes: [...doc.nodes, { id, type: def.type, typeVersion: def.version, settings: {}, position: { x: Math.round(position.x), y: Math.round(position.y) } }],
      }));
      set({ selectedNodes: [id], selectedEdges: [] });
      return id;
    },
    connect(c) {
      const id = freshEdgeId(get().doc, c.source, c.sourcePort, c.target, c.targetPort);
      edit((doc) => ({ ...doc, edges: [...doc.edges, { id, ...c }] }));
      return id;
    },
    deleteSelection() {
      const s = get();
      const nodes = new Set(s.selectedNodes);
      const edges = new Set(s.selectedEdges);
      if (nodes.size === 0 && edges.size === 0) return 0;
      edit((doc) => ({
        ...doc,
        nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
        edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
        // Parameter targets of deleted nodes would dangle: validation reports them; they are kept for the user to fix.
      }));
      set({ selectedNodes: [], selectedEdges: [] });
      return nodes.size + edges.size;
    },
    copySelection() {
      const s = get();
      const ids = new Set(s.selectedNodes);
      if (ids.size === 0) return 0;
      clipboard = {
        nodes: structuredClone(s.doc.nodes.filter((n) => ids.has(n.id))),
        edges: structuredClone(s.doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target))),
      };
      return ids.size;
    },
    paste() {
      const clip = clipboard;
      if (!clip || clip.nodes.length === 0) return 0;
      const doc = get().doc;
      const rename = new Map<string, string>();
      const taken = new Set<string>();
      for (const n of clip.nodes) {
        const id = freshNodeId(doc, n.type, taken);
        taken.add(id);
        rename.set(n.id, id);
      }
      const nodes = clip.nodes.map((n) => ({ ...structuredClone(n), id: rename.get(n.id) as string, position: { x: n.position.x + 40, y: n.position.y + 40 } }));
      edit((d) => {
        let next: WorkflowDocument = { ...d, nodes: [...d.nodes, ...nodes] };
        for (const e of clip.edges) {
          const source = rename.get(e.source) as string;
          const target = rename.get(e.target) as string;
          const id = freshEdgeId(next, source, e.sourcePort, target, e.targetPort);
          next = { ...next, edges: [...next.edges, { id, source, sourcePort: e.sourcePort, target, targetPort: e.targetPort }] };
        }
        return next;
      });
      set({ selectedNodes: nodes.map((n) => n.id), selectedEdges: [] });
      // The next paste lands beside this one.
      clipboard = { nodes: clip.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y + 40 } })), edges: clip.edges };
      return nodes.length;
    },
    setSetting(nodeId, path, value) {
      edit((doc) => mapNodes(doc, nodeId, (n) => ({ ...n, settings: withSetting(n.settings, path, value) })), `setting:${nodeId}:${path.join('.')}`);
    },
    setNode(nodeId, patch) {
      edit(
        (doc) =>
          mapNodes(doc, nodeId, (n) => {
            const next: WorkflowNode = { ...n };
            for (const [k, v] of Object.entries(patch) as [keyof typeof patch, unknown][]) {
              if (v === undefined || v === '' || v === false || (k === 'onError' && v === 'fail')) delete next[k];
              else (next as Record<string, unknown>)[k] = v;
            }
            return next;
          }),
        `node:${nodeId}:${Object.keys(patch).join(',')}`,
      );
    },
    setMode(mode) {
      edit((doc) => (doc.executionMode === mode ? doc : { ...doc, executionMode: mode }));
    },
    exposeSetting(nodeId, path, value) {
      const doc = get().doc;
      const name = parameterNameFor(doc, nodeId, path);
      edit((d) => ({
        ...mapNodes(d, nodeId, (n) => ({ ...n, settings: withSetting(n.settings, path, undefined) })),
        parameters: [...(d.parameters ?? []), { name, ...(value !== undefined ? { default: value } : {}), targets: [{ nodeId, setting: path.join('.') }] }],
      }));
      return name;
    },
    editParameters(change, coalesceKey) {
      edit((doc) => {
        const next = change(doc.parameters ?? []);
        if (next.length > 0) return { ...doc, parameters: next };
        if (doc.parameters === undefined) return doc;
        const { parameters: _gone, ...rest } = doc;
        return rest;
      }, coalesceKey);
    },
    setName(name) {
      edit((doc) => (doc.name === name ? doc : { ...doc, name }), 'name');
    },
    layout(positions) {
      edit((doc) => ({ ...doc, nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] as { x: number; y: number } } : n)) }));
    },
    markSaved(stored, sent) {
      const s = get();
      const unchanged = sameDocument(s.doc, sent);
      set({ saved: stored, doc: unchanged ? stored : { ...s.doc, revision: stored.revision }, coalesce: null });
    },
    reset(doc) {
      set({ doc, saved: doc, past: [], future: [], coalesce: null, dragging: false, selectedNodes: [], selectedEdges: [], notice: null });
    },
    setMeasured(sizes) {
      const s = get();
      const changed = Object.entries(sizes).filter(([id, size]) => {
        const m = s.measured[id];
        return !m || m.width !== size.width || m.height !== size.height;
      });
      if (changed.length === 0) return;
      set({ measured: { ...s.measured, ...Object.fromEntries(changed) } });
    },
  };
}

// zustand runs this selector on every store change (selection, sizes): compare a document pair once.
const dirtyCache = new WeakMap<object, { saved: object; dirty: boolean }>();

export function isDirty(s: Pick<EditorState, 'doc' | 'saved'>): boolean {
  if (s.doc === s.saved) return false;
  const hit = dirtyCache.get(s.doc);
  if (hit && hit.saved === s.saved) return hit.dirty;
  const dirty = !sameDocument(s.doc, s.saved);
  dirtyCache.set(s.doc, { saved: s.saved, dirty });
  return dirty;
}
