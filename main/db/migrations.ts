import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * Schema history, oldest first. Append only: a released migration is never edited, the
 * next change is a new entry with the next version.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'app metadata and preflight reports',
    up(db) {
      db.exec(`
        CREATE TABLE app_meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
        CREATE TABLE preflight_reports (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          created_at TEXT NOT NULL,
          ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
          report_json TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'workflows with revisions, legacy pipelines, output types',
    up(db) {
      db.exec(`
        CREATE TABLE workflows (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          family TEXT NOT NULL CHECK (family IN ('cad_file', 'order_line')),
          execution_mode TEXT NOT NULL CHECK (execution_mode IN ('legacy', 'graph', 'shadow')),
          current_revision INTEGER NOT NULL CHECK (current_revision >= 1),
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          deleted_at TEXT
        ) STRICT;
        -- Every save is a new row; a document is stored exactly as saved.
        CREATE TABLE workflow_revisions (
          workflow_id TEXT NOT NULL REFERENCES workflows(id),
          revision INTEGER NOT NULL CHECK (revision >= 1),
          document_json TEXT NOT NULL,
          saved_at TEXT NOT NULL,
          note TEXT,
          PRIMARY KEY (workflow_id, revision)
        ) STRICT;
        CREATE TABLE legacy_pipelines (
          key TEXT PRIMARY KEY,
          family TEXT NOT NULL CHECK (family IN ('cad_file', 'order_line')),
          document_json TEXT NOT NULL,
          source_file TEXT,
          imported_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          migrated_workflow_id TEXT REFERENCES workflows(id)
        ) STRICT;
        -- An output type is a legacy render preset, an invocation profile, or both while it is
        -- being migrated (legacy_json kept for rollback and verification).
        CREATE TABLE output_types (
          key TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          artifact TEXT NOT NULL CHECK (artifact IN ('still', 'turntable', 'blend')),
          execution_mode TEXT NOT NULL DEFAULT 'legacy' CHECK (execution_mode IN ('legacy', 'graph', 'shadow')),
          legacy_json TEXT,
          profile_json TEXT,
          source_file TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK (legacy_json IS NOT NULL OR profile_json IS NOT NULL)
        ) STRICT;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = migrations.at(-1)?.version ?? 0;
