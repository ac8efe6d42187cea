/**
 * The value-level pieces of the workflow merge: JSON equality, a three-way merge of one value
 * that descends into objects present on both sides, and a symmetric merge of list order.
 * Pure; no knowledge of workflow documents.
 */

export type Side = 'mine' | 'theirs';

export const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON equality where key order does not count (settings and metadata keys carry no order). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/** A path below an item: object keys, as the validator's formatPath writes them. */
export type ValuePath = string[];

/** Called for each value both sides changed differently; answers the value the merge keeps. */
export type OnValueConflict = (path: ValuePath, base: unknown, mine: unknown, theirs: unknown) => unknown;

/**
 * Three-way merge of one JSON value (undefined = absent). A change on one side is taken, the
 * same change on both once; where both changed an object, each key is merged on its own, so
 * edits to different keys of one group both survive. Anything else both changed is handed to
 * `onConflict`. An untouched side never costs the other its key order.
 */
export function mergeValue(path: ValuePath, base: unknown, mine: unknown, theirs: unknown, onConflict: OnValueConflict): unknown {
  if (sameValue(mine, theirs)) return mine;
  if (sameValue(base, mine)) return theirs;
  if (sameValue(base, theirs)) return mine;
  if (isPlainObject(mine) && isPlainObject(theirs) && (base === undefined || isPlainObject(base))) {
    const b = base ?? {};
    const out: Record<string, unknown> = {};
    for (const key of unionKeys(mine, theirs, b)) {
      const value = mergeValue([...path, key], b[key], mine[key], theirs[key], onConflict);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return onConflict(path, base, mine, theirs);
}

/** Keys of the objects in first-seen order. */
export function unionKeys(...objects: Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const o of objects) for (const k of Object.keys(o)) keys.add(k);
  return [...keys];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of the merged list's ids. The order of nodes, edges and parameters carries no
 * meaning, but a merge should not shuffle them: when only one side changed the list, its order
 * is kept; when both did, base order first, then every added id by id. The same answer whichever
 * side is called mine (so merging stays symmetric). `keep` is the merged set of ids.
 */
export function mergeOrder(base: readonly string[], mine: readonly string[], theirs: readonly string[], keep: ReadonlySet<string>): string[] {
  const pick = sameList(mine, theirs) ? mine : sameList(base, mine) ? theirs : sameList(base, theirs) ? mine : [];
  const baseSet = new Set(base);
  const both = [...base, ...[...new Set([...mine, ...theirs])].filter((id) => !baseSet.has(id)).sort(byCodeUnit)];
  const out: string[] = [];
  const placed = new Set<string>();
  // The picked order, then what it lacks (an item a conflict kept from the other side) in the both-changed order.
  for (const id of [...pick, ...both, ...[...keep].sort(byCodeUnit)]) {
    if (keep.has(id) && !placed.has(id)) {
      out.push(id);
      placed.add(id);
    }
  }
  return out;
}
