import type Database from 'better-sqlite3';
import type { Role } from './roles';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

export interface AuditEntry {
  id: number;
  at: string;
  /** The person's name; for a call without a working token, how it was refused ("(no token)"). */
  who: string;
  role: Role | null;
  method: string;
  /** What the call was about (a workflow id, an output type key…), when it names one. */
  target: string | null;
  outcome: AuditOutcome;
  /** The rule in words for a denial, the error for a failure; never a token or an input. */
  detail: string | null;
}

export type AuditRecord = Omit<AuditEntry, 'id' | 'at' | 'role' | 'target' | 'detail'> & Partial<Pick<AuditEntry, 'role' | 'target' | 'detail'>>;

export interface AuditLog {
  record(entry: AuditRecord): AuditEntry;
  /** Newest first. */
  list(filter?: { who?: string; method?: string; limit?: number }): AuditEntry[];
}

/**
 * Who did what, when, to what (table `audit_log`, migration 11; triggers keep it append-only).
 * The hub records every change and every refusal; reads need not be.
 */
export function createAuditLog(db: Database.Database, options: { now?: () => Date } = {}): AuditLog {
  const clock = options.now ?? (() => new Date());
  const insert = db.prepare('INSERT INTO audit_log (at, who, role, method, target, outcome, detail) VALUES (@at, @who, @role, @method, @target, @outcome, @detail)');
  const select = db.prepare<{ who: string | null; method: string | null; limit: number }, AuditEntry>(
    `SELECT id, at, who, role, method, target, outcome, detail FROM audit_log
     WHERE (@who IS NULL OR who = @who) AND (@method IS NULL OR method = @method)
     ORDER BY id DESC LIMIT @limit`,
  );
  return {
    record(entry) {
      const row = { at: clock().toISOString(), who: entry.who, role: entry.role ?? null, method: entry.method, target: entry.target ?? null, outcome: entry.outcome, detail: entry.detail ?? null };
      const id = Number(insert.run(row).lastInsertRowid);
      return { id, ...row };
    },
    list(filter = {}) {
      return select.all({ who: filter.who ?? null, method: filter.method ?? null, limit: Math.max(1, Math.min(filter.limit ?? 1000, 100_000)) });
    },
  };
}

/** The keys a contract input names its subject by, most specific first. */
const TARGET_KEYS = ['id', 'key', 'target', 'workflowId', 'runId', 'orderLineId', 'uploadId', 'outputTypeKey', 'comparisonId', 'name'] as const;

/**
 * What a call is about, for the audit log: the first id-like field of its input (a saved
 * document's id for workflows.save). Only short strings, so a document or a chunk of a file
 * never ends up in the log.
 */
export function auditTarget(input: unknown): string | null {
  if (input === null || typeof input !== 'object') return null;
  const record = input as Record<string, unknown>;
  const document = record.document;
  const candidates = [...TARGET_KEYS.map((k) => record[k]), document !== null && typeof document === 'object' ? (document as Record<string, unknown>).id : undefined];
  const found = candidates.find((v): v is string | number => (typeof v === 'string' && v.length > 0 && v.length <= 200) || typeof v === 'number');
  return found === undefined ? null : String(found);
}
