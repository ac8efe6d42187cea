import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { revisionIdText, workflowContentText } from '../../../shared/workflow/content';
import { reviewGroupKeyText, worstDelta } from '../../../shared/comparison/deltas';
import type { ComparisonReport } from '../../../shared/comparison/api';

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
  {
    version: 3,
    name: 'production: CAD files, orders, runs, media assets, notification outbox, render logs',
    up(db) {
      db.exec(`
        CREATE TABLE cad_files (
          id TEXT PRIMARY KEY,
          sha256 TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          format TEXT,
          bytes INTEGER NOT NULL,
          source_path TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('ingesting', 'ready', 'failed')),
          error TEXT,
          glb_path TEXT,
          glb_sha256 TEXT,
          metadata_json TEXT,
          thumbnail_path TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE orders (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE order_lines (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders(id),
          line_no INTEGER NOT NULL CHECK (line_no >= 1),
          cad_file_id TEXT NOT NULL REFERENCES cad_files(id),
          output_type_key TEXT NOT NULL REFERENCES output_types(key),
          overrides_json TEXT NOT NULL DEFAULT '{}',
          status TEXT NOT NULL CHECK (status IN ('queued', 'rendering', 'succeeded', 'failed', 'cancelled')),
          mode_used TEXT CHECK (mode_used IN ('legacy', 'graph', 'shadow')),
          attempts INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          created_at TEXT NOT NULL,
          queued_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          UNIQUE (order_id, line_no)
        ) STRICT;
        CREATE TABLE workflow_runs (
          id TEXT PRIMARY KEY,
          family TEXT NOT NULL CHECK (family IN ('cad_file', 'order_line')),
          order_line_id TEXT REFERENCES order_lines(id),
          cad_file_id TEXT REFERENCES cad_files(id),
          attempt INTEGER NOT NULL CHECK (attempt >= 1),
          mode TEXT NOT NULL CHECK (mode IN ('legacy', 'graph', 'shadow')),
          role TEXT NOT NULL CHECK (role IN ('authoritative', 'shadow')),
          pipeline_key TEXT,
          workflow_id TEXT,
          workflow_revision INTEGER,
          status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
          failed_step TEXT,
          error TEXT,
          draft_json TEXT,
          owner_pid INTEGER,
          owner_token TEXT,
          started_at TEXT NOT NULL,
          finished_at TEXT
        ) STRICT;
        CREATE UNIQUE INDEX workflow_runs_attempt ON workflow_runs(order_line_id, attempt, role) WHERE order_line_id IS NOT NULL;
        CREATE INDEX workflow_runs_status ON workflow_runs(status);
        CREATE TABLE node_runs (
          run_id TEXT NOT NULL REFERENCES workflow_runs(id),
          node_id TEXT NOT NULL,
          node_type TEXT NOT NULL,
          step_index INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled', 'interrupted')),
          on_error TEXT NOT NULL DEFAULT 'fail' CHECK (on_error IN ('fail', 'continue')),
          settings_json TEXT,
          outputs_json TEXT,
          error TEXT,
          log TEXT NOT NULL DEFAULT '',
          started_at TEXT,
          finished_at TEXT,
          duration_ms INTEGER,
          PRIMARY KEY (run_id, node_id)
        ) STRICT;
        CREATE TABLE media_assets (
          id TEXT PRIMARY KEY,
          publish_key TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL,
          folder TEXT NOT NULL,
          file TEXT NOT NULL UNIQUE,
          format TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          bytes INTEGER NOT NULL,
          width INTEGER,
          height INTEGER,
          duration_seconds REAL,
          frames INTEGER,
          attachments_json TEXT NOT NULL DEFAULT '[]',
          run_id TEXT NOT NULL REFERENCES workflow_runs(id),
          order_line_id TEXT REFERENCES order_lines(id),
          node_id TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE notifications (
          id TEXT PRIMARY KEY,
          idempotency_key TEXT NOT NULL UNIQUE,
          channel TEXT NOT NULL CHECK (channel IN ('desktop', 'webhook')),
          event TEXT NOT NULL,
          target TEXT,
          payload_json TEXT NOT NULL,
          order_line_id TEXT REFERENCES order_lines(id),
          run_id TEXT REFERENCES workflow_runs(id),
          state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT,
          last_error TEXT,
          delivered_at TEXT,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
        CREATE TABLE render_logs (
          id TEXT PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES workflow_runs(id),
          node_id TEXT NOT NULL,
          order_line_id TEXT REFERENCES order_lines(id),
          engine TEXT,
          samples INTEGER,
          width INTEGER,
          height INTEGER,
          frame_start INTEGER,
          frame_end INTEGER,
          blender_version TEXT,
          output_path TEXT,
          output_sha256 TEXT,
          duration_ms INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
          exit_code INTEGER,
          error TEXT,
          draft_json TEXT,
          created_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 4,
    name: 'graph runtime: node output cache, shadow comparisons, mode changes, fallbacks',
    up(db) {
      db.exec(`
        -- A graph run and its legacy fallback (or a shadow observer) share an attempt.
        DROP INDEX workflow_runs_attempt;
        ALTER TABLE workflow_runs ADD COLUMN fallback_of TEXT REFERENCES workflow_runs(id);
        ALTER TABLE workflow_runs ADD COLUMN fallback_reason TEXT;
        CREATE UNIQUE INDEX workflow_runs_attempt ON workflow_runs(order_line_id, attempt, role, mode) WHERE order_line_id IS NOT NULL;
        CREATE TABLE node_cache (
          cache_key TEXT PRIMARY KEY,
          node_type TEXT NOT NULL,
          outputs_json TEXT NOT NULL,
          created_at TEXT NOT NULL,
          hits INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE comparisons (
          id TEXT PRIMARY KEY,
          order_line_id TEXT REFERENCES order_lines(id),
          output_type_key TEXT NOT NULL,
          legacy_run_id TEXT NOT NULL REFERENCES workflow_runs(id),
          shadow_run_id TEXT NOT NULL REFERENCES workflow_runs(id),
          workflow_id TEXT,
          workflow_revision INTEGER,
          verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'warn', 'fail')),
          report_json TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX comparisons_output_type ON comparisons(output_type_key, created_at);
        CREATE TABLE mode_changes (
          id TEXT PRIMARY KEY,
          target_kind TEXT NOT NULL CHECK (target_kind IN ('output_type', 'workflow')),
          target TEXT NOT NULL,
          from_mode TEXT,
          to_mode TEXT NOT NULL CHECK (to_mode IN ('legacy', 'graph', 'shadow')),
          reason TEXT,
          override INTEGER NOT NULL DEFAULT 0 CHECK (override IN (0, 1)),
          comparison_id TEXT REFERENCES comparisons(id),
          who TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    name: 'workflow test runs keep what they ran on, for re-runs',
    up(db) {
      db.exec(`ALTER TABLE workflow_runs ADD COLUMN context_json TEXT;`);
    },
  },
  {
    version: 6,
    name: 'studio lead reviews of shadow comparisons',
    up(db) {
      db.exec(`
        CREATE TABLE comparison_reviews (
          id TEXT PRIMARY KEY,
          comparison_id TEXT NOT NULL REFERENCES comparisons(id),
          decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
          note TEXT,
          who TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX comparison_reviews_comparison ON comparison_reviews(comparison_id, created_at);
      `);
    },
  },
  {
    version: 7,
    name: 'node runs say whether they reused a stored output',
    up(db) {
      db.exec(`
        ALTER TABLE node_runs ADD COLUMN reused INTEGER NOT NULL DEFAULT 0 CHECK (reused IN (0, 1));
        -- Until now only the log said so, in these words (main/graph-runtime/run-graph.ts).
        UPDATE node_runs SET reused = 1 WHERE status = 'succeeded' AND log LIKE '%reused the stored output%';
      `);
    },
  },
  {
    version: 8,
    name: "an output type's own execution mode is kept once: in execution_mode (null: none of its own), never in profile_json",
    up(db) {
      // Until now dispatch and rollout read the mode from profile_json (absent: the workflow's decides)
      // and the column mirrored it ('legacy' when absent, and NOT NULL). The profile's value wins.
      db.exec(`ALTER TABLE output_types ADD COLUMN own_mode TEXT CHECK (own_mode IN ('legacy', 'graph', 'shadow'));`);
      const rows = db.prepare<[], { key: string; profile_json: string }>('SELECT key, profile_json FROM output_types WHERE profile_json IS NOT NULL').all();
      const set = db.prepare('UPDATE output_types SET own_mode = ?, profile_json = ? WHERE key = ?');
      for (const row of rows) {
        const doc = JSON.parse(row.profile_json) as { profile?: { executionMode?: unknown } };
        const mode = doc.profile?.executionMode;
        if (doc.profile) delete doc.profile.executionMode;
        set.run(mode === 'legacy' || mode === 'graph' || mode === 'shadow' ? mode : null, JSON.stringify(doc), row.key);
      }
      db.exec(`
        ALTER TABLE output_types DROP COLUMN execution_mode;
        ALTER TABLE output_types RENAME COLUMN own_mode TO execution_mode;
      `);
    },
  },
  {
    version: 9,
    name: 'orders can be archived and queued order lines cancelled before dispatch, each with the time it was done',
    up(db) {
      db.exec(`
        ALTER TABLE orders ADD COLUMN archived_at TEXT;
        -- Set only when a line was cancelled while waiting for dispatch: it is never dispatched after.
        ALTER TABLE order_lines ADD COLUMN cancelled_at TEXT;
      `);
    },
  },
  {
    version: 10,
    name: "workflow revisions form a history: an id, parents and a content hash each; stored revisions are never changed",
    up(db) {
      // Rebuilt rather than altered, so the new columns are NOT NULL and checked. Every row is
      // copied as it is (document_json byte for byte, saved_at, note); each gets the id, parents
      // (the previous revision of its workflow) and content hash the store gives a save today
      // (main/catalog/workflows/revision-identity.ts; the formulas live in shared/workflow/content.ts).
      db.exec(`
        CREATE TABLE workflow_revisions_history (
          workflow_id TEXT NOT NULL REFERENCES workflows(id),
          revision INTEGER NOT NULL CHECK (revision >= 1),
          document_json TEXT NOT NULL,
          saved_at TEXT NOT NULL,
          note TEXT,
          revision_id TEXT NOT NULL UNIQUE CHECK (length(revision_id) = 64),
          -- ids, in order: none for a workflow's first revision, one for a save, two for a merge
          parents_json TEXT NOT NULL CHECK (json_valid(parents_json) AND json_type(parents_json) = 'array' AND json_array_length(parents_json) <= 2),
          content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
          PRIMARY KEY (workflow_id, revision)
        ) STRICT;
      `);
      const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
      const rows = db
        .prepare<[], { workflow_id: string; revision: number; document_json: string; saved_at: string; note: string | null }>(
          'SELECT workflow_id, revision, document_json, saved_at, note FROM workflow_revisions ORDER BY workflow_id, revision',
        )
        .all();
      const insert = db.prepare(
        `INSERT INTO workflow_revisions_history (workflow_id, revision, document_json, saved_at, note, revision_id, parents_json, content_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      let previous: { workflowId: string; revisionId: string } | null = null;
      for (const row of rows) {
        const parents = previous?.workflowId === row.workflow_id ? [previous.revisionId] : [];
        const contentHash = sha256(workflowContentText(JSON.parse(row.document_json) as object));
        const revisionId = sha256(revisionIdText(parents, contentHash));
        insert.run(row.workflow_id, row.revision, row.document_json, row.saved_at, row.note, revisionId, JSON.stringify(parents), contentHash);
        previous = { workflowId: row.workflow_id, revisionId };
      }
      db.exec(`
        DROP TABLE workflow_revisions;
        ALTER TABLE workflow_revisions_history RENAME TO workflow_revisions;
        -- History is append-only: a stored revision is never changed or removed, by the store or anyone.
        CREATE TRIGGER workflow_revisions_append_only_update BEFORE UPDATE ON workflow_revisions
        BEGIN SELECT RAISE(ABORT, 'workflow revisions are append-only: a stored revision is never changed; save a new revision'); END;
        CREATE TRIGGER workflow_revisions_append_only_delete BEFORE DELETE ON workflow_revisions
        BEGIN SELECT RAISE(ABORT, 'workflow revisions are append-only: a stored revision is never deleted (deleting a workflow keeps its history)'); END;
        -- INSERT OR REPLACE deletes the old row without firing delete triggers: refuse it here.
        CREATE TRIGGER workflow_revisions_append_only_replace BEFORE INSERT ON workflow_revisions
        WHEN EXISTS (SELECT 1 FROM workflow_revisions WHERE (workflow_id = NEW.workflow_id AND revision = NEW.revision) OR revision_id = NEW.revision_id)
        BEGIN SELECT RAISE(ABORT, 'workflow revisions are append-only: a stored revision is never replaced'); END;
      `);
    },
  },
  {
    version: 11,
    name: 'people with roles (tokens stored as hashes only) and an audit log of who did what',
    up(db) {
      db.exec(`
        -- A name is active once at a time; a revoked person's row stays (the audit log names them).
        CREATE TABLE people (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('artist', 'lead', 'admin')),
          token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
          created_at TEXT NOT NULL,
          revoked_at TEXT
        ) STRICT;
        CREATE UNIQUE INDEX people_active_name ON people(name) WHERE revoked_at IS NULL;
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          who TEXT NOT NULL,
          role TEXT,
          method TEXT NOT NULL,
          target TEXT,
          outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
          detail TEXT
        ) STRICT;
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never changed'); END;
        CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never deleted'); END;
        CREATE TRIGGER audit_log_append_only_replace BEFORE INSERT ON audit_log
        WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never replaced'); END;
      `);
    },
  },
  {
    version: 12,
    name: "a workstation's sync with a hub: the hub's log cursor, the hub's head per workflow as last seen, and merges waiting for a person's choices",
    up(db) {
      db.exec(`
        -- One row per hub this data directory has synced with; the cursor is a position in the hub's revision log.
        CREATE TABLE sync_hubs (
          hub_url TEXT PRIMARY KEY,
          cursor INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
          last_sync_at TEXT
        ) STRICT;
        -- The hub's current revision of each workflow at the last sync: what the outbox is measured from.
        CREATE TABLE sync_heads (
          hub_url TEXT NOT NULL REFERENCES sync_hubs(hub_url),
          workflow_id TEXT NOT NULL,
          revision_id TEXT NOT NULL CHECK (length(revision_id) = 64),
          PRIMARY KEY (hub_url, workflow_id)
        ) STRICT;
        -- A merge with conflicts: the merge result (plain JSON), the choices made so far, and the
        -- three revisions it was made of. Resolved ones stay with the time they were saved.
        CREATE TABLE sync_conflicts (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          workflow_id TEXT NOT NULL,
          base_revision_id TEXT,
          mine_revision_id TEXT NOT NULL,
          theirs_revision_id TEXT NOT NULL,
          result_json TEXT NOT NULL CHECK (json_valid(result_json)),
          choices_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(choices_json)),
          created_at TEXT NOT NULL,
          resolved_at TEXT,
          resolved_revision_id TEXT
        ) STRICT;
        CREATE UNIQUE INDEX sync_conflicts_open ON sync_conflicts(workflow_id) WHERE resolved_at IS NULL;
      `);
    },
  },
  {
    version: 13,
    name: 'approvals follow content: a comparison and its reviews keep the content hash of the workflow revision that ran',
    up(db) {
      // A revision number is where a revision sits in one data directory's history; after sync the
      // same number can hold other content. The content hash says what was compared and approved.
      db.exec(`
        ALTER TABLE comparisons ADD COLUMN workflow_content_hash TEXT CHECK (workflow_content_hash IS NULL OR length(workflow_content_hash) = 64);
        UPDATE comparisons SET workflow_content_hash = (
          SELECT r.content_hash FROM workflow_revisions r WHERE r.workflow_id = comparisons.workflow_id AND r.revision = comparisons.workflow_revision
        );
        ALTER TABLE comparison_reviews ADD COLUMN content_hash TEXT CHECK (content_hash IS NULL OR length(content_hash) = 64);
        UPDATE comparison_reviews SET content_hash = (SELECT c.workflow_content_hash FROM comparisons c WHERE c.id = comparison_reviews.comparison_id);
      `);
    },
  },
  {
    version: 14,
    name: 'sync beyond workflows: the hub\'s append-only record log, what a workstation last exchanged per record, record conflicts, and summaries from other machines',
    up(db) {
      db.exec(`
        -- The hub's log of output types (with their legacy preset), mode changes, reviews, and run and
        -- comparison summaries, in the order it took them: workstations read it after a cursor.
        CREATE TABLE sync_records (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL CHECK (kind IN ('output_type', 'run', 'comparison', 'review', 'mode_change')),
          key TEXT NOT NULL,
          hash TEXT NOT NULL CHECK (length(hash) = 64),
          body_json TEXT NOT NULL CHECK (json_valid(body_json)),
          who TEXT,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX sync_records_key ON sync_records(kind, key, seq);
        CREATE TRIGGER sync_records_no_update BEFORE UPDATE ON sync_records BEGIN SELECT RAISE(ABORT, 'sync_records is append-only'); END;
        CREATE TRIGGER sync_records_no_delete BEFORE DELETE ON sync_records BEGIN SELECT RAISE(ABORT, 'sync_records is append-only'); END;
        -- A workstation's cursor in that log, per hub.
        ALTER TABLE sync_hubs ADD COLUMN record_cursor INTEGER NOT NULL DEFAULT 0 CHECK (record_cursor >= 0);
        -- Per hub, the hash of each record as last exchanged: a record whose hash differs is a local change to push.
        CREATE TABLE sync_record_marks (
          hub_url TEXT NOT NULL REFERENCES sync_hubs(hub_url),
          kind TEXT NOT NULL,
          key TEXT NOT NULL,
          hash TEXT NOT NULL CHECK (length(hash) = 64),
          PRIMARY KEY (hub_url, kind, key)
        ) STRICT;
        -- An output type changed here and on the hub since the last sync: the hub's version waits for a person.
        CREATE TABLE sync_record_conflicts (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          hub_url TEXT NOT NULL,
          kind TEXT NOT NULL,
          key TEXT NOT NULL,
          theirs_hash TEXT NOT NULL,
          theirs_json TEXT NOT NULL CHECK (json_valid(theirs_json)),
          created_at TEXT NOT NULL,
          resolved_at TEXT,
          take TEXT CHECK (take IS NULL OR take IN ('mine', 'theirs'))
        ) STRICT;
        CREATE UNIQUE INDEX sync_record_conflicts_open ON sync_record_conflicts(hub_url, kind, key) WHERE resolved_at IS NULL;
        -- Runs and comparisons made on another machine arrive as summaries: where they came from, and
        -- for a run its key image; nothing of them can be re-run or re-computed here.
        ALTER TABLE workflow_runs ADD COLUMN origin TEXT;
        ALTER TABLE workflow_runs ADD COLUMN summary_json TEXT CHECK (summary_json IS NULL OR json_valid(summary_json));
        ALTER TABLE comparisons ADD COLUMN origin TEXT;
      `);
    },
  },
  {
    version: 15,
    name: 'render agent tokens (stored as hashes only) and the render agents a controller has seen',
    up(db) {
      db.exec(`
        -- A name is active once at a time; a revoked token's row stays (the farm's history names it).
        -- expires_at: short-lived tokens (Slurm pilots); NULL never expires.
        CREATE TABLE farm_agent_tokens (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
          created_at TEXT NOT NULL,
          revoked_at TEXT,
          expires_at TEXT
        ) STRICT;
        CREATE UNIQUE INDEX farm_agent_tokens_active_name ON farm_agent_tokens(name) WHERE revoked_at IS NULL;
        -- What the controller last knew of each agent, so lightbox farm status in another process lists them.
        CREATE TABLE farm_agents (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          host TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('agent', 'pilot')),
          slurm_job_id TEXT,
          state TEXT NOT NULL,
          slots INTEGER NOT NULL,
          busy INTEGER NOT NULL,
          blender_version TEXT,
          tasks_done INTEGER NOT NULL,
          last_seen TEXT NOT NULL,
          current_tasks_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(current_tasks_json))
        ) STRICT;
      `);
    },
  },
  {
    version: 17,
    name: 'paged lists: indexes for newest-first keyset pages, their filters, and the per-row lookups of a page',
    up(db) {
      // Each list is read newest first by (time, id) from a cursor; a filter is a prefix of its index
      // so the page is a seek plus a short scan, never a sort of the whole history.
      db.exec(`
        CREATE INDEX IF NOT EXISTS orders_newest ON orders(created_at, id);
        CREATE INDEX IF NOT EXISTS order_lines_order_status ON order_lines(order_id, status, line_no);
        CREATE INDEX IF NOT EXISTS order_lines_cad ON order_lines(cad_file_id);
        CREATE INDEX IF NOT EXISTS order_lines_status_newest ON order_lines(status, created_at, id);
        CREATE INDEX IF NOT EXISTS workflow_runs_newest ON workflow_runs(started_at, id);
        CREATE INDEX IF NOT EXISTS workflow_runs_workflow_newest ON workflow_runs(workflow_id, started_at, id);
        DROP INDEX IF EXISTS workflow_runs_status;
        CREATE INDEX IF NOT EXISTS workflow_runs_status_newest ON workflow_runs(status, started_at, id);
        CREATE INDEX IF NOT EXISTS workflow_runs_cad ON workflow_runs(cad_file_id, started_at);
        CREATE INDEX IF NOT EXISTS workflow_runs_fallback ON workflow_runs(fallback_of) WHERE fallback_of IS NOT NULL;
        CREATE INDEX IF NOT EXISTS media_assets_newest ON media_assets(created_at, id);
        CREATE INDEX IF NOT EXISTS media_assets_line_newest ON media_assets(order_line_id, created_at, id);
        CREATE INDEX IF NOT EXISTS media_assets_run ON media_assets(run_id);
        CREATE INDEX IF NOT EXISTS cad_files_newest ON cad_files(created_at, id);
        CREATE INDEX IF NOT EXISTS cad_files_status_newest ON cad_files(status, created_at, id);
        CREATE INDEX IF NOT EXISTS notifications_newest ON notifications(created_at, id);
        CREATE INDEX IF NOT EXISTS notifications_line_newest ON notifications(order_line_id, created_at, id);
        CREATE INDEX IF NOT EXISTS notifications_state_newest ON notifications(state, created_at, id);
        CREATE INDEX IF NOT EXISTS render_logs_line ON render_logs(order_line_id, created_at);
        CREATE INDEX IF NOT EXISTS render_logs_run ON render_logs(run_id, created_at);
        CREATE INDEX IF NOT EXISTS comparisons_newest ON comparisons(created_at, id);
        CREATE INDEX IF NOT EXISTS comparisons_verdict_newest ON comparisons(verdict, created_at, id);
        CREATE INDEX IF NOT EXISTS comparisons_legacy_run ON comparisons(legacy_run_id);
        CREATE INDEX IF NOT EXISTS comparisons_shadow_run ON comparisons(shadow_run_id);
        CREATE INDEX IF NOT EXISTS mode_changes_newest ON mode_changes(created_at, id);
        CREATE INDEX IF NOT EXISTS mode_changes_target_newest ON mode_changes(target, created_at, id);
      `);
    },
  },
  {
    version: 18,
    name: "rollout gates: the studio's rules (error-rate window, shadow coverage, guard margin) and an output type's own",
    up(db) {
      db.exec(`
        -- scope '*' is the studio's default; otherwise an output type key. A NULL column inherits.
        CREATE TABLE rollout_rules (
          scope TEXT PRIMARY KEY,
          window_days INTEGER CHECK (window_days IS NULL OR window_days BETWEEN 1 AND 3650),
          window_runs INTEGER CHECK (window_runs IS NULL OR window_runs BETWEEN 1 AND 100000),
          min_passes INTEGER CHECK (min_passes IS NULL OR min_passes BETWEEN 1 AND 10000),
          min_cad_files INTEGER CHECK (min_cad_files IS NULL OR min_cad_files BETWEEN 1 AND 10000),
          guard_margin REAL CHECK (guard_margin IS NULL OR guard_margin BETWEEN 0 AND 1),
          who TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        -- Coverage counts distinct CAD files; a comparison synced from another machine has no order
        -- line here, so it carries the CAD file's content hash (one file is the same file everywhere).
        ALTER TABLE comparisons ADD COLUMN cad_file_sha256 TEXT CHECK (cad_file_sha256 IS NULL OR length(cad_file_sha256) = 64);
      `);
    },
  },
  {
    version: 19,
    name: 'review groups (issue 22): a lead decides a group of comparisons at once; openings and excuses of its differences',
    up(db) {
      db.exec(`
        -- A group is (output type, workflow, workflow content); its id is derived from those three.
        -- A decision covers the group's pending set at that moment (each also gets a comparison review).
        CREATE TABLE review_group_decisions (
          id TEXT PRIMARY KEY,
          group_id TEXT NOT NULL,
          output_type_key TEXT NOT NULL,
          workflow_id TEXT,
          workflow_content_hash TEXT,
          decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
          note TEXT NOT NULL,
          who TEXT NOT NULL,
          comparison_ids_json TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX review_group_decisions_group ON review_group_decisions(group_id, created_at);
        -- A warn or fail comparison must be opened (looked at) or excused before its group is approved.
        CREATE TABLE comparison_openings (
          comparison_id TEXT NOT NULL REFERENCES comparisons(id),
          who TEXT NOT NULL,
          opened_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX comparison_openings_comparison ON comparison_openings(comparison_id, opened_at);
        CREATE TABLE comparison_excuses (
          id TEXT PRIMARY KEY,
          comparison_id TEXT NOT NULL REFERENCES comparisons(id),
          reason TEXT NOT NULL,
          who TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX comparison_excuses_comparison ON comparison_excuses(comparison_id, created_at);
      `);
    },
  },
  {
    version: 21,
    name: 'text search at a year of history (issue 21): trigram FTS5 indexes of the searched columns, kept in step by triggers; order lines newest first',
    up(db) {
      // External-content FTS5 tables keyed by the table's rowid: the text is stored once, the index
      // holds its trigrams. A migration that rebuilds one of these tables (new rowids) must run
      // INSERT INTO <fts>(<fts>) VALUES ('rebuild') after it.
      const searched: [string, string[]][] = [
        ['order_lines', ['id', 'output_type_key']],
        ['workflow_runs', ['id', 'workflow_id', 'pipeline_key']],
        ['media_assets', ['file', 'format']],
        ['notifications', ['event', 'target']],
      ];
      for (const [table, columns] of searched) {
        const fts = `${table}_search`;
        const list = columns.join(', ');
        const values = (row: 'new' | 'old') => columns.map((c) => `${row}.${c}`).join(', ');
        db.exec(`
          CREATE VIRTUAL TABLE ${fts} USING fts5(${list}, content='${table}', content_rowid='rowid', tokenize='trigram');
          CREATE TRIGGER ${fts}_insert AFTER INSERT ON ${table} BEGIN
            INSERT INTO ${fts}(rowid, ${list}) VALUES (new.rowid, ${values('new')});
          END;
          CREATE TRIGGER ${fts}_delete AFTER DELETE ON ${table} BEGIN
            INSERT INTO ${fts}(${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')});
          END;
          CREATE TRIGGER ${fts}_update AFTER UPDATE OF ${list} ON ${table} BEGIN
            INSERT INTO ${fts}(${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')});
            INSERT INTO ${fts}(rowid, ${list}) VALUES (new.rowid, ${values('new')});
          END;
          INSERT INTO ${fts}(${fts}) VALUES ('rebuild');
        `);
      }
      // Every order's lines newest first (orders.lines without an order or a status) sorted the whole table.
      db.exec('CREATE INDEX order_lines_newest ON order_lines(created_at, id);');
    },
  },
  {
    version: 22,
    name: "review groups at a year of history (issue 21): each comparison keeps its group, worst pixel delta, CAD file and whether it was reviewed; groups, their revisions and CAD files are rolled up by triggers",
    up(db) {
      db.exec(`
        ALTER TABLE comparisons ADD COLUMN group_id TEXT;
        ALTER TABLE comparisons ADD COLUMN worst_delta REAL NOT NULL DEFAULT 0;
        ALTER TABLE comparisons ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1));
        -- Review order as one number: pending first, then fail, warn, pass, then the worst delta (0..1).
        ALTER TABLE comparisons ADD COLUMN concern REAL GENERATED ALWAYS AS ((1 - reviewed) * 8 + (CASE verdict WHEN 'fail' THEN 4 WHEN 'warn' THEN 2 ELSE 0 END) + min(worst_delta, 1)) VIRTUAL;
        ALTER TABLE comparisons ADD COLUMN difference INTEGER GENERATED ALWAYS AS (verdict <> 'pass') VIRTUAL;
        -- The CAD file a comparison rendered, kept with it (synced ones carried it already).
        UPDATE comparisons SET cad_file_sha256 = coalesce(
          (SELECT f.sha256 FROM order_lines l JOIN cad_files f ON f.id = l.cad_file_id WHERE l.id = comparisons.order_line_id), cad_file_sha256);
        UPDATE comparisons SET reviewed = EXISTS (SELECT 1 FROM comparison_reviews r WHERE r.comparison_id = comparisons.id);
      `);
      // Group ids and deltas are computed here as they were when this migration was written (frozen history).
      const set = db.prepare('UPDATE comparisons SET group_id = ?, worst_delta = ? WHERE id = ?');
      // In batches by rowid: a statement cannot write while another iterates, and a year's reports need not sit in memory at once.
      const batch = db.prepare<[number], { rowid: number; id: string; output_type_key: string; workflow_id: string | null; workflow_content_hash: string | null; report_json: string }>(
        'SELECT rowid, id, output_type_key, workflow_id, workflow_content_hash, report_json FROM comparisons WHERE rowid > ? ORDER BY rowid LIMIT 500',
      );
      for (let after = 0, rows = batch.all(after); rows.length > 0; rows = batch.all(after)) {
        for (const r of rows) {
          const key = reviewGroupKeyText({ outputTypeKey: r.output_type_key, workflowId: r.workflow_id, workflowContentHash: r.workflow_content_hash });
          const report = JSON.parse(r.report_json) as ComparisonReport;
          set.run(`g-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`, worstDelta(report), r.id);
        }
        after = (rows.at(-1) as { rowid: number }).rowid;
      }
      db.exec(`
        CREATE INDEX comparisons_group_concern ON comparisons(group_id, concern, id);
        CREATE INDEX comparisons_group_differences ON comparisons(group_id, difference, concern, id);
        CREATE INDEX comparisons_group_passes ON comparisons(group_id, verdict, cad_file_sha256, worst_delta, id);
        -- The rollout gates: passes of a workflow's content per output type, approved passes per workflow.
        CREATE INDEX comparisons_coverage ON comparisons(output_type_key, workflow_id, verdict, workflow_content_hash, workflow_revision, cad_file_sha256);
        CREATE INDEX comparisons_workflow_verdict ON comparisons(workflow_id, verdict, created_at);
        -- One row per review group: its counts and pending counts by verdict and its newest comparison,
        -- so the groups page reads a page of groups, not their comparisons.
        CREATE TABLE review_groups (
          id TEXT PRIMARY KEY,
          output_type_key TEXT NOT NULL,
          workflow_id TEXT,
          workflow_content_hash TEXT,
          pass INTEGER NOT NULL DEFAULT 0,
          warn INTEGER NOT NULL DEFAULT 0,
          fail INTEGER NOT NULL DEFAULT 0,
          pending_pass INTEGER NOT NULL DEFAULT 0,
          pending_warn INTEGER NOT NULL DEFAULT 0,
          pending_fail INTEGER NOT NULL DEFAULT 0,
          last_at TEXT NOT NULL,
          -- The list's order: groups awaiting a decision first, then the newest activity.
          sort_key TEXT GENERATED ALWAYS AS ((CASE WHEN pending_pass + pending_warn + pending_fail > 0 THEN '1' ELSE '0' END) || last_at) VIRTUAL
        ) STRICT;
        CREATE INDEX review_groups_order ON review_groups(sort_key, id);
        CREATE INDEX review_groups_output_type ON review_groups(output_type_key, sort_key, id);
        CREATE TABLE review_group_revisions (
          group_id TEXT NOT NULL,
          revision INTEGER NOT NULL,
          PRIMARY KEY (group_id, revision)
        ) STRICT, WITHOUT ROWID;
        -- The CAD files of a group ('' when unknown) and each one's worst passing delta (the contact sheet's strata).
        CREATE TABLE review_group_cad_files (
          group_id TEXT NOT NULL,
          cad_file_sha256 TEXT NOT NULL,
          worst_pass REAL,
          PRIMARY KEY (group_id, cad_file_sha256)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX review_group_cad_files_worst ON review_group_cad_files(group_id, worst_pass);

        INSERT INTO review_groups (id, output_type_key, workflow_id, workflow_content_hash, pass, warn, fail, pending_pass, pending_warn, pending_fail, last_at)
          SELECT group_id, output_type_key, workflow_id, workflow_content_hash,
            sum(verdict = 'pass'), sum(verdict = 'warn'), sum(verdict = 'fail'),
            sum(verdict = 'pass' AND reviewed = 0), sum(verdict = 'warn' AND reviewed = 0), sum(verdict = 'fail' AND reviewed = 0),
            max(created_at)
          FROM comparisons GROUP BY group_id;
        INSERT INTO review_group_revisions SELECT DISTINCT group_id, workflow_revision FROM comparisons WHERE workflow_revision IS NOT NULL;
        INSERT INTO review_group_cad_files
          SELECT group_id, coalesce(cad_file_sha256, ''), max(CASE WHEN verdict = 'pass' THEN worst_delta END) FROM comparisons GROUP BY group_id, coalesce(cad_file_sha256, '');

        CREATE TRIGGER comparisons_rollup_insert AFTER INSERT ON comparisons WHEN new.group_id IS NOT NULL BEGIN
          INSERT INTO review_groups (id, output_type_key, workflow_id, workflow_content_hash, last_at)
            VALUES (new.group_id, new.output_type_key, new.workflow_id, new.workflow_content_hash, new.created_at)
            ON CONFLICT (id) DO NOTHING;
          UPDATE review_groups SET
            pass = pass + (new.verdict = 'pass'), warn = warn + (new.verdict = 'warn'), fail = fail + (new.verdict = 'fail'),
            pending_pass = pending_pass + (new.verdict = 'pass' AND new.reviewed = 0),
            pending_warn = pending_warn + (new.verdict = 'warn' AND new.reviewed = 0),
            pending_fail = pending_fail + (new.verdict = 'fail' AND new.reviewed = 0),
            last_at = max(last_at, new.created_at)
          WHERE id = new.group_id;
          INSERT OR IGNORE INTO review_group_revisions SELECT new.group_id, new.workflow_revision WHERE new.workflow_revision IS NOT NULL;
          INSERT INTO review_group_cad_files (group_id, cad_file_sha256, worst_pass)
            VALUES (new.group_id, coalesce(new.cad_file_sha256, ''), CASE WHEN new.verdict = 'pass' THEN new.worst_delta END)
            ON CONFLICT (group_id, cad_file_sha256) DO UPDATE SET worst_pass =
              CASE WHEN excluded.worst_pass IS NULL THEN worst_pass WHEN worst_pass IS NULL THEN excluded.worst_pass ELSE max(worst_pass, excluded.worst_pass) END;
        END;
        -- A comparison's first review takes it out of its group's pending set.
        CREATE TRIGGER comparison_reviews_mark_reviewed AFTER INSERT ON comparison_reviews BEGIN
          UPDATE comparisons SET reviewed = 1 WHERE id = new.comparison_id AND reviewed = 0;
        END;
        CREATE TRIGGER comparisons_rollup_reviewed AFTER UPDATE OF reviewed ON comparisons WHEN old.reviewed = 0 AND new.reviewed = 1 AND new.group_id IS NOT NULL BEGIN
          UPDATE review_groups SET
            pending_pass = pending_pass - (new.verdict = 'pass'),
            pending_warn = pending_warn - (new.verdict = 'warn'),
            pending_fail = pending_fail - (new.verdict = 'fail')
          WHERE id = new.group_id;
        END;
      `);
    },
  },
  {
    version: 23,
    name: 'sync reads on from how far each made-once kind of record was exchanged, not every key of the history (issue 21)',
    up(db) {
      db.exec(`
        CREATE TABLE sync_watermarks (
          scope TEXT NOT NULL,
          kind TEXT NOT NULL,
          seq INTEGER NOT NULL,
          key TEXT NOT NULL,
          PRIMARY KEY (scope, kind)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = migrations.at(-1)?.version ?? 0;
