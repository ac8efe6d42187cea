import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { likePattern, searchPlan, textSearchClause, TRIGRAM, type SearchPlan, type TextSearch } from './text-search';

/** A row's place in a list: its sort value (a time, a number) and its id, which breaks ties. */
export type SortKey = [string | number, string];

/**
 * Cursors are opaque to callers: base64url of the list's name and the last row's sort key. The
 * name is checked so a cursor of one list is refused by another instead of skipping rows.
 */
export function encodeCursor(list: string, key: SortKey): string {
  return Buffer.from(JSON.stringify({ l: list, k: key })).toString('base64url');
}

export function decodeCursor(list: string, cursor: string, field = 'cursor'): SortKey {
  const refuse = (why: string): never => {
    const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor;
    throw new ApiFailure(ErrorCodes.invalidInput, `${field} "${shown}" is not a cursor of ${list}: ${why}; pass the nextCursor of the previous page, or no cursor for the first page`, field);
  };
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) refuse('it is not base64url text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse('it does not decode');
  }
  const { l, k } = (parsed ?? {}) as { l?: unknown; k?: unknown };
  if (typeof l !== 'string' || !Array.isArray(k)) return refuse('it does not decode');
  if (l !== list) return refuse(`it belongs to ${l}`);
  const [value, id] = k as unknown[];
  if (k.length !== 2 || (typeof value !== 'string' && typeof value !== 'number') || typeof id !== 'string') return refuse('its position is malformed');
  return [value, id];
}


/** A clause matching the search text anywhere in any of the columns (LIKE is case-insensitive for ASCII). */
export function searchClause(columns: readonly string[], text: string | undefined): { sql: string; params: string[] } | null {
  if (!text) return null;
  const pattern = likePattern(text);
  return { sql: `(${columns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`, params: columns.map(() => pattern) };
}

export interface KeysetQuery<Row> {
  /** The list's name as callers know it (e.g. "orders.list"): in cursors and in errors. */
  list: string;
  /** `SELECT … FROM …` without WHERE / ORDER BY / LIMIT. */
  select: string;
  where: string[];
  params: unknown[];
  /** The sort column and the unique id column, e.g. ["o.created_at", "o.id"]; an index on both serves the order. */
  sortBy: [string, string];
  /** Newest first by default. */
  direction?: 'desc' | 'asc';
  limit: number;
  cursor?: string | undefined;
  keyOf(row: Row): SortKey;
  /** A text search through the table's trigram index (text-search.ts); absent: no search, or one in `where`. */
  search?: TextSearch | undefined;
}

/** The SQL of a keyset page, also for EXPLAIN QUERY PLAN in tests. */
export function keysetSql<Row>(query: KeysetQuery<Row>, plan: SearchPlan = 'dense'): { sql: string; params: unknown[] } {
  const [sort, id] = query.sortBy;
  const desc = (query.direction ?? 'desc') === 'desc';
  const where = [...query.where];
  const params = [...query.params];
  if (query.search) {
    const search = textSearchClause(query.search, plan);
    where.push(search.sql);
    params.push(...search.params);
  }
  const cursor = afterCursor(query);
  if (cursor) {
    where.push(cursor.sql);
    params.push(...cursor.params);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const sql = `${query.select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sort} ${dir}, ${id} ${dir} LIMIT ?`;
  return { sql, params: [...params, query.limit + 1] };
}

/**
 * A search shorter than a trigram has no index to read: LIKE checks rows newest first, and a text
 * that matches little would check the whole table (88 ms for every order's lines at 100,000).
 * Such a page checks at most this many rows, and when it found too few to fill the page it
 * answers a cursor just past the last row it checked, so the next page goes on from there.
 * (LIGHTBOX_TEST_SHORT_SEARCH_WINDOW makes it small for a UI test with a small history.)
 */
export const SHORT_SEARCH_WINDOW = Number(process.env.LIGHTBOX_TEST_SHORT_SEARCH_WINDOW) || 20_000;

/** The conjunct of rows after a cursor: a plain range on the sort column first, so the index seeks. */
function afterCursor<Row>(query: KeysetQuery<Row>): { sql: string; params: unknown[] } | null {
  if (query.cursor === undefined) return null;
  const [sort, id] = query.sortBy;
  const cmp = (query.direction ?? 'desc') === 'desc' ? '<' : '>';
  const [value, lastId] = decodeCursor(query.list, query.cursor);
  return { sql: `${sort} ${cmp}= ? AND (${sort} ${cmp} ? OR ${id} ${cmp} ?)`, params: [value, value, lastId] };
}

/**
 * The last row a short search may check from the cursor on (the window's end, in the list's
 * order, read from its index without the search), or null when fewer rows than the window remain.
 */
function windowEnd<Row>(db: Database.Database, query: KeysetQuery<Row> & { search: TextSearch }, window: number): SortKey | null {
  const [sort, id] = query.sortBy;
  const dir = (query.direction ?? 'desc') === 'desc' ? 'DESC' : 'ASC';
  const cursor = afterCursor(query);
  const where = [...query.where, ...(cursor ? [cursor.sql] : [])];
  const row = db
    .prepare<unknown[], { s: string | number; i: string }>(
      `SELECT ${sort} AS s, ${id} AS i FROM ${query.search.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sort} ${dir}, ${id} ${dir} LIMIT 1 OFFSET ?`,
    )
    .get(...query.params, ...(cursor?.params ?? []), window - 1);
  return row ? [row.s, row.i] : null;
}

/** One page by keyset (no OFFSET: every page costs the same, and rows added meanwhile do not shift it). */
export function keysetPage<Row>(db: Database.Database, query: KeysetQuery<Row>, shortSearchWindow = SHORT_SEARCH_WINDOW): { rows: Row[]; nextCursor: string | null } {
  const search = query.search;
  const end = search && search.text.length < TRIGRAM ? windowEnd(db, { ...query, search }, shortSearchWindow) : null;
  // Bounded to the window: rows up to its end, in the list's order.
  const bounded: KeysetQuery<Row> = end
    ? (() => {
        const [sort, id] = query.sortBy;
        const cmp = (query.direction ?? 'desc') === 'desc' ? '>' : '<';
        return { ...query, where: [...query.where, `(${sort} ${cmp} ? OR (${sort} = ? AND ${id} ${cmp}= ?))`], params: [...query.params, end[0], end[0], end[1]] };
      })()
    : query;
  const { sql, params } = keysetSql(bounded, search ? searchPlan(db, search) : 'dense');
  const rows = db.prepare<unknown[], Row>(sql).all(...params);
  const more = rows.length > query.limit;
  if (more) rows.length = query.limit;
  const last = rows.at(-1);
  if (more && last) return { rows, nextCursor: encodeCursor(query.list, query.keyOf(last)) };
  // The window was checked without filling the page: go on after its end.
  return { rows, nextCursor: end ? encodeCursor(query.list, end) : null };
}
