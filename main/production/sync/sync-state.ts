import type Database from 'better-sqlite3';
import type { MergeResult, Side } from '../../catalog/workflows/merge/merge-workflows';

export interface OpenMerge {
  rowId: number;
  workflowId: string;
  baseRevisionId: string | null;
  mineRevisionId: string;
  theirsRevisionId: string;
  result: MergeResult;
  /** Choices made by a person since the result was computed, by conflict id. */
  choices: Record<string, Side>;
}

/** A workstation's sync bookkeeping (migration 12): per hub its cursor and heads, and merges waiting for choices. */
export function createSyncState(db: Database.Database) {
  const stmts = {
    hub: db.prepare<[string], { cursor: number; last_sync_at: string | null }>('SELECT cursor, last_sync_at FROM sync_hubs WHERE hub_url = ?'),
    lastHub: db.prepare<[], { hub_url: string; last_sync_at: string | null }>('SELECT hub_url, last_sync_at FROM sync_hubs ORDER BY last_sync_at DESC NULLS LAST, rowid DESC LIMIT 1'),
    ensureHub: db.prepare('INSERT INTO sync_hubs (hub_url) VALUES (?) ON CONFLICT (hub_url) DO NOTHING'),
    setCursor: db.prepare('UPDATE sync_hubs SET cursor = ?, last_sync_at = ? WHERE hub_url = ?'),
    heads: db.prepare<[string], { workflow_id: string; revision_id: string }>('SELECT workflow_id, revision_id FROM sync_heads WHERE hub_url = ?'),
    setHead: db.prepare(
      'INSERT INTO sync_heads (hub_url, workflow_id, revision_id) VALUES (?, ?, ?) ON CONFLICT (hub_url, workflow_id) DO UPDATE SET revision_id = excluded.revision_id',
    ),
    open: db.prepare<[], OpenRow>('SELECT * FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY workflow_id'),
    openFor: db.prepare<[string], OpenRow>('SELECT * FROM sync_conflicts WHERE resolved_at IS NULL AND workflow_id = ?'),
    insert: db.prepare(
      `INSERT INTO sync_conflicts (workflow_id, base_revision_id, mine_revision_id, theirs_revision_id, result_json, choices_json, created_at)
       VALUES (@workflowId, @baseRevisionId, @mineRevisionId, @theirsRevisionId, @resultJson, @choicesJson, @now)`,
    ),
    update: db.prepare('UPDATE sync_conflicts SET result_json = ?, choices_json = ? WHERE id = ?'),
    close: db.prepare('UPDATE sync_conflicts SET resolved_at = ?, resolved_revision_id = ? WHERE id = ?'),
    recordCursor: db.prepare<[string], { record_cursor: number }>('SELECT record_cursor FROM sync_hubs WHERE hub_url = ?'),
    setRecordCursor: db.prepare('UPDATE sync_hubs SET record_cursor = ? WHERE hub_url = ?'),
    mark: db.prepare<[string, string, string], { hash: string }>('SELECT hash FROM sync_record_marks WHERE hub_url = ? AND kind = ? AND key = ?'),
    setMark: db.prepare(
      'INSERT INTO sync_record_marks (hub_url, kind, key, hash) VALUES (?, ?, ?, ?) ON CONFLICT (hub_url, kind, key) DO UPDATE SET hash = excluded.hash',
    ),
    marksOf: db.prepare<[string, string], { key: string; hash: string }>('SELECT key, hash FROM sync_record_marks WHERE hub_url = ? AND kind = ?'),
    openRecordConflicts: db.prepare<[string], RecordConflictRow>('SELECT * FROM sync_record_conflicts WHERE hub_url = ? AND resolved_at IS NULL ORDER BY kind, key'),
    storeRecordConflict: db.prepare(
      `INSERT INTO sync_record_conflicts (hub_url, kind, key, theirs_hash, theirs_json, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (hub_url, kind, key) WHERE resolved_at IS NULL DO UPDATE SET theirs_hash = excluded.theirs_hash, theirs_json = excluded.theirs_json`,
    ),
    closeRecordConflict: db.prepare('UPDATE sync_record_conflicts SET resolved_at = ?, take = ? WHERE id = ?'),
  };
  const toOpen = (row: OpenRow): OpenMerge => ({
    rowId: row.id,
    workflowId: row.workflow_id,
    baseRevisionId: row.base_revision_id,
    mineRevisionId: row.mine_revision_id,
    theirsRevisionId: row.theirs_revision_id,
    result: JSON.parse(row.result_json) as MergeResult,
    choices: JSON.parse(row.choices_json) as Record<string, Side>,
  });
  const now = () => new Date().toISOString();

  return {
    hub(url: string) {
      stmts.ensureHub.run(url);
      const row = stmts.hub.get(url) as { cursor: number; last_sync_at: string | null };
      const heads = Object.fromEntries(stmts.heads.all(url).map((h) => [h.workflow_id, h.revision_id]));
      return { cursor: row.cursor, lastSyncAt: row.last_sync_at, heads: heads as Record<string, string> };
    },
    /** The hub synced with most recently (for a status without a URL). */
    lastHub(): { url: string; lastSyncAt: string | null } | undefined {
      const row = stmts.lastHub.get();
      return row ? { url: row.hub_url, lastSyncAt: row.last_sync_at } : undefined;
    },
    heads(url: string): Record<string, string> {
      return Object.fromEntries(stmts.heads.all(url).map((h) => [h.workflow_id, h.revision_id]));
    },
    recordSync: db.transaction((url: string, cursor: number, heads: Record<string, string>) => {
      stmts.ensureHub.run(url);
      stmts.setCursor.run(cursor, now(), url);
      for (const [workflowId, revisionId] of Object.entries(heads)) stmts.setHead.run(url, workflowId, revisionId);
    }),
    openMerges: (): OpenMerge[] => stmts.open.all().map(toOpen),
    openMerge: (workflowId: string): OpenMerge | undefined => {
      const row = stmts.openFor.get(workflowId);
      return row ? toOpen(row) : undefined;
    },
    /** Replaces the workflow's open merge (a superseded one is closed without a revision). */
    storeMerge: db.transaction((merge: Omit<OpenMerge, 'rowId'>) => {
      const old = stmts.openFor.get(merge.workflowId);
      if (old) stmts.close.run(now(), null, old.id);
      stmts.insert.run({
        workflowId: merge.workflowId,
        baseRevisionId: merge.baseRevisionId,
        mineRevisionId: merge.mineRevisionId,
        theirsRevisionId: merge.theirsRevisionId,
        resultJson: JSON.stringify(merge.result),
        choicesJson: JSON.stringify(merge.choices),
        now: now(),
      });
    }),
    updateMerge(rowId: number, result: MergeResult, choices: Record<string, Side>) {
      stmts.update.run(JSON.stringify(result), JSON.stringify(choices), rowId);
    },
    closeMerge(rowId: number, revisionId: string | null) {
      stmts.close.run(now(), revisionId, rowId);
    },

    recordCursor: (url: string): number => stmts.recordCursor.get(url)?.record_cursor ?? 0,
    setRecordCursor(url: string, cursor: number) {
      stmts.ensureHub.run(url);
      stmts.setRecordCursor.run(cursor, url);
    },
    /** The hash of a record as last exchanged with the hub (sent or received). */
    mark: (url: string, kind: string, key: string): string | undefined => stmts.mark.get(url, kind, key)?.hash,
    /** Every mark of one kind, by key (one query for a whole kind). */
    marksOf: (url: string, kind: string): Map<string, string> => new Map(stmts.marksOf.all(url, kind).map((m) => [m.key, m.hash])),
    setMark(url: string, kind: string, key: string, hash: string) {
      stmts.ensureHub.run(url);
      stmts.setMark.run(url, kind, key, hash);
    },
    openRecordConflicts: (url: string): RecordConflict[] =>
      stmts.openRecordConflicts.all(url).map((r) => ({ id: r.id, kind: r.kind, key: r.key, theirsHash: r.theirs_hash, theirs: JSON.parse(r.theirs_json) as Record<string, unknown> })),
    storeRecordConflict(url: string, kind: string, key: string, theirsHash: string, theirs: Record<string, unknown>) {
      stmts.storeRecordConflict.run(url, kind, key, theirsHash, JSON.stringify(theirs), now());
    },
    closeRecordConflict(id: number, take: 'mine' | 'theirs') {
      stmts.closeRecordConflict.run(now(), take, id);
    },
  };
}

export type SyncState = ReturnType<typeof createSyncState>;

/** A record changed here and on the hub since the last sync: the hub's version, waiting for a person. */
export interface RecordConflict {
  id: number;
  kind: string;
  key: string;
  theirsHash: string;
  theirs: Record<string, unknown>;
}

interface RecordConflictRow {
  id: number;
  kind: string;
  key: string;
  theirs_hash: string;
  theirs_json: string;
}

interface OpenRow {
  id: number;
  workflow_id: string;
  base_revision_id: string | null;
  mine_revision_id: string;
  theirs_revision_id: string;
  result_json: string;
  choices_json: string;
}
