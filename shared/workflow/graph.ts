/**
 * Pure graph helpers over node ids and edges, shared by validation and (later) the graph runtime.
 * Edges naming an id that is not in the node list are ignored: validation reports those on their own.
 */

/** The only part of an edge the graph shape depends on. */
export interface GraphEdge {
  source: string;
  target: string;
}

function successors(nodeIds: readonly string[], edges: readonly GraphEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    const list = next.get(e.source);
    if (list && next.has(e.target) && !list.includes(e.target)) list.push(e.target);
  }
  return next;
}

function predecessors(edges: readonly GraphEdge[]): Map<string, string[]> {
  const prev = new Map<string, string[]>();
  for (const e of edges) {
    const list = prev.get(e.target) ?? [];
    list.push(e.source);
    prev.set(e.target, list);
  }
  return prev;
}

/**
 * Every node before the nodes it feeds, ties kept in the given order (so the result is stable
 * for a stored document); null when the graph has a cycle.
 */
export function topologicalOrder(nodeIds: readonly string[], edges: readonly GraphEdge[]): string[] | null {
  const next = successors(nodeIds, edges);
  const indegree = new Map<string, number>(nodeIds.map((id) => [id, 0]));
  for (const targets of next.values()) for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  const order: string[] = [];
  const done = new Set<string>();
  // Re-scanning in document order keeps ties stable; workflows are small enough for O(n²).
  while (order.length < indegree.size) {
    const ready = nodeIds.find((id) => !done.has(id) && indegree.get(id) === 0);
    if (ready === undefined) return null;
    done.add(ready);
    order.push(ready);
    for (const t of next.get(ready) ?? []) indegree.set(t, (indegree.get(t) ?? 0) - 1);
  }
  return order;
}

function reach(start: string, step: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(step.get(start) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(step.get(id) ?? []));
  }
  seen.delete(start);
  return seen;
}

/** Every node the given one depends on, directly or not (itself excluded, even in a cycle). */
export function upstreamOf(nodeId: string, edges: readonly GraphEdge[]): Set<string> {
  return reach(nodeId, predecessors(edges));
}

/** Every node that depends on the given one, directly or not (itself excluded). */
export function downstreamOf(nodeId: string, edges: readonly GraphEdge[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  return reach(nodeId, next);
}

/**
 * One cycle per strongly connected component that has one, as the node ids along it
 * (the first id is not repeated at the end). Each starts at the component's first node in
 * `nodeIds` order and is a shortest way back to it, so the report is stable and readable.
 */
export function findCycles(nodeIds: readonly string[], edges: readonly GraphEdge[]): string[][] {
  const next = successors(nodeIds, edges);
  const components = stronglyConnected(nodeIds, next);
  const position = new Map(nodeIds.map((id, i) => [id, i]));
  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0))[0] as string;
    const selfLoop = (next.get(start) ?? []).includes(start);
    if (component.length === 1 && !selfLoop) continue;
    if (selfLoop) {
      cycles.push([start]);
      continue;
    }
    // Breadth-first inside the component back to the start: the shortest cycle through it.
    const parent = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    while (queue.length > 0 && closing === undefined) {
      const id = queue.shift() as string;
      for (const t of next.get(id) ?? []) {
        if (!members.has(t)) continue;
        if (t === start) {
          closing = id;
          break;
        }
        if (!parent.has(t)) {
          parent.set(t, id);
          queue.push(t);
        }
      }
    }
    const path: string[] = [];
    for (let at = closing; at !== undefined && at !== start; at = parent.get(at)) path.unshift(at);
    cycles.push([start, ...path]);
  }
  return cycles;
}

/** Tarjan's algorithm; components come out in reverse topological order, which callers re-sort. */
function stronglyConnected(nodeIds: readonly string[], next: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const id of nodeIds) if (!index.has(id)) visit(id);
  const position = new Map(nodeIds.map((id, i) => [id, i]));
  const first = (c: string[]) => Math.min(...c.map((id) => position.get(id) ?? 0));
  return out.sort((a, b) => first(a) - first(b));
}
