import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { ModeChangeSchema } from '../../../shared/rollout/api';

type ModeChange = z.infer<typeof ModeChangeSchema>;

/** Appends to the log of execution-mode changes (mode_changes): who changed what, from what, and why. */
export function modeLog(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO mode_changes (id, target_kind, target, from_mode, to_mode, reason, override, comparison_id, who, created_at)
     VALUES (@id, @targetKind, @target, @fromMode, @toMode, @reason, @override, @comparisonId, @who, @createdAt)`,
  );
  return (change: Omit<ModeChange, 'id' | 'createdAt'>): ModeChange => {
    const full = { ...change, id: crypto.randomUUID(), createdAt: new Date().toISOString() };
    insert.run({ ...full, override: full.override ? 1 : 0 });
    return full;
  };
}
