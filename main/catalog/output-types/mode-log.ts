import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { ModeChangeSchema } from '../../../shared/rollout/api';
import type { ExecutionMode } from '../../../shared/workflow/document';
import type { Page } from '../../../shared/paging/page';
import { keysetPage, searchClause, type KeysetQuery } from '../../platform/db/keyset-page';

export interface ModeLogPageQuery {
  /** Changes of these targets only (output type keys, workflow ids). */
  targets?: string[] | undefined;
  /** Changes of output types only, or of workflows only. */
  targetKind?: 'output_type' | 'workflow' | undefined;
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The keyset query of a page of the log, newest first (exported for EXPLAIN QUERY PLAN in tests); search: target, reason, who. */
export function modeLogPageQuery(query: ModeLogPageQuery): KeysetQuery<Record<string, unknown>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.targets?.length) {
    where.push(`target IN (${query.targets.map(() => '?').join(',')})`);
    params.push(...query.targets);
  }
  if (query.targetKind) {
    // No index leads with the kind: the log is short (people's decisions), and the newest-first scan stops at the page's end.
    where.push('target_kind = ?');
    params.push(query.targetKind);
  }
  const search = searchClause(['target', 'reason', 'who'], query.q);
  if (search) {
    where.push(search.sql);
    params.push(...search.params);
  }
  return { list: 'rollout.log', select: 'SELECT * FROM mode_changes', where, params, sortBy: ['created_at', 'id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at as string, r.id as string] };
}

const toChange = (c: Record<string, unknown>): ModeChange => ({
  id: c.id as string,
  targetKind: c.target_kind as ModeChange['targetKind'],
  target: c.target as string,
  fromMode: (c.from_mode as ExecutionMode | null) ?? null,
  toMode: c.to_mode as ExecutionMode,
  reason: (c.reason as string | null) ?? null,
  override: c.override === 1,
  comparisonId: (c.comparison_id as string | null) ?? null,
  who: c.who as string,
  createdAt: c.created_at as string,
});

export type ModeChange = z.infer<typeof ModeChangeSchema>;

const INTO_MODE_CHANGES = `INTO mode_changes (id, target_kind, target, from_mode, to_mode, reason, override, comparison_id, who, created_at)
  VALUES (@id, @targetKind, @target, @fromMode, @toMode, @reason, @override, @comparisonId, @who, @createdAt)`;

/**
 * The log of execution-mode changes (mode_changes): who changed what, from what, and why.
 * Only the output-type store uses it; everyone else appends and reads through the store.
 */
export function modeLog(db: Database.Database) {
  const q = {
    insert: db.prepare(`INSERT ${INTO_MODE_CHANGES}`),
    has: db.prepare<[string], { id: string }>('SELECT id FROM mode_changes WHERE id = ?'),
    get: db.prepare<[string], Record<string, unknown>>('SELECT * FROM mode_changes WHERE id = ?'),
    ids: db.prepare<[], { id: string }>('SELECT id FROM mode_changes ORDER BY created_at, rowid'),
    idsAfter: db.prepare<[number, number], { seq: number; id: string }>('SELECT rowid AS seq, id FROM mode_changes WHERE rowid > ? ORDER BY rowid LIMIT ?'),
    // The newest change of either target to a mode: one seek per target on mode_changes_target_newest.
    lastTo: db.prepare<[string, string, string], { created_at: string }>(
      `SELECT created_at FROM mode_changes WHERE target IN (?, ?) AND to_mode = ? ORDER BY created_at DESC LIMIT 1`,
    ),
    // A change made on another machine keeps its id and time; one already here is not taken twice.
    insertSynced: db.prepare(`INSERT OR IGNORE ${INTO_MODE_CHANGES}`),
  };
  return {
    append(change: Omit<ModeChange, 'id' | 'createdAt'>): ModeChange {
      const full = { ...change, id: crypto.randomUUID(), createdAt: new Date().toISOString() };
      q.insert.run({ ...full, override: full.override ? 1 : 0 });
      return full;
    },
    has: (id: string): boolean => q.has.get(id) !== undefined,
    /** A change as it was logged on another machine (sync), with its own id and time. */
    appendSynced(change: ModeChange): void {
      q.insertSynced.run({ ...change, override: change.override ? 1 : 0 });
    },
    /** A page of the log, newest first. */
    page(query: ModeLogPageQuery): Page<ModeChange> {
      const { rows, nextCursor } = keysetPage(db, modeLogPageQuery(query));
      return { items: rows.map(toChange), nextCursor };
    },
    /** The newest `n` changes. */
    latest: (n: number): ModeChange[] => db.prepare<[number], Record<string, unknown>>('SELECT * FROM mode_changes ORDER BY created_at DESC, id DESC LIMIT ?').all(n).map(toChange),
    get(id: string): ModeChange | undefined {
      const row = q.get.get(id);
      return row ? toChange(row) : undefined;
    },
    /** Every change's id, oldest first (what sync offers). */
    ids: (): string[] => q.ids.all().map((r) => r.id),
    /** Changes stored after `seq` (rowid), in that order (sync reads on from there). */
    idsAfter: (seq: number, limit: number) => q.idsAfter.all(seq, limit).map((r) => ({ key: r.id, seq: r.seq, ready: true })),
    /** When either target was last changed to `mode` (null: never). */
    lastChangeTo: (mode: ExecutionMode, targets: [string, string]): string | null => q.lastTo.get(targets[0], targets[1], mode)?.created_at ?? null,
  };
}
