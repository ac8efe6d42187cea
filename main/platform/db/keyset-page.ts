import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { likePattern, searchPlan, textSearchClause, type SearchPlan, type TextSearch } from './text-search';

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
  const cmp = desc ? '<' : '>';
  const where = [...query.where];
  const params = [...query.params];
  if (query.search) {
    const search = textSearchClause(query.search, plan);
    where.push(search.sql);
    params.push(...search.params);
  }
  if (query.cursor !== undefined) {
    const [value, lastId] = decodeCursor(query.list, query.cursor);
    // The first conjunct is a plain range on the sort column, so the index seeks to the cursor.
    where.push(`${sort} ${cmp}= ? AND (${sort} ${cmp} ? OR ${id} ${cmp} ?)`);
    params.push(value, value, lastId);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const sql = `${query.select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sort} ${dir}, ${id} ${dir} LIMIT ?`;
  return { sql, params: [...params, query.limit + 1] };
}

/** One page by keyset (no OFFSET: every page costs the same, and rows added meanwhile do not shift it). */
export function keysetPage<Row>(db: Database.Database, query: KeysetQuery<Row>): { rows: Row[]; nextCursor: string | null } {
  const { sql, params } = keysetSql(query, query.search ? searchPlan(db, query.search) : 'dense');
  const rows = db.prepare<unknown[], Row>(sql).all(...params);
  const more = rows.length > query.limit;
  if (more) rows.length = query.limit;
  const last = rows.at(-1);
  return { rows, nextCursor: more && last ? encodeCursor(query.list, query.keyOf(last)) : null };
}
