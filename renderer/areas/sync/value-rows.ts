import type { SyncConflict } from '../../../shared/sync/api';

/** One line of a conflict's three columns: a setting (dotted) and its value on each side; absent is undefined. */
export interface ValueRow {
  key: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  /** Which sides differ from the base (what a side changed). */
  mineChanged: boolean;
  theirsChanged: boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A value's leaves by dotted key (an array or a scalar is one leaf). */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(prefix, value);
  }
}

/**
 * The rows to show for a conflict: a setting conflict is one row (its setting); a conflict over a
 * whole node, edge or parameter (delete versus edit, added on both) is split into its leaves, and
 * only the leaves where the sides differ are kept, so the differences stand out.
 */
export function valueRows(conflict: SyncConflict): ValueRow[] {
  const { base, mine, theirs } = conflict;
  const row = (key: string, b: unknown, m: unknown, t: unknown): ValueRow => ({ key, base: b, mine: m, theirs: t, mineChanged: !same(m, b), theirsChanged: !same(t, b) });
  if (![base, mine, theirs].some(isPlainObject)) return [row(conflict.setting, base, mine, theirs)];
  const maps = [base, mine, theirs].map((v) => {
    const m = new Map<string, unknown>();
    leaves(v, '', m);
    return m;
  }) as [Map<string, unknown>, Map<string, unknown>, Map<string, unknown>];
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  const rows = keys.map((k) => row(k, maps[0].get(k), maps[1].get(k), maps[2].get(k))).filter((r) => !(same(r.base, r.mine) && same(r.mine, r.theirs)));
  // A side that does not have the item at all (deleted) says so in one row.
  return rows.length > 0 ? rows : [row(conflict.setting, base, mine, theirs)];
}

/** A value as short text: absent says so, strings are quoted like the backend's words. */
export function valueText(value: unknown): string {
  if (value === undefined) return '(absent)';
  return JSON.stringify(value);
}

/** Where a conflict sits, in words: its node, or the workflow itself. */
export function conflictPlace(conflict: SyncConflict): string {
  if (conflict.record) return conflict.record.kind === 'output_type' ? 'the output type' : `the ${conflict.record.kind}`;
  return conflict.nodeId ? `node ${conflict.nodeId}` : conflict.path[0] === 'edges' ? `edge ${conflict.path[1] ?? ''}` : conflict.path[0] === 'parameters' ? `parameter ${conflict.path[1] ?? ''}` : 'the workflow';
}
