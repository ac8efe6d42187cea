import { createHash } from 'node:crypto';
import type { SyncRecordKind } from '../../../shared/sync/api';
import { canonicalJson } from '../../../shared/workflow/content';

export type RecordBody = Record<string, unknown>;

/**
 * One kind of thing sync moves besides workflow revisions (issue 17 item 3). Each is implemented
 * beside its own store (output types in catalog, runs in production, comparisons and reviews in
 * review) and handed to sync by the composition root, so sync never writes another store's tables.
 *
 * `mutable` kinds (output types) change in place: a change made here and on the hub since the last
 * sync is a conflict for a person. The others are made once and never change: a key seen is done.
 */
export interface RecordKind {
  readonly kind: SyncRecordKind;
  readonly mutable: boolean;
  /** Keys of the records made on this machine (not the ones received from elsewhere), oldest first. */
  keys(): string[];
  /** The record as it crosses machines (local ids translated to ones every machine shares). */
  body(key: string): RecordBody | undefined | Promise<RecordBody | undefined>;
  /** Whether a record with this key is stored here, made here or received. */
  has(key: string): boolean;
  /**
   * Stores a record made elsewhere (`origin`: who or where it came from). Throws ApiFailure naming
   * the body's field for a bad body or a reference not stored here (a revision, a run).
   */
  apply(key: string, body: RecordBody, origin: string): void;
  /** The rule a hub applies to a pushed record, given its current body of that key: null when any author may. */
  leadNeededFor(body: RecordBody, current: RecordBody | undefined): string | null;
  /**
   * Made-once kinds: the keys of `keys()` stored after `seq` (the table's rowid), in that order,
   * with whether each may go yet (a run still running may not). Sync keeps how far everything was
   * exchanged and reads on from there, instead of listing every key of the history at each sync.
   */
  keysAfter?(seq: number, limit: number): KeyAfter[];
}

export interface KeyAfter {
  key: string;
  seq: number;
  ready: boolean;
}

export const recordHash = (body: RecordBody): string => createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');

/** Push and pull order: what a record refers to travels before it. */
export const RECORD_ORDER: readonly SyncRecordKind[] = ['output_type', 'run', 'comparison', 'review', 'mode_change'];
