import type { NodeCatalog } from '../../../../shared/workflow/catalog';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode, WorkflowParameter } from '../../../../shared/workflow/document';
import { findCycles } from '../../../../shared/workflow/graph';
import { hasErrors, type Problem } from '../../../../shared/workflow/problems';
import { formatPath, validateWorkflow } from '../../../../shared/workflow/validate';
import { loadWorkflowDocument } from '../../../../shared/workflow/versions';
import { mergeOrder, mergeValue, sameValue, type Side } from './three-way';

export type { Side } from './three-way';

/**
 * Node-level three-way merge of workflow documents (issue 17 item 5; DESIGN.md "Sync").
 *
 * Items are matched by id: nodes and edges by id, parameters by name. Per node, every field is
 * merged on its own and its settings key by key down to the leaves; the workflow's name, family,
 * execution mode and id per field; metadata key by key; an edge as a whole. A change on one side
 * is taken, the same change on both once; anything else becomes a conflict, never a silent pick.
 *
 * Until a person chooses, the merged document holds MINE (the local side) for every conflict:
 * a workstation keeps what it has. Structural conflicts (an edge left without its node, two
 * edges into one input, a loop, any other rule the merged document breaks that neither side
 * broke) name the items involved; choosing a side for one takes those items whole from it.
 *
 * `revision` is the store's save counter, not content: the merged document carries mine's, the
 * revision a workstation saves the merge on top of.
 */

export type ConflictKind =
  /** Both sides changed one field, setting, metadata key or edge differently. */
  | 'value'
  /** One side deleted the node, edge or parameter, the other changed it. */
  | 'delete-edit'
  /** Both sides added an item under one id, differently. */
  | 'add-add'
  /** The merge keeps an edge whose node the other side deleted. */
  | 'dangling-edge'
  /** Each side connected the same input (an input takes one edge). */
  | 'input-taken'
  /** Edges from both sides together form a loop. */
  | 'cycle'
  /** The merged document breaks a validation rule neither side broke. */
  | 'invalid';

export interface MergeConflict {
  /** Stable, from the path: `node:<id>/settings.renderer.samples`, `edge:<id>`, `workflow/name`. */
  id: string;
  kind: ConflictKind;
  /** Where in the document, by ids: ['nodes', '<id>', 'settings', 'renderer', 'samples']. */
  path: string[];
  /** Each side's value; a side without the thing has no key (absent, deleted, not set). */
  base?: unknown;
  mine?: unknown;
  theirs?: unknown;
  /** For a person: "render_still 'Still' setting renderer.samples: mine 64, theirs 128, base 32". */
  message: string;
  nodeId?: string;
  edgeId?: string;
  parameter?: string;
  /** Structural conflicts: the items a choice takes whole from the chosen side (`node:<id>`, `edge:<id>`, `param:<name>`). */
  items?: string[];
}

/** Plain JSON (a sync can store it and resolve later); resolveConflicts merges `sides` again. */
export interface MergeResult {
  merged: WorkflowDocument;
  /** Open conflicts, each left at mine in `merged`. */
  conflicts: MergeConflict[];
  /** The validator's findings on `merged`. */
  problems: Problem[];
  /** No conflicts and no validation errors: `merged` may be saved. */
  valid: boolean;
  /** The choices applied so far, by conflict id. */
  choices: Record<string, Side>;
  sides: { base: WorkflowDocument; mine: WorkflowDocument; theirs: WorkflowDocument };
}

/** One of the three inputs is not a workflow document. */
export class MergeInputError extends Error {
  constructor(
    readonly side: 'base' | 'mine' | 'theirs',
    readonly path: string,
    message: string,
  ) {
    super(`${side}: ${message}`);
    this.name = 'MergeInputError';
  }
}

/** A choice that names no open conflict, or a side that is neither mine nor theirs. */
export class MergeChoiceError extends Error {
  constructor(
    readonly conflictId: string,
    message: string,
  ) {
    super(message);
    this.name = 'MergeChoiceError';
  }
}

export function mergeWorkflows(base: unknown, mine: unknown, theirs: unknown, catalog: NodeCatalog): MergeResult {
  const load = (side: 'base' | 'mine' | 'theirs', input: unknown): WorkflowDocument => {
    const loaded = loadWorkflowDocument(input);
    if (!loaded.ok) throw new MergeInputError(side, loaded.path, loaded.message);
    return loaded.document;
  };
  return mergeSides({ base: load('base', base), mine: load('mine', mine), theirs: load('theirs', theirs) }, catalog, {});
}

/**
 * Applies a person's choices to a merge's open conflicts and merges again: answers the new
 * result, whose conflicts are those still open (a choice can bring up a new one, e.g. keeping a
 * deletion that leaves another edge dangling). Done when `valid`.
 */
export function resolveConflicts(result: MergeResult, choices: Record<string, Side>, catalog: NodeCatalog): MergeResult {
  const open = new Set(result.conflicts.map((c) => c.id));
  for (const [id, side] of Object.entries(choices)) {
    if (!open.has(id)) throw new MergeChoiceError(id, `no open conflict "${id}"; open: ${[...open].map((o) => `"${o}"`).join(', ') || '(none)'}`);
    if (side !== 'mine' && side !== 'theirs') throw new MergeChoiceError(id, `conflict "${id}": take must be mine or theirs, got ${JSON.stringify(side)}`);
  }
  return mergeSides(result.sides, catalog, { ...result.choices, ...choices });
}

// ---------------------------------------------------------------------------------------------

type Sides = MergeResult['sides'];
type Item = WorkflowNode | WorkflowEdge | WorkflowParameter;

interface State {
  head: Pick<WorkflowDocument, 'id' | 'name' | 'family' | 'executionMode'>;
  metadata: Record<string, unknown>;
  nodes: Map<string, WorkflowNode>;
  edges: Map<string, WorkflowEdge>;
  params: Map<string, WorkflowParameter>;
  paramsPresent: boolean;
}

const HEAD_FIELDS = ['id', 'name', 'family', 'executionMode'] as const;
const NODE_FIELDS = ['id', 'type', 'typeVersion', 'label', 'settings', 'position', 'disabled', 'onError'] as const;
const PARAM_FIELDS = ['name', 'title', 'description', 'required', 'default', 'targets'] as const;

function show(value: unknown, absent = 'not set'): string {
  if (value === undefined) return absent;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const nodeWords = (n: WorkflowNode) => `${n.type} ${n.label ? `'${n.label}'` : `"${n.id}"`}`;
const edgeWords = (e: WorkflowEdge) => `edge "${e.id}" (${e.source}.${e.sourcePort} → ${e.target}.${e.targetPort})`;
const sidesWords = (b: unknown, m: unknown, t: unknown, absent?: string) => `mine ${show(m, absent)}, theirs ${show(t, absent)}, base ${show(b, absent)}`;

/** Only the sides that have the value get a key, so JSON shows absence as absence. */
function values(base: unknown, mine: unknown, theirs: unknown): Pick<MergeConflict, 'base' | 'mine' | 'theirs'> {
  return { ...(base !== undefined ? { base } : {}), ...(mine !== undefined ? { mine } : {}), ...(theirs !== undefined ? { theirs } : {}) };
}

/** The fields of a whole item that differ between two versions, for the words of a conflict. */
function changedFields(a: object | undefined, b: object | undefined): string {
  const x = (a ?? {}) as Record<string, unknown>;
  const y = (b ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !sameValue(x[k], y[k]));
  return keys.join(', ');
}

const byId = <T>(list: readonly T[], key: (t: T) => string) => new Map(list.map((t) => [key(t), t]));

function mergeSides(sides: Sides, catalog: NodeCatalog, choices: Record<string, Side>): MergeResult {
  const { base, mine, theirs } = sides;
  const conflicts: MergeConflict[] = [];
  /** Nodes a whole-node conflict kept or dropped, and from which side. */
  const wholeNodes: { nodeId: string; side: Side }[] = [];
  /** A conflict a choice settles takes that side's value; an open one keeps mine's. */
  const decide = (conflict: MergeConflict, mineValue: unknown, theirsValue: unknown): unknown => {
    const choice = choices[conflict.id];
    if (conflict.kind !== 'value' && conflict.id.startsWith('node:')) {
      conflict.items = [conflict.id, ...itemsAround(sides, conflict.nodeId as string)];
      wholeNodes.push({ nodeId: conflict.nodeId as string, side: choice ?? 'mine' });
    }
    if (choice) return choice === 'mine' ? mineValue : theirsValue;
    conflicts.push(conflict);
    return mineValue;
  };
  /** Both sides changed a value that is merged whole: a conflict unless they agree or one kept base. */
  const atomic = (b: unknown, m: unknown, t: unknown, conflict: () => MergeConflict): unknown => {
    if (sameValue(m, t)) return m;
    if (sameValue(b, m)) return t;
    if (sameValue(b, t)) return m;
    return decide(conflict(), m, t);
  };

  const head = {} as State['head'];
  for (const field of HEAD_FIELDS) {
    const [b, m, t] = [base[field], mine[field], theirs[field]];
    (head as Record<string, unknown>)[field] = atomic(b, m, t, () => ({
      id: `workflow/${field}`,
      kind: 'value',
      path: [field],
      ...values(b, m, t),
      message: `workflow ${field}: ${sidesWords(b, m, t)}`,
    }));
  }

  const metadata = mergeValue([], base.metadata, mine.metadata, theirs.metadata, (path, b, m, t) => {
    const at = formatPath(path);
    return decide({ id: `metadata/${at}`, kind: 'value', path: ['metadata', ...path], ...values(b, m, t), message: `workflow metadata ${at}: ${sidesWords(b, m, t)}` }, m, t);
  }) as Record<string, unknown>;

  /**
   * One item present on any side: one-sided and identical changes taken; an add on both sides
   * or a delete against an edit conflicts as a whole; otherwise `fields` merges it inside.
   */
  const mergeItem = <T extends Item>(key: string, path: string[], words: (t: T) => string, ids: Partial<MergeConflict>, b: T | undefined, m: T | undefined, t: T | undefined, fields: (b: T, m: T, t: T) => T): T | undefined => {
    if (sameValue(m, t)) return m;
    if (sameValue(b, m)) return t;
    if (sameValue(b, t)) return m;
    const who = words((m ?? t ?? b) as T);
    if (b === undefined) {
      const message = `${who}: added on both sides, differently (${changedFields(m, t)})`;
      return decide({ id: key, kind: 'add-add', path, ...values(b, m, t), message, ...ids }, m, t) as T | undefined;
    }
    if (m === undefined || t === undefined) {
      const [deleter, editor, edited] = m === undefined ? (['mine', 'theirs', t] as const) : (['theirs', 'mine', m] as const);
      const message = `${who}: deleted on ${deleter}, changed on ${editor} (${changedFields(b, edited)})`;
      return decide({ id: key, kind: 'delete-edit', path, ...values(b, m, t), message, ...ids }, m, t) as T | undefined;
    }
    return fields(b, m, t);
  };

  const ids = (list: 'nodes' | 'edges' | 'parameters', doc: WorkflowDocument) =>
    list === 'parameters' ? (doc.parameters ?? []).map((p) => p.name) : (doc[list] as { id: string }[]).map((i) => i.id);
  const everyId = (list: 'nodes' | 'edges' | 'parameters') => mergeOrder(ids(list, base), ids(list, mine), ids(list, theirs), new Set([...ids(list, base), ...ids(list, mine), ...ids(list, theirs)]));

  const nodeMaps = [base, mine, theirs].map((d) => byId(d.nodes, (n) => n.id));
  const nodes = new Map<string, WorkflowNode>();
  for (const id of everyId('nodes')) {
    const [b, m, t] = nodeMaps.map((map) => map.get(id));
    const merged = mergeItem(`node:${id}`, ['nodes', id], nodeWords, { nodeId: id }, b, m, t, (bn, mn, tn) => {
      const out: Record<string, unknown> = {};
      for (const field of NODE_FIELDS) {
        const value =
          field === 'settings'
            ? mergeValue([], bn.settings, mn.settings, tn.settings, (path, bv, mv, tv) => {
                const at = formatPath(path);
                const conflict: MergeConflict = { id: `node:${id}/settings.${at}`, kind: 'value', path: ['nodes', id, 'settings', ...path], ...values(bv, mv, tv), message: `${nodeWords(mn)} setting ${at}: ${sidesWords(bv, mv, tv)}`, nodeId: id };
                return decide(conflict, mv, tv);
              })
            : atomic(bn[field], mn[field], tn[field], () => ({
                id: `node:${id}/${field}`,
                kind: 'value',
                path: ['nodes', id, field],
                ...values(bn[field], mn[field], tn[field]),
                message: `${nodeWords(mn)} ${field}: ${sidesWords(bn[field], mn[field], tn[field])}`,
                nodeId: id,
              }));
        if (value !== undefined) out[field] = value;
      }
      return out as WorkflowNode;
    });
    if (merged) nodes.set(id, merged);
  }

  const edgeMaps = [base, mine, theirs].map((d) => byId(d.edges, (e) => e.id));
  const edges = new Map<string, WorkflowEdge>();
  for (const id of everyId('edges')) {
    const [b, m, t] = edgeMaps.map((map) => map.get(id));
    const merged = mergeItem(`edge:${id}`, ['edges', id], edgeWords, { edgeId: id }, b, m, t, (be, me, te) =>
      decide({ id: `edge:${id}`, kind: 'value', path: ['edges', id], ...values(be, me, te), message: `${edgeWords(me)}: reconnected differently (mine ${edgeWords(me)}, theirs ${edgeWords(te)}, base ${edgeWords(be)})`, edgeId: id }, me, te) as WorkflowEdge,
    );
    if (merged) edges.set(id, merged);
  }

  const paramMaps = [base, mine, theirs].map((d) => byId(d.parameters ?? [], (p) => p.name));
  const params = new Map<string, WorkflowParameter>();
  for (const name of everyId('parameters')) {
    const [b, m, t] = paramMaps.map((map) => map.get(name));
    const merged = mergeItem(`param:${name}`, ['parameters', name], (p) => `parameter "${p.name}"`, { parameter: name }, b, m, t, (bp, mp, tp) => {
      const out: Record<string, unknown> = {};
      for (const field of PARAM_FIELDS) {
        const [bv, mv, tv] = [bp[field], mp[field], tp[field]];
        const value = atomic(bv, mv, tv, () => ({ id: `param:${name}/${field}`, kind: 'value', path: ['parameters', name, field], ...values(bv, mv, tv), message: `parameter "${name}" ${field}: ${sidesWords(bv, mv, tv)}`, parameter: name }));
        if (value !== undefined) out[field] = value;
      }
      return out as WorkflowParameter;
    });
    if (merged) params.set(name, merged);
  }
  // An explicit empty list and no list mean the same; keep whichever form a side changed to.
  const present = [base, mine, theirs].map((d) => d.parameters !== undefined);
  const paramsPresent = present[1] === present[2] ? (present[1] as boolean) : present[0] === present[1] ? (present[2] as boolean) : (present[1] as boolean);

  const state: State = { head, metadata, nodes, edges, params, paramsPresent };
  // A node kept or dropped whole keeps or drops its wiring and the parameters aimed at it with it.
  for (const { nodeId, side } of wholeNodes) takeItems(state, sides, itemsAround(sides, nodeId), side);
  const { merged, problems } = settleStructure(state, sides, catalog, choices, conflicts);
  return { merged, conflicts, problems, valid: conflicts.length === 0 && !hasErrors(problems), choices: { ...choices }, sides };
}

function assemble(state: State, { base, mine, theirs }: Sides): WorkflowDocument {
  const order = <T>(map: Map<string, T>, list: (d: WorkflowDocument) => string[]) => mergeOrder(list(base), list(mine), list(theirs), new Set(map.keys())).map((id) => map.get(id) as T);
  const parameters = order(state.params, (d) => (d.parameters ?? []).map((p) => p.name));
  return {
    schemaVersion: mine.schemaVersion,
    ...state.head,
    revision: mine.revision,
    nodes: order(state.nodes, (d) => d.nodes.map((n) => n.id)),
    edges: order(state.edges, (d) => d.edges.map((e) => e.id)),
    ...(state.paramsPresent || parameters.length > 0 ? { parameters } : {}),
    metadata: state.metadata,
  } as WorkflowDocument;
}

/** The edges at a node and the parameters aimed at it that differ between the sides. */
function itemsAround(sides: Sides, nodeId: string): string[] {
  const all = ['base', 'mine', 'theirs'] as const;
  const differs = <T>(of: (s: (typeof all)[number]) => T | undefined) => !(sameValue(of('base'), of('mine')) && sameValue(of('base'), of('theirs')));
  // Sorted, so the list is the same whichever side is mine.
  const edgeIds = [...new Set(all.flatMap((s) => sides[s].edges.filter((e) => e.source === nodeId || e.target === nodeId).map((e) => e.id)))].sort();
  const paramNames = [...new Set(all.flatMap((s) => (sides[s].parameters ?? []).filter((p) => p.targets.some((t) => t.nodeId === nodeId)).map((p) => p.name)))].sort();
  return [
    ...edgeIds.filter((id) => differs((s) => sides[s].edges.find((e) => e.id === id))).map((id) => `edge:${id}`),
    ...paramNames.filter((name) => differs((s) => (sides[s].parameters ?? []).find((p) => p.name === name))).map((name) => `param:${name}`),
  ];
}

/** The nodes a parameter aims at on any side. */
function paramTargets(sides: Sides, name: string): string[] {
  const all = ['base', 'mine', 'theirs'] as const;
  return [...new Set(all.flatMap((s) => (sides[s].parameters ?? []).find((p) => p.name === name)?.targets.map((t) => t.nodeId) ?? []))].sort();
}

/** Sets the named items to what the chosen side has (or removes them where it has none). */
function takeItems(state: State, sides: Sides, items: readonly string[], side: Side): void {
  const doc = sides[side];
  for (const item of items) {
    const at = item.indexOf(':');
    const [kind, id] = [item.slice(0, at), item.slice(at + 1)];
    const [map, found] =
      kind === 'node'
        ? [state.nodes as Map<string, Item>, doc.nodes.find((n) => n.id === id)]
        : kind === 'edge'
          ? [state.edges as Map<string, Item>, doc.edges.find((e) => e.id === id)]
          : [state.params as Map<string, Item>, (doc.parameters ?? []).find((p) => p.name === id)];
    if (found) map.set(id, structuredClone(found));
    else map.delete(id);
  }
}

/**
 * Finds what the merged items break together, one conflict at a time (each choice changes the
 * document the next check sees), until nothing new turns up. An open conflict is left at mine.
 */
function settleStructure(state: State, sides: Sides, catalog: NodeCatalog, choices: Record<string, Side>, conflicts: MergeConflict[]): { merged: WorkflowDocument; problems: Problem[] } {
  const seen = new Set<string>();
  // What the sides break on their own is not the merge's doing; validated only when the merge has errors.
  let known: Set<string> | undefined;
  const sideErrors = () =>
    (known ??= new Set(
      (['mine', 'theirs'] as const).flatMap((s) =>
        validateWorkflow(sides[s], catalog)
          .problems.filter((p) => p.severity === 'error')
          .map(problemKey),
      ),
    ));
  const limit = state.nodes.size + state.edges.size + state.params.size + 16;
  for (let round = 0; round < limit; round += 1) {
    const doc = assemble(state, sides);
    const found = structuralConflicts(doc, sides, catalog, sideErrors, seen);
    const next = found.conflicts.find((c) => !seen.has(c.id));
    if (!next) return { merged: doc, problems: found.problems ?? validateWorkflow(doc, catalog).problems };
    seen.add(next.id);
    const choice = choices[next.id];
    if (!choice) conflicts.push(next);
    takeItems(state, sides, next.items ?? [], choice ?? 'mine');
  }
  const merged = assemble(state, sides);
  return { merged, problems: validateWorkflow(merged, catalog).problems };
}

const problemKey = (p: Problem) => `${p.code}\u0000${p.message}`;

/** The first kind of structural conflict the document has not seen yet; `problems` when the validator ran on it. */
function structuralConflicts(doc: WorkflowDocument, sides: Sides, catalog: NodeCatalog, sideErrors: () => ReadonlySet<string>, seen: ReadonlySet<string>): { conflicts: MergeConflict[]; problems?: Problem[] } {
  const fresh = (c: MergeConflict) => !seen.has(c.id);
  const nodes = byId(doc.nodes, (n) => n.id);
  const has = (side: Side | 'base', kind: 'nodes' | 'edges', id: string) => (sides[side][kind] as { id: string }[]).some((i) => i.id === id);
  const where = (kind: 'nodes' | 'edges', id: string) => (['mine', 'theirs'] as const).filter((s) => has(s, kind, id));
  const sideValue = (kind: 'nodes' | 'edges', id: string) => {
    const of = (s: Side | 'base') => (sides[s][kind] as { id: string }[]).find((i) => i.id === id);
    return values(of('base'), of('mine'), of('theirs'));
  };
  /** Every side's edges that satisfy `which` and differ somewhere: what a choice for a structural conflict sets. */
  const changedEdges = (which: (e: WorkflowEdge) => boolean) => {
    const found = new Set((['base', 'mine', 'theirs'] as const).flatMap((s) => sides[s].edges.filter(which).map((e) => e.id)));
    for (const e of doc.edges) if (which(e)) found.add(e.id);
    const of = (s: Side | 'base', id: string) => sides[s].edges.find((e) => e.id === id);
    return [...found].sort().filter((id) => !(sameValue(of('base', id), of('mine', id)) && sameValue(of('base', id), of('theirs', id))));
  };
  const out: MergeConflict[] = [];

  for (const edge of doc.edges) {
    const missing = [edge.source, edge.target].filter((id) => !nodes.has(id));
    if (missing.length === 0) continue;
    const gone = missing.map((id) => `node "${id}"${where('nodes', id).length ? `, which ${(['mine', 'theirs'] as const).filter((s) => !has(s, 'nodes', id)).join(' and ')} deleted` : ''}`);
    out.push({
      id: `edge:${edge.id}/dangling`,
      kind: 'dangling-edge',
      path: ['edges', edge.id],
      ...sideValue('edges', edge.id),
      message: `${edgeWords(edge)} (${where('edges', edge.id).join(' and ') || 'merged'}) connects ${gone.join(' and ')}: keep the edge and the node, or neither`,
      edgeId: edge.id,
      // The node comes back with its own inputs, or goes with them.
      items: [...new Set([edge.id, ...changedEdges((e) => missing.includes(e.target))])].map((id) => `edge:${id}`).concat(missing.map((id) => `node:${id}`)),
    });
  }
  // A kind already settled in an earlier round (its choice applied) does not hide the next kinds.
  if (out.some(fresh)) return { conflicts: out.filter(fresh) };
  out.length = 0;

  const intoInput = new Map<string, WorkflowEdge[]>();
  for (const edge of doc.edges) {
    const key = `${edge.target}/${edge.targetPort}`;
    intoInput.set(key, [...(intoInput.get(key) ?? []), edge]);
  }
  for (const [key, list] of intoInput) {
    if (list.length < 2) continue;
    const target = nodes.get((list[0] as WorkflowEdge).target) as WorkflowNode;
    const on = (s: Side | 'base') => sides[s].edges.filter((e) => e.target === target.id && e.targetPort === (list[0] as WorkflowEdge).targetPort).map((e) => e.id);
    out.push({
      id: `input:${key}`,
      kind: 'input-taken',
      path: ['nodes', target.id, 'inputs', (list[0] as WorkflowEdge).targetPort],
      ...values(on('base'), on('mine'), on('theirs')),
      message: `input "${(list[0] as WorkflowEdge).targetPort}" of ${nodeWords(target)} is connected by ${list.map((e) => `edge "${e.id}" (${where('edges', e.id).join(' and ')})`).join(' and ')}; an input takes one edge`,
      nodeId: target.id,
      items: changedEdges((e) => e.target === target.id && e.targetPort === (list[0] as WorkflowEdge).targetPort).map((id) => `edge:${id}`),
    });
  }
  // A kind already settled in an earlier round (its choice applied) does not hide the next kinds.
  if (out.some(fresh)) return { conflicts: out.filter(fresh) };
  out.length = 0;

  const baseEdges = byId(sides.base.edges, (e) => e.id);
  for (const cycle of findCycles(doc.nodes.map((n) => n.id), doc.edges)) {
    const inCycle = new Set(cycle);
    const changed = doc.edges.filter((e) => inCycle.has(e.source) && inCycle.has(e.target) && !sameValue(e, baseEdges.get(e.id)));
    if (changed.length === 0) continue;
    const first = nodes.get(cycle[0] as string) as WorkflowNode;
    out.push({
      id: `cycle:${[...cycle].sort().join(',')}`,
      kind: 'cycle',
      path: ['nodes', first.id],
      ...values(undefined, changed.filter((e) => has('mine', 'edges', e.id)).map((e) => e.id), changed.filter((e) => has('theirs', 'edges', e.id)).map((e) => e.id)),
      message: `nodes ${[...cycle, cycle[0]].map((id) => `"${id}"`).join(' → ')} would form a loop through ${changed.map((e) => `edge "${e.id}" (${where('edges', e.id).join(' and ')})`).join(', ')}`,
      nodeId: first.id,
      // Every changed edge into the loop's nodes, so the chosen side's wiring of them comes whole.
      items: changedEdges((e) => inCycle.has(e.target)).map((id) => `edge:${id}`),
    });
  }
  // A kind already settled in an earlier round (its choice applied) does not hide the next kinds.
  if (out.some(fresh)) return { conflicts: out.filter(fresh) };
  out.length = 0;

  const { problems } = validateWorkflow(doc, catalog);
  for (const problem of problems) {
    if (problem.severity !== 'error' || sideErrors().has(problemKey(problem))) continue;
    const param = /^parameters\[(\d+)\]/.exec(problem.path);
    const paramName = param ? doc.parameters?.[Number(param[1])]?.name : undefined;
    const item = problem.edgeId !== undefined ? `edge:${problem.edgeId}` : problem.nodeId !== undefined ? `node:${problem.nodeId}` : paramName !== undefined ? `param:${paramName}` : undefined;
    // A finding about no item (the document as a whole) stays a validation problem of the result.
    if (!item) continue;
    const [kind, id] = item.startsWith('param:') ? (['parameters', paramName as string] as const) : item.startsWith('edge:') ? (['edges', problem.edgeId as string] as const) : (['nodes', problem.nodeId as string] as const);
    const valuesOf =
      kind === 'parameters'
        ? values(...(['base', 'mine', 'theirs'] as const).map((s) => sides[s].parameters?.find((p) => p.name === id)) as [unknown, unknown, unknown])
        : sideValue(kind, id);
    out.push({
      id: `invalid:${problem.code}:${item}`,
      kind: 'invalid',
      path: [kind, id],
      ...valuesOf,
      message: `the merge breaks a rule neither side broke: ${problem.message}; take the ${kind === 'parameters' ? 'parameter' : kind === 'edges' ? 'edge' : 'node'} from mine or theirs`,
      ...(kind === 'nodes' ? { nodeId: id } : kind === 'edges' ? { edgeId: id } : { parameter: id }),
      // A node comes with its wiring and the parameters aimed at it, so either side's version fits.
      // A parameter comes with the nodes it aims at (and theirs with their wiring).
      items: [...new Set(kind === 'nodes' ? [item, ...itemsAround(sides, id)] : kind === 'parameters' ? [item, ...paramTargets(sides, id).flatMap((n) => [`node:${n}`, ...itemsAround(sides, n)])] : [item])],
    });
  }
  return { conflicts: out, problems };
}
