import fs from 'node:fs';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrations as defaultMigrations, type Migration } from './migrations';

export class SchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `database ${file} has schema version ${found}, newer than this Lightbox supports (${supported}). ` +
        'It was written by a newer Lightbox; update Lightbox, or choose another data directory. The file was not changed.',
    );
    this.name = 'SchemaTooNewError';
  }
}

export class DatabaseOpenError extends Error {
  constructor(file: string, reason: string) {
    super(`database ${file} cannot be opened: ${reason}`);
    this.name = 'DatabaseOpenError';
  }
}

function readUserVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Opens (creating if needed) the SQLite database, in WAL mode, migrated to the latest schema.
 * A database from a newer Lightbox is refused before anything is written to it.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = defaultMigrations): Database.Database {
  const latest = migrations.at(-1)?.version ?? LATEST_SCHEMA_VERSION;
  if (fs.existsSync(file)) {
    // Peek read-only first: switching to WAL or migrating would write to the file.
    let peek: Database.Database;
    try {
      peek = new Database(file, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new DatabaseOpenError(file, (error as Error).message);
    }
    try {
      const found = readUserVersion(peek);
      if (found > latest) throw new SchemaTooNewError(file, found, latest);
    } catch (error) {
      if (error instanceof SchemaTooNewError) throw error;
      throw new DatabaseOpenError(file, `not a Lightbox database (${(error as Error).message})`);
    } finally {
      peek.close();
    }
  }

  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies each pending migration in its own transaction, bumping user_version with it. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const current = readUserVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(db.name, current, latest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

export function schemaVersion(db: Database.Database): number {
  return readUserVersion(db);
}
