import type Database from 'better-sqlite3';
import type { SyncRecord, SyncRecordKind } from '../../../shared/sync/api';
import type { RecordBody } from '../../platform/sync-records/record-kind';

/**
 * The hub's append-only log of records (migration 14): every output type state, mode change,
 * review and run or comparison summary it took, in order, with who pushed it. Workstations read it
 * after a cursor, as they read the revision log.
 */
export function createRecordLog(db: Database.Database) {
  const q = {
    append: db.prepare('INSERT INTO sync_records (kind, key, hash, body_json, who, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    after: db.prepare<[number, number], { seq: number; kind: SyncRecordKind; key: string; hash: string; body_json: string; who: string | null }>(
      'SELECT seq, kind, key, hash, body_json, who FROM sync_records WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    latest: db.prepare<[string, string], { hash: string }>('SELECT hash FROM sync_records WHERE kind = ? AND key = ? ORDER BY seq DESC LIMIT 1'),
    end: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM sync_records'),
  };
  return {
    append(kind: SyncRecordKind, key: string, hash: string, body: RecordBody, who: string | null): void {
      q.append.run(kind, key, hash, JSON.stringify(body), who, new Date().toISOString());
    },
    after(cursor: number, limit: number): { seq: number; record: SyncRecord }[] {
      return q.after.all(cursor, limit).map((r) => ({ seq: r.seq, record: { kind: r.kind, key: r.key, hash: r.hash, body: JSON.parse(r.body_json) as RecordBody, who: r.who } }));
    },
    /** The hash of the key's latest record, if the log has one. */
    latestHash: (kind: SyncRecordKind, key: string): string | undefined => q.latest.get(kind, key)?.hash,
    end: (): number => q.end.get()?.seq ?? 0,
  };
}

export type RecordLog = ReturnType<typeof createRecordLog>;
