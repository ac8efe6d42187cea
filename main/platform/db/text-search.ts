import type Database from 'better-sqlite3';

/**
 * A list's text search through a trigram FTS5 index (migration 21) where `LIKE '%x%'` is slow:
 * at 100,000 order lines a text that matches little made the page read every row of the table
 * (hundreds of ms); through the index it reads only the matches.
 *
 * Two plans, picked by a bounded probe of how many rows match (keysetPage does it):
 * - sparse (fewer than SPARSE_MATCHES): the index's matches drive, fetched by rowid and sorted;
 *   the cost is the number of matches, so a rare or absent text answers in a millisecond;
 * - dense: the list's newest-first index drives, as without a search, and LIKE checks each row;
 *   matches are common, so the page fills after a few rows (the index would hand over tens of
 *   thousands of matches to sort, slower than the scan it replaces).
 */
export interface TextSearch {
  /** The searched table as the list's FROM names it, e.g. "order_lines l". */
  table: string;
  /** Its rowid, e.g. "l.rowid" (the FTS table is external-content, keyed by it). */
  rowid: string;
  /** The FTS5 table over the searched columns (trigram tokenizer). */
  fts: string;
  /** The same columns, for LIKE when the text is shorter than a trigram. */
  columns: readonly string[];
  /** Another way to match: a column in a small table's ids whose text matches (e.g. the CAD file's name). */
  via?: { column: string; ids: string } | undefined;
  text: string;
}

/** `%text%` for LIKE, with its wildcards taken literally (ESCAPE '\'). */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Below this many matches the matches drive the page; the probe never counts further. */
export const SPARSE_MATCHES = 2_000;
/** Trigram indexes match texts of 3 characters or more. */
export const TRIGRAM = 3;

export type SearchPlan = 'sparse' | 'dense';

/** The FTS5 query of a literal text: one phrase, its quotes doubled (no operators from the user). */
const ftsPhrase = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** The search as a WHERE clause: the trigram index in the sparse plan, LIKE otherwise (and under a trigram). */
export function textSearchClause(search: TextSearch, plan: SearchPlan): { sql: string; params: unknown[] } {
  const pattern = likePattern(search.text);
  const via = search.via ? { sql: `${search.via.column} IN (${search.via.ids})`, params: [pattern] } : null;
  if (plan === 'dense' || search.text.length < TRIGRAM) {
    const like = search.columns.map((c) => `${c} LIKE ? ESCAPE '\\'`);
    return { sql: `(${[...like, ...(via ? [via.sql] : [])].join(' OR ')})`, params: [...search.columns.map(() => pattern), ...(via?.params ?? [])] };
  }
  const match = `${search.rowid} IN (SELECT rowid FROM ${search.fts} WHERE ${search.fts} MATCH ?)`;
  return { sql: `(${match}${via ? ` OR ${via.sql}` : ''})`, params: [ftsPhrase(search.text), ...(via?.params ?? [])] };
}

/**
 * Which plan a search takes: its matches in the index, and the rows matched through `via`, each
 * counted only up to `sparseBelow` (the counts stream and stop there).
 */
export function searchPlan(db: Database.Database, search: TextSearch, sparseBelow = SPARSE_MATCHES): SearchPlan {
  if (search.text.length < TRIGRAM) return 'dense';
  const count = (sql: string, param: unknown) => db.prepare<[unknown], { n: number }>(`SELECT count(*) AS n FROM (${sql} LIMIT ${sparseBelow})`).get(param)?.n ?? 0;
  let matches = count(`SELECT 1 FROM ${search.fts} WHERE ${search.fts} MATCH ?`, ftsPhrase(search.text));
  if (search.via && matches < sparseBelow) matches += count(`SELECT 1 FROM ${search.table} WHERE ${search.via.column} IN (${search.via.ids})`, likePattern(search.text));
  return matches < sparseBelow ? 'sparse' : 'dense';
}
