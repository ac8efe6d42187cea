import type Database from 'better-sqlite3';
import type { KeyAfter, RecordKind } from '../../platform/sync-records/record-kind';

const PAGE = 1_000;

/**
 * How far each made-once kind of record is done, per scope (a hub URL on a workstation: exchanged
 * with that hub; HUB_LOG on a hub: in its own log), so a sync reads only what came after (issue 21:
 * a year's runs are tens of thousands of keys). The mark is a rowid with the key it was, checked
 * before use: should the rowids ever be renumbered (a VACUUM), the walk starts over from the first
 * row, which is only slower.
 */
export function createWatermarks(db: Database.Database) {
  const q = {
    get: db.prepare<[string, string], { seq: number; key: string }>('SELECT seq, key FROM sync_watermarks WHERE scope = ? AND kind = ?'),
    set: db.prepare('INSERT INTO sync_watermarks (scope, kind, seq, key) VALUES (?, ?, ?, ?) ON CONFLICT (scope, kind) DO UPDATE SET seq = excluded.seq, key = excluded.key'),
  };

  /** Where a kind's walk starts in a scope: after its mark, when the mark still names the same row. */
  const start = (scope: string, kind: RecordKind & Required<Pick<RecordKind, 'keysAfter'>>): number => {
    const mark = q.get.get(scope, kind.kind);
    if (!mark) return 0;
    const [row] = kind.keysAfter(mark.seq - 1, 1);
    return row && row.seq === mark.seq && row.key === mark.key ? mark.seq : 0;
  };

  /** The rows after the start, a page at a time. */
  function* rowsAfter(kind: RecordKind & Required<Pick<RecordKind, 'keysAfter'>>, from: number): Generator<KeyAfter> {
    for (let seq = from; ; ) {
      const rows = kind.keysAfter(seq, PAGE);
      yield* rows;
      if (rows.length < PAGE) return;
      seq = (rows.at(-1) as KeyAfter).seq;
    }
  }

  return {
    /** Whether sync can walk this kind from a mark (made once, with keysAfter). */
    walks: (kind: RecordKind): kind is RecordKind & Required<Pick<RecordKind, 'keysAfter'>> => !kind.mutable && kind.keysAfter !== undefined,
    /** The rows after the scope's mark of the kind. */
    pending: (scope: string, kind: RecordKind & Required<Pick<RecordKind, 'keysAfter'>>): Generator<KeyAfter> => rowsAfter(kind, start(scope, kind)),
    /**
     * One pass over the rows after the mark: `visit` each, and move the mark past every leading row
     * it answered done for (the first one not done holds it).
     */
    async visit(scope: string, kind: RecordKind & Required<Pick<RecordKind, 'keysAfter'>>, visit: (row: KeyAfter) => Promise<boolean>): Promise<void> {
      let last: KeyAfter | undefined;
      let leading = true;
      for (const row of rowsAfter(kind, start(scope, kind))) {
        const done = await visit(row);
        if (!done) leading = false;
        if (leading) last = row;
      }
      if (last) q.set.run(scope, kind.kind, last.seq, last.key);
    },
    /** Moves the mark past every leading row that is `done`; it stops at the first that is not (sent next time). */
    advance(scope: string, kind: RecordKind & Required<Pick<RecordKind, 'keysAfter'>>, done: (row: KeyAfter) => boolean): void {
      let last: KeyAfter | undefined;
      for (const row of rowsAfter(kind, start(scope, kind))) {
        if (!done(row)) break;
        last = row;
      }
      if (last) q.set.run(scope, kind.kind, last.seq, last.key);
    },
  };
}

/** The scope of a hub's own records: how far they are in its log. */
export const HUB_LOG = '(hub log)';

export type Watermarks = ReturnType<typeof createWatermarks>;
