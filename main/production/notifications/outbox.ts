import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import type { Notification } from '../../../shared/notifications/api';
import type { Page } from '../../../shared/paging/page';
import { keysetPage, type KeysetQuery } from '../../platform/db/keyset-page';

type Channel = Notification['channel'];
type State = Notification['state'];

export interface NotificationOutboxOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  /** Per webhook request (headers and all). */
  timeoutMs?: number;
  /** Attempts before a retryable failure becomes 'failed'. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled per attempt, capped at one hour. */
  baseDelayMs?: number;
  /** Rows delivered at the same time by one round. */
  concurrency?: number;
  /**
   * Rows one background round takes; a full round is followed by the next after a short pause.
   * A backlog (a year of webhooks to an endpoint that is down) is worked through in slices, so
   * the process that delivers (the app, the host) keeps answering between them.
   */
  roundRows?: number;
  /** Shows a desktop notification; true = shown. Absent (CLI) = desktop rows wait for the app. */
  onDesktop?: (notification: Notification) => boolean;
}

export interface EnqueueInput {
  idempotencyKey: string;
  channel: Channel;
  event: string;
  target?: string | null;
  payload: Record<string, unknown>;
  orderLineId?: string | null;
  runId?: string | null;
}

export interface NotificationFilter {
  orderLineId?: string;
  state?: State;
  channel?: Channel;
}

export interface NotificationsPageQuery extends NotificationFilter {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The keyset query of a page of the outbox, newest first (exported for EXPLAIN QUERY PLAN in tests). */
export function notificationsPageQuery(query: NotificationsPageQuery): KeysetQuery<Row> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [clause, value] of [['order_line_id = ?', query.orderLineId], ['state = ?', query.state], ['channel = ?', query.channel]] as const) {
    if (value === undefined) continue;
    where.push(clause);
    params.push(value);
  }
  const search = query.q ? { table: 'notifications', rowid: 'notifications.rowid', fts: 'notifications_search', columns: ['event', 'target'], text: query.q } : undefined;
  return { list: 'notifications.list', select: 'SELECT * FROM notifications', where, params, sortBy: ['created_at', 'id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at, r.id], search };
}

export interface DeliveryCounts {
  delivered: number;
  retried: number;
  failed: number;
}

export interface NotificationOutbox {
  /** Synchronous, so it can run inside the caller's db.transaction. A known key answers the stored row. */
  enqueue(input: EnqueueInput): { notification: Notification; created: boolean };
  /** Every record matching: for the dispatcher and tests (one line's are few); lists use page(). */
  list(filter?: NotificationFilter): Notification[];
  page(query: NotificationsPageQuery): Page<Notification>;
  get(id: string): Notification | undefined;
  /** Delivers every due pending row; never throws. */
  deliverDue(): Promise<DeliveryCounts>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
  /** One round, cut off at the deadline (requests still open are aborted and retried later). */
  flush(timeoutMs: number): Promise<void>;
}

interface Row {
  id: string;
  idempotency_key: string;
  channel: Channel;
  event: string;
  target: string | null;
  payload_json: string;
  order_line_id: string | null;
  run_id: string | null;
  state: State;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

type Outcome = { kind: 'delivered' } | { kind: 'retry'; error: string } | { kind: 'failed'; error: string } | { kind: 'untouched' };

const MAX_DELAY_MS = 60 * 60 * 1000;
/** Between two full background rounds: a backlog goes on at once, with room for other work. */
const BACKLOG_PAUSE_MS = 50;

/**
 * A claimed row's next_attempt_at is pushed this far past the request timeout, so another process
 * sharing the database (CLI beside the app) does not pick it up while it is in flight. If this
 * process dies mid-request the row becomes due again once the lease runs out.
 */
const LEASE_MARGIN_MS = 60_000;

function toNotification(row: Row): Notification {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    channel: row.channel,
    event: row.event,
    target: row.target,
    payload: JSON.parse(row.payload_json) as Record<string, unknown>,
    orderLineId: row.order_line_id,
    runId: row.run_id,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}

/** The reason a webhook target is unusable, or null when it is an http(s) URL. */
function webhookTargetProblem(target: string | null | undefined): string | null {
  if (!target) return 'a webhook notification needs a target URL (http or https)';
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return `webhook target "${target}" is not a URL (expected http or https)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `webhook target "${target}" must be an http or https URL, not ${url.protocol}`;
  }
  return null;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED …) in cause.
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message}: ${cause}` : error.message;
}

export function createNotificationOutbox(db: Database.Database, options: NotificationOutboxOptions = {}): NotificationOutbox {
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 5_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const roundRows = Math.max(1, options.roundRows ?? 100);
  const onDesktop = options.onDesktop;

  const insert = db.prepare(`
    INSERT INTO notifications (id, idempotency_key, channel, event, target, payload_json, order_line_id, run_id, state, attempts, next_attempt_at, created_at)
    VALUES (@id, @idempotencyKey, @channel, @event, @target, @payloadJson, @orderLineId, @runId, 'pending', 0, @now, @now)
    ON CONFLICT (idempotency_key) DO NOTHING`);
  const byKey = db.prepare<[string], Row>('SELECT * FROM notifications WHERE idempotency_key = ?');
  const byId = db.prepare<[string], Row>('SELECT * FROM notifications WHERE id = ?');
  // Desktop rows are left alone when there is nothing to show them with.
  const dueIds = db
    .prepare<[string, number, number], string>(
      `SELECT id FROM notifications
       WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND (channel = 'webhook' OR ?)
       ORDER BY created_at, rowid LIMIT ?`,
    )
    .pluck();
  // One statement, so atomic even across processes: only one caller sees changes = 1.
  const claim = db.prepare<[string, string, string]>(
    `UPDATE notifications SET next_attempt_at = ?
     WHERE id = ? AND state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`,
  );
  const markDelivered = db.prepare<[string, string]>(
    `UPDATE notifications SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ?`,
  );
  const markRetry = db.prepare<[string, string, string]>(
    `UPDATE notifications SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
  );
  const markFailed = db.prepare<[string, string]>(
    `UPDATE notifications SET state = 'failed', attempts = attempts + 1, last_error = ?, next_attempt_at = NULL WHERE id = ?`,
  );
  const restoreDue = db.prepare<[string | null, string]>(`UPDATE notifications SET next_attempt_at = ? WHERE id = ?`);

  /** Rows being delivered by this process; guards against overlapping rounds even if a lease runs out. */
  const inFlight = new Set<string>();

  function backoffMs(attempts: number): number {
    return Math.min(baseDelayMs * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  }

  async function postWebhook(row: Row, abort: AbortSignal | undefined): Promise<Outcome> {
    const problem = webhookTargetProblem(row.target);
    if (problem) return { kind: 'failed', error: problem };
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = abort ? AbortSignal.any([timeout, abort]) : timeout;
    let response: Response;
    try {
      response = await doFetch(row.target as string, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': row.idempotency_key, 'User-Agent': 'Lightbox' },
        body: row.payload_json,
        signal,
        // A redirect would turn the POST into a GET elsewhere; the target is to be fixed instead.
        redirect: 'manual',
      });
    } catch (error) {
      if (timeout.aborted) return { kind: 'retry', error: `no answer within ${timeoutMs} ms` };
      if (abort?.aborted) return { kind: 'retry', error: 'interrupted before an answer (flush deadline)' };
      return { kind: 'retry', error: describeError(error) };
    }
    // The body is not needed; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
    if (response.status === 408 || response.status === 429 || response.status >= 500) return { kind: 'retry', error: status };
    if (response.status >= 300 && response.status < 400) return { kind: 'failed', error: `${status}: redirects are not followed` };
    return { kind: 'failed', error: status };
  }

  async function deliverOne(id: string, counts: DeliveryCounts, abort: AbortSignal | undefined): Promise<void> {
    if (inFlight.has(id)) return;
    const claimedAt = now();
    const before = byId.get(id);
    if (!before) return;
    const lease = new Date(claimedAt.getTime() + timeoutMs + LEASE_MARGIN_MS).toISOString();
    if (claim.run(lease, id, claimedAt.toISOString()).changes !== 1) return; // delivered or claimed elsewhere
    inFlight.add(id);
    try {
      let outcome: Outcome;
      if (before.channel === 'desktop') {
        try {
          outcome = onDesktop?.(toNotification(before)) ? { kind: 'delivered' } : { kind: 'untouched' };
        } catch (error) {
          outcome = { kind: 'retry', error: `desktop notification failed: ${describeError(error)}` };
        }
      } else {
        outcome = await postWebhook(before, abort);
      }
      const at = now();
      if (outcome.kind === 'delivered') {
        markDelivered.run(at.toISOString(), id);
        counts.delivered++;
      } else if (outcome.kind === 'untouched') {
        restoreDue.run(before.next_attempt_at, id);
      } else if (outcome.kind === 'failed' || before.attempts + 1 >= maxAttempts) {
        const error = outcome.kind === 'retry' ? `${outcome.error} (gave up after ${before.attempts + 1} attempts)` : outcome.error;
        markFailed.run(error, id);
        counts.failed++;
      } else {
        markRetry.run(outcome.error, new Date(at.getTime() + backoffMs(before.attempts + 1)).toISOString(), id);
        counts.retried++;
      }
    } finally {
      inFlight.delete(id);
    }
  }

  /**
   * One round over the rows due now. `halt` stops claiming further rows; with `abortRequests`
   * it also cuts the requests in flight (flush's deadline).
   */
  async function round(halt?: AbortSignal, abortRequests = false, limit = -1): Promise<DeliveryCounts & { full: boolean }> {
    const counts: DeliveryCounts = { delivered: 0, retried: 0, failed: 0 };
    let queue: string[];
    try {
      queue = dueIds.all(now().toISOString(), onDesktop ? 1 : 0, limit);
    } catch (error) {
      console.error('notifications: cannot read the outbox:', error);
      return { ...counts, full: false };
    }
    const full = limit > 0 && queue.length === limit;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !halt?.aborted; id = queue.shift()) {
        try {
          await deliverOne(id, counts, abortRequests ? halt : undefined);
        } catch (error) {
          // Only the database can throw here (closed, locked beyond busy_timeout): keep the others going.
          console.error(`notifications: delivering ${id} failed:`, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    return { ...counts, full };
  }

  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let loopInterval = 1000;
  let loopHalt: AbortController | undefined;
  let current: Promise<unknown> | undefined;

  // The next round is scheduled only once the previous one ended, so rounds never pile up.
  const schedule = (delayMs = loopInterval) => {
    timer = setTimeout(() => {
      timer = undefined;
      let more = false;
      current = round(loopHalt?.signal, false, roundRows)
        .then((r) => (more = r.full))
        .finally(() => {
          current = undefined;
          if (running) schedule(more ? BACKLOG_PAUSE_MS : loopInterval);
        });
    }, delayMs);
    timer.unref();
  };

  return {
    enqueue(input) {
      if (!input.idempotencyKey) throw new ApiFailure(ErrorCodes.invalidInput, 'a notification needs an idempotency key', 'idempotencyKey');
      if (!input.event) throw new ApiFailure(ErrorCodes.invalidInput, 'a notification needs an event name', 'event');
      if (input.channel !== 'desktop' && input.channel !== 'webhook') {
        throw new ApiFailure(ErrorCodes.invalidInput, `unknown notification channel "${String(input.channel)}"`, 'channel');
      }
      if (input.channel === 'webhook') {
        const problem = webhookTargetProblem(input.target);
        if (problem) throw new ApiFailure(ErrorCodes.invalidInput, problem, 'target');
      }
      const info = insert.run({
        id: crypto.randomUUID(),
        idempotencyKey: input.idempotencyKey,
        channel: input.channel,
        event: input.event,
        target: input.target ?? null,
        payloadJson: JSON.stringify(input.payload),
        orderLineId: input.orderLineId ?? null,
        runId: input.runId ?? null,
        now: now().toISOString(),
      });
      const row = byKey.get(input.idempotencyKey) as Row;
      return { notification: toNotification(row), created: info.changes === 1 };
    },

    list(filter = {}) {
      const where: string[] = [];
      const params: string[] = [];
      const columns = { order_line_id: filter.orderLineId, state: filter.state, channel: filter.channel };
      for (const [column, value] of Object.entries(columns)) {
        if (value === undefined) continue;
        where.push(`${column} = ?`);
        params.push(value);
      }
      const sql = `SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC`;
      return db.prepare<string[], Row>(sql).all(...params).map(toNotification);
    },

    page(query) {
      const { rows, nextCursor } = keysetPage(db, notificationsPageQuery(query));
      return { items: rows.map(toNotification), nextCursor };
    },

    get(id) {
      const row = byId.get(id);
      return row ? toNotification(row) : undefined;
    },

    deliverDue: async () => {
      const { full: _full, ...counts } = await round();
      return counts;
    },

    start(intervalMs = 1000) {
      if (running) return;
      running = true;
      loopInterval = intervalMs;
      loopHalt = new AbortController();
      if (!current) schedule(); // else the round still ending (after a stop) schedules the next

    },

    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      loopHalt?.abort(); // no new rows; requests already sent finish (each bounded by timeoutMs)
      await current;
    },

    async flush(deadlineMs) {
      await round(AbortSignal.timeout(deadlineMs), true);
    },
  };
}
