import type { WorkflowStore } from '../../catalog/workflows/types';

/** One workflow's history as a graph of revision ids: what sync walks to find what the other side lacks. */
export interface History {
  /** Parents by revision id. */
  parents: Map<string, string[]>;
  /** Row number here by revision id (parents always have lower numbers than their children). */
  rows: Map<string, number>;
}

export function historyOf(store: WorkflowStore, workflowId: string): History {
  const parents = new Map<string, string[]>();
  const rows = new Map<string, number>();
  for (const r of store.revisions(workflowId)) {
    parents.set(r.revisionId, r.parents);
    rows.set(r.revisionId, r.revision);
  }
  return { parents, rows };
}

/** The revision and everything it was made from (ids unknown to the history end the walk). */
export function ancestors(history: Pick<History, 'parents'>, id: string | undefined): Set<string> {
  const seen = new Set<string>();
  const stack = id === undefined ? [] : [id];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const p of history.parents.get(next) ?? []) stack.push(p);
  }
  return seen;
}

/**
 * The nearest revision both heads descend from: breadth-first from `mine`, the first one that is
 * also an ancestor of `theirs`. Undefined when the two lines share nothing (the same id created
 * on two machines).
 */
export function commonAncestor(history: Pick<History, 'parents'>, mine: string, theirs: string): string | undefined {
  const theirLine = ancestors(history, theirs);
  const queue = [mine];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    if (theirLine.has(next)) return next;
    queue.push(...(history.parents.get(next) ?? []));
  }
  return undefined;
}

/** Revisions in `head`'s line that `known`'s line lacks, parents first: what the other side needs. */
export function missingFrom(history: History, head: string, known: string | undefined): string[] {
  const have = ancestors(history, known);
  return [...ancestors(history, head)].filter((id) => !have.has(id) && history.rows.has(id)).sort((a, b) => (history.rows.get(a) ?? 0) - (history.rows.get(b) ?? 0));
}
