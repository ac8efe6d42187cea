import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiFailure } from '../../../shared/contract/errors';
import type { LineStatusCounts, Order, OrderLine, OrderLineOverrides, OrderSummary } from '../../../shared/orders/api';
import type { Page } from '../../../shared/paging/page';
import { keysetPage, searchClause, type KeysetQuery } from '../../platform/db/keyset-page';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { createOutputTypeStore } from '../../catalog/output-types/output-type-store';
import { byCadFileName } from './cad-name-search';

type LineRow = {
  id: string;
  order_id: string;
  line_no: number;
  cad_file_id: string;
  cad_name: string;
  output_type_key: string;
  overrides_json: string;
  status: OrderLine['status'];
  mode_used: ExecutionMode | null;
  attempts: number;
  error: string | null;
  created_at: string;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  asset_ids: string | null;
  cancelled_at: string | null;
};

/** "2026-12-02 07:30 UTC": precise enough for a message. */
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

type OrderRow = { id: string; name: string; created_at: string; archived_at: string | null };

const LINE_SELECT = `SELECT l.*, c.name AS cad_name,
  (SELECT group_concat(a.id) FROM media_assets a WHERE a.order_line_id = l.id) AS asset_ids
  FROM order_lines l JOIN cad_files c ON c.id = l.cad_file_id`;

const toLine = (r: LineRow): OrderLine => ({
  id: r.id,
  orderId: r.order_id,
  lineNo: r.line_no,
  cadFileId: r.cad_file_id,
  cadName: r.cad_name,
  outputTypeKey: r.output_type_key,
  overrides: JSON.parse(r.overrides_json) as OrderLineOverrides,
  status: r.status,
  modeUsed: r.mode_used,
  attempts: r.attempts,
  error: r.error,
  createdAt: r.created_at,
  queuedAt: r.queued_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  assetIds: r.asset_ids ? r.asset_ids.split(',') : [],
  cancelledAt: r.cancelled_at,
});

const noCounts = (): LineStatusCounts => ({ queued: 0, rendering: 0, succeeded: 0, failed: 0, cancelled: 0 });

export interface OrdersPageQuery {
  includeArchived?: boolean;
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

export interface LinesPageQuery {
  orderId?: string | undefined;
  status?: OrderLine['status'] | undefined;
  cadFileId?: string | undefined;
  outputTypeKey?: string | undefined;
  includeArchived?: boolean;
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The keyset query of a page of orders (exported for EXPLAIN QUERY PLAN in tests). */
export function ordersPageQuery(query: OrdersPageQuery): KeysetQuery<OrderRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!query.includeArchived) where.push('o.archived_at IS NULL');
  const search = searchClause(['o.name', 'o.id'], query.q);
  if (search) {
    where.push(search.sql);
    params.push(...search.params);
  }
  return { list: 'orders.list', select: 'SELECT o.* FROM orders o', where, params, sortBy: ['o.created_at', 'o.id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at, r.id] };
}

/**
 * The keyset query of a page of lines: one order's in line order (how the order reads), or every
 * order's newest first.
 */
export function linesPageQuery(query: LinesPageQuery): KeysetQuery<LineRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('l.order_id = ?', query.orderId);
  add('l.status = ?', query.status);
  add('l.cad_file_id = ?', query.cadFileId);
  add('l.output_type_key = ?', query.outputTypeKey);
  if (!query.orderId && !query.includeArchived) where.push('l.order_id NOT IN (SELECT id FROM orders WHERE archived_at IS NOT NULL)');
  // Search: line id, output type, CAD file name (through the trigram index, text-search.ts).
  const search = query.q ? { table: 'order_lines l', rowid: 'l.rowid', fts: 'order_lines_search', columns: ['l.id', 'l.output_type_key'], via: byCadFileName('l.cad_file_id'), text: query.q } : undefined;
  return query.orderId
    ? { list: 'orders.lines', select: LINE_SELECT, where, params, sortBy: ['l.line_no', 'l.id'], direction: 'asc', limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.line_no, r.id], search }
    : { list: 'orders.lines', select: LINE_SELECT, where, params, sortBy: ['l.created_at', 'l.id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at, r.id], search };
}


/** Orders and their lines; a line's status moves queued → rendering → succeeded | failed | cancelled. */
export function createOrderStore(db: Database.Database) {
  const outputTypes = createOutputTypeStore(db);
  const q = {
    insertOrder: db.prepare('INSERT INTO orders (id, name, created_at) VALUES (?, ?, ?)'),
    insertLine: db.prepare(
      `INSERT INTO order_lines (id, order_id, line_no, cad_file_id, output_type_key, overrides_json, status, created_at, queued_at)
       VALUES (@id, @orderId, @lineNo, @cadFileId, @outputTypeKey, @overrides, 'queued', @now, @now)`,
    ),
    order: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE id = ?'),
    // The oldest order of a name (the render-pipeline smoke test finds its order by name).
    firstNamed: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE name = ? ORDER BY created_at, id LIMIT 1'),
    archive: db.prepare<[string | null, string]>('UPDATE orders SET archived_at = ? WHERE id = ?'),
    // Only a line nobody is rendering, not yet done and not already cancelled for good.
    withdraw: db.prepare(`UPDATE order_lines SET status = 'cancelled', cancelled_at = @now, finished_at = @now WHERE id = @id AND status IN ('queued', 'failed', 'cancelled') AND cancelled_at IS NULL`),
    linesOf: db.prepare<[string], LineRow>(`${LINE_SELECT} WHERE l.order_id = ? ORDER BY l.line_no`),
    line: db.prepare<[string], LineRow>(`${LINE_SELECT} WHERE l.id = ?`),
    cad: db.prepare<[string], { id: string; status: string; name: string }>('SELECT id, status, name FROM cad_files WHERE id = ?'),
    linesOfCad: db.prepare<[string, number], LineRow>(`${LINE_SELECT} WHERE l.cad_file_id = ? ORDER BY l.order_id, l.line_no LIMIT ?`),
    lineCountOfCad: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM order_lines WHERE cad_file_id = ?'),
    orderCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM orders'),
    currentCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM orders WHERE archived_at IS NULL'),
    // Per status straight from the (status, …) index; archived orders' lines are subtracted, they are few.
    lineCounts: db.prepare<[], { status: OrderLine['status']; n: number }>('SELECT status, count(*) AS n FROM order_lines GROUP BY status'),
    archivedLineCounts: db.prepare<[], { status: OrderLine['status']; n: number }>(
      // CROSS JOIN keeps the (few) archived orders outside: left to itself the planner walked every line.
      'SELECT l.status, count(*) AS n FROM orders o CROSS JOIN order_lines l ON l.order_id = o.id WHERE o.archived_at IS NOT NULL GROUP BY l.status',
    ),
  };
  const countsOf = (orderIds: string[]): Map<string, LineStatusCounts> => {
    const counts = new Map(orderIds.map((id) => [id, noCounts()]));
    if (orderIds.length === 0) return counts;
    const rows = db
      .prepare<string[], { order_id: string; status: OrderLine['status']; n: number }>(
        `SELECT order_id, status, count(*) AS n FROM order_lines WHERE order_id IN (${orderIds.map(() => '?').join(',')}) GROUP BY order_id, status`,
      )
      .all(...orderIds);
    for (const row of rows) {
      const c = counts.get(row.order_id);
      if (c) c[row.status] = row.n;
    }
    return counts;
  };
  const orderOf = (row: OrderRow): Order => ({ id: row.id, name: row.name, createdAt: row.created_at, archivedAt: row.archived_at, lines: q.linesOf.all(row.id).map(toLine) });
  const orderRow = (orderId: string, field = 'orderId'): OrderRow => {
    const row = q.order.get(orderId);
    if (!row) throw new ApiFailure('not_found', `no order "${orderId}"`, field);
    return row;
  };
  const lineOrThrow = (lineId: string, field = 'orderLineId'): OrderLine => {
    const row = q.line.get(lineId);
    if (!row) throw new ApiFailure('not_found', `no order line "${lineId}"`, field);
    return toLine(row);
  };
  const setArchived = (orderId: string, archived: boolean): Order => {
    const row = orderRow(orderId);
    // Archiving twice keeps the first time it was done.
    if (archived !== (row.archived_at !== null)) q.archive.run(archived ? new Date().toISOString() : null, orderId);
    return orderOf(orderRow(orderId));
  };

  return {
    /** One line per CAD file × output type × copy; every id is checked first, so nothing half-made is stored. */
    create(input: { name?: string; cadFileIds: string[]; outputTypeKeys: string[]; copies?: number; overrides?: OrderLineOverrides }): Order {
      input.cadFileIds.forEach((id, i) => {
        if (!q.cad.get(id)) throw new ApiFailure('not_found', `no CAD file "${id}" in the library`, `cadFileIds.${i}`);
      });
      input.outputTypeKeys.forEach((key, i) => {
        if (!outputTypes.has(key)) throw new ApiFailure('not_found', `no output type "${key}"; import its render preset first`, `outputTypeKeys.${i}`);
      });
      const id = `ord_${crypto.randomBytes(6).toString('hex')}`;
      const now = new Date().toISOString();
      db.transaction(() => {
        q.insertOrder.run(id, input.name ?? `Order ${now.slice(0, 16).replace('T', ' ')}`, now);
        let lineNo = 0;
        for (const cadFileId of input.cadFileIds)
          for (const outputTypeKey of input.outputTypeKeys)
            for (let c = 0; c < (input.copies ?? 1); c++) {
              lineNo += 1;
              q.insertLine.run({ id: `${id}_l${lineNo}`, orderId: id, lineNo, cadFileId, outputTypeKey, overrides: JSON.stringify(input.overrides ?? {}), now });
            }
      })();
      return this.get(id) as Order;
    },
    /** More lines on an existing order, numbered after its last one. */
    addLines(orderId: string, input: { cadFileIds: string[]; outputTypeKeys: string[]; copies?: number; overrides?: OrderLineOverrides }): OrderLine[] {
      if (orderRow(orderId).archived_at) throw new ApiFailure('order_archived', `order "${orderId}" is archived; unarchive it to add lines`, 'orderId');
      input.cadFileIds.forEach((id, i) => {
        if (!q.cad.get(id)) throw new ApiFailure('not_found', `no CAD file "${id}" in the library`, `cadFileIds.${i}`);
      });
      input.outputTypeKeys.forEach((key, i) => {
        if (!outputTypes.has(key)) throw new ApiFailure('not_found', `no output type "${key}"; import its render preset first`, `outputTypeKeys.${i}`);
      });
      const now = new Date().toISOString();
      const ids = db.transaction(() => {
        let lineNo = (db.prepare<[string], { n: number }>('SELECT COALESCE(MAX(line_no), 0) AS n FROM order_lines WHERE order_id = ?').get(orderId) as { n: number }).n;
        const made: string[] = [];
        for (const cadFileId of input.cadFileIds)
          for (const outputTypeKey of input.outputTypeKeys)
            for (let c = 0; c < (input.copies ?? 1); c++) {
              lineNo += 1;
              const id = `${orderId}_l${lineNo}`;
              q.insertLine.run({ id, orderId, lineNo, cadFileId, outputTypeKey, overrides: JSON.stringify(input.overrides ?? {}), now });
              made.push(id);
            }
        return made;
      })();
      return ids.map((id) => this.line(id) as OrderLine);
    },
    /** The oldest order with this name, with its lines. */
    firstNamed(name: string): Order | undefined {
      const row = q.firstNamed.get(name);
      return row ? orderOf(row) : undefined;
    },
    get(id: string): Order | undefined {
      const row = q.order.get(id);
      return row ? orderOf(row) : undefined;
    },
    /** Newest first, every order with every line; archived orders only when asked for. For tests and tools: pages use page(). */
    /** A page of orders newest first, each with its lines counted by status (not read). */
    page(query: OrdersPageQuery): Page<OrderSummary> {
      const { rows, nextCursor } = keysetPage(db, ordersPageQuery(query));
      const counts = countsOf(rows.map((r) => r.id));
      const items = rows.map((row) => {
        const lineCounts = counts.get(row.id) ?? noCounts();
        return { id: row.id, name: row.name, createdAt: row.created_at, archivedAt: row.archived_at, lineCount: Object.values(lineCounts).reduce((a, b) => a + b, 0), lineCounts };
      });
      return { items, nextCursor };
    },
    /** A page of order lines; an unknown order is refused rather than answered empty. */
    lines(query: LinesPageQuery): Page<OrderLine> {
      if (query.orderId !== undefined) orderRow(query.orderId);
      const { rows, nextCursor } = keysetPage(db, linesPageQuery(query));
      return { items: rows.map(toLine), nextCursor };
    },
    /** How many orders, and their lines per status, from counts alone. */
    summary(options: { includeArchived?: boolean } = {}): { orders: number; lines: LineStatusCounts } {
      const lines = noCounts();
      for (const row of q.lineCounts.all()) lines[row.status] = row.n;
      if (!options.includeArchived) for (const row of q.archivedLineCounts.all()) lines[row.status] -= row.n;
      return { orders: (options.includeArchived ? q.orderCount.get() : q.currentCount.get())?.n ?? 0, lines };
    },
    line(id: string): OrderLine | undefined {
      const row = q.line.get(id);
      return row ? toLine(row) : undefined;
    },
    /** Hides the order from the list and stops its lines from being dispatched; the time is kept. */
    archive: (orderId: string): Order => setArchived(orderId, true),
    unarchive: (orderId: string): Order => setArchived(orderId, false),
    /**
     * Cancels a line that waits for dispatch (queued, or failed or stopped earlier): it becomes
     * cancelled for good and is never dispatched. A rendering line is stopped by the dispatcher instead.
     */
    withdraw(lineId: string): OrderLine {
      const line = lineOrThrow(lineId);
      if (line.cancelledAt) return line;
      if (line.status === 'rendering') throw new ApiFailure('busy', `order line ${lineId} is being rendered; cancel its dispatch instead`, 'orderLineId');
      if (line.status === 'succeeded') throw new ApiFailure('already_done', `order line ${lineId} has already succeeded; there is nothing to cancel`, 'orderLineId');
      q.withdraw.run({ id: lineId, now: new Date().toISOString() });
      return lineOrThrow(lineId);
    },
    /** Why a line may not be dispatched (cancelled for good, or its order archived); throws with the reason. */
    assertDispatchable(lineId: string): void {
      const line = lineOrThrow(lineId);
      if (line.cancelledAt) throw new ApiFailure('line_cancelled', `order line ${lineId} was cancelled at ${when(line.cancelledAt)} before it was dispatched; it is not dispatched`, 'orderLineId');
      const order = orderRow(line.orderId);
      if (order.archived_at) throw new ApiFailure('order_archived', `order line ${lineId} belongs to order "${order.name}", archived at ${when(order.archived_at)}; unarchive the order to dispatch it`, 'orderLineId');
    },
    /** Order lines that use a CAD file, e.g. to refuse deleting it. */
    /** How many order lines use a CAD file, and the first few of them (what a refused delete names). */
    usesOfCadFile: (cadFileId: string, shown = 5): { count: number; first: OrderLine[] } => ({ count: q.lineCountOfCad.get(cadFileId)?.n ?? 0, first: q.linesOfCad.all(cadFileId, shown).map(toLine) }),
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
