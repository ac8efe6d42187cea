import path from 'node:path';
import Database from 'better-sqlite3';

/** Rows of a query on a data directory's database, opened read-only for the call (another process may own it). */
export function queryDataDir<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dataDir, 'lightbox.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
