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
  };
}

export type SyncState = ReturnType<typeof createSyncState>;

interface OpenRow {
  id: number;
  workflow_id: string;
  base_revision_id: string | null;
  mine_revision_id: string;
  theirs_revision_id: string;
  result_json: string;
  choices_json: string;
}
