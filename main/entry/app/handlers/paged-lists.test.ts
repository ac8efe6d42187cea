import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend';
import { exampleDocuments } from '../../../catalog/legacy/legacy-testing';
import { testBackend } from '../../../testing/node-backend';
import { makeTempDir } from '../../../testing/temp-dir';
import { seedHistory, type SeededHistory } from '../../../testing/seed-history';
import { seedComparisons } from '../../../testing/seed-comparisons';
import { comparisonsPageQuery } from '../../../review/comparison/comparison-page';
import { groupsQuery, membersQuery } from '../../../review/groups/review-groups';
import { modeLog, modeLogPageQuery } from '../../../catalog/output-types/mode-log';
import { keysetPage, keysetSql, type KeysetQuery } from '../../../platform/db/keyset-page';
import { searchPlan, type SearchPlan } from '../../../platform/db/text-search';
import { linesPageQuery, ordersPageQuery } from '../../../production/orders/order-store';
import { assetsPageQuery } from '../../../production/media/media-library';
import { cadPageQuery } from '../../../production/cad-library/cad-library';
import { notificationsPageQuery } from '../../../production/notifications/outbox';
import { runsPageQuery } from '../../../execution/workflow-runs/runs-page';
import { DEFAULT_PAGE_SIZE } from '../../../../shared/paging/page';

/** The paged list methods through the contract dispatch, on a history seeded through the services. */
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
let seeded: SeededHistory;

type PageOf<T> = { items: T[]; nextCursor: string | null };
async function call(method: string, input: unknown) {
  return backend.dispatch(method as never, input, { transport: 'http' } as never);
}
async function ok<T>(method: string, input: unknown): Promise<T> {
  const result = await call(method, input);
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.result as T;
}
/** Every item of a list, page by page, following nextCursor. */
async function walk<T>(method: string, input: Record<string, unknown>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await ok<PageOf<T>>(method, { ...input, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual((input.limit as number | undefined) ?? DEFAULT_PAGE_SIZE);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor);
  return { items, pages };
}
const newestFirst = (times: string[]) => times.every((t, i) => i === 0 || (times[i - 1] as string) >= t);

beforeAll(async () => {
  tmp = makeTempDir('lightbox-paged-lists-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  backend.legacy.import(exampleDocuments());
  seeded = await seedHistory(backend, { lines: 1_400, cadFiles: 6, linesPerOrder: 12, bigOrderLines: 700, dispatchedShare: 0.5, publishedShare: 0.5, shadowShare: 0.1, batch: 20 });
  seedComparisons(backend, seeded.shadowPairs);
}, 120_000);
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('paged list methods', () => {
  it('orders.list pages newest first by a keyset cursor: every order once, a small default page, lines counted not sent', async () => {
    const first = await ok<PageOf<{ id: string; createdAt: string; lineCount: number; lineCounts: Record<string, number> }>>('orders.list', {});
    expect(first.items).toHaveLength(DEFAULT_PAGE_SIZE);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.items[0]).not.toHaveProperty('lines');
    const { items, pages } = await walk<{ id: string; createdAt: string; lineCount: number; lineCounts: Record<string, number> }>('orders.list', { limit: 17 });
    expect(pages).toBe(Math.ceil(seeded.orderIds.length / 17));
    expect(items.map((o) => o.id).sort()).toEqual([...seeded.orderIds].sort());
    expect(newestFirst(items.map((o) => o.createdAt))).toBe(true);
    const big = items.find((o) => o.id === seeded.bigOrderId);
    expect(big?.lineCount).toBeGreaterThanOrEqual(700);
    expect(big?.lineCounts.queued).toBe(big?.lineCount);
    expect(items.reduce((n, o) => n + o.lineCount, 0)).toBe(seeded.lines);
  });

  it('orders.list searches names and ids in SQL, and hides archived orders unless asked', async () => {
    const { items } = await walk<{ id: string; name: string }>('orders.list', { q: 'trade FAIR', limit: 100 });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((o) => o.name.includes('Trade fair'))).toBe(true);
    expect(items.length).toBe(seeded.orderIds.filter((_, n) => n % 4 === 2).length);
    // LIKE wildcards in the search are literal.
    expect((await ok<PageOf<unknown>>('orders.list', { q: '%' })).items).toEqual([]);
    const archived = seeded.orderIds[3] as string;
    await ok('orders.archive', { orderId: archived });
    expect((await walk<{ id: string }>('orders.list', { limit: 500 })).items.map((o) => o.id)).not.toContain(archived);
    expect((await walk<{ id: string }>('orders.list', { limit: 500, includeArchived: true })).items.map((o) => o.id)).toContain(archived);
    await ok('orders.unarchive', { orderId: archived });
  });

  it('an order of hundreds of lines opens on its first page of lines, in line order, with filters and search', async () => {
    const first = await ok<PageOf<{ lineNo: number; orderId: string }>>('orders.lines', { orderId: seeded.bigOrderId });
    expect(first.items.map((l) => l.lineNo)).toEqual(Array.from({ length: DEFAULT_PAGE_SIZE }, (_, i) => i + 1));
    const all = await walk<{ lineNo: number; status: string; cadName: string; id: string }>('orders.lines', { orderId: seeded.bigOrderId, limit: 200 });
    expect(all.items.map((l) => l.lineNo)).toEqual(Array.from({ length: all.items.length }, (_, i) => i + 1));
    const cadName = all.items[5]?.cadName as string;
    const searched = await walk<{ cadName: string }>('orders.lines', { orderId: seeded.bigOrderId, q: cadName, limit: 500 });
    expect(searched.items.length).toBe(all.items.filter((l) => l.cadName === cadName).length);
    // Cancel two lines for good: the status filter and the counts see them.
    for (const line of all.items.slice(0, 2)) await ok('orders.cancel', { orderLineId: line.id });
    expect((await ok<PageOf<{ lineNo: number }>>('orders.lines', { orderId: seeded.bigOrderId, status: 'cancelled' })).items.map((l) => l.lineNo)).toEqual([1, 2]);
    const summary = await ok<{ orders: number; lines: Record<string, number> }>('orders.summary', {});
    expect(summary).toEqual({ orders: seeded.orderIds.length, lines: { queued: seeded.lines - 2, rendering: 0, succeeded: 0, failed: 0, cancelled: 2 } });
    // Across orders: newest first.
    const across = await ok<PageOf<{ createdAt: string }>>('orders.lines', { limit: 100 });
    expect(newestFirst(across.items.map((l) => l.createdAt))).toBe(true);
    const missing = await call('orders.lines', { orderId: 'ord_nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', path: 'orderId' } });
  });

  it('runs, assets, notifications and CAD files page the same way, with their filters and search', async () => {
    const runs = await walk<{ id: string; startedAt: string; role: string; cadFileName: string | null; nodeCount: number }>('runs.list', { limit: 250 });
    // The seeded dispatches, and one ingest run per CAD file.
    expect(runs.items).toHaveLength(seeded.runs + seeded.cadFileIds.length);
    expect(new Set(runs.items.map((r) => r.id)).size).toBe(runs.items.length);
    expect(newestFirst(runs.items.map((r) => r.startedAt))).toBe(true);
    expect(runs.items.every((r) => r.cadFileName?.startsWith('part-'))).toBe(true);
    const shadows = await walk<{ role: string }>('runs.list', { role: 'shadow', limit: 500 });
    expect(shadows.items.length).toBe(seeded.shadowPairs.length);
    expect((await ok<PageOf<{ cadFileName: string }>>('runs.list', { q: 'part-0003' })).items.every((r) => r.cadFileName === 'part-0003.stp')).toBe(true);
    // A listed run is its detail without the node runs, which it counts (read in the page's one query, not loaded per run).
    for (const listed of [...runs.items.slice(0, 3), ...shadows.items.slice(0, 2)] as unknown as ({ id: string; nodeCount: number; failedNodes: number } & Record<string, unknown>)[]) {
      const { nodes, ...detail } = await ok<{ nodes: { status: string }[] } & Record<string, unknown>>('runs.get', { runId: listed.id });
      const { nodeCount, failedNodes, outputTypeKey: _key, ...rest } = listed;
      expect(rest).toEqual(detail);
      expect([nodeCount, failedNodes]).toEqual([nodes.length, nodes.filter((n) => n.status === 'failed').length]);
    }

    const assets = await walk<{ id: string; orderLineId: string }>('assets.list', { limit: 100 });
    expect(assets.items).toHaveLength(seeded.assets);
    const lineId = assets.items[0]?.orderLineId as string;
    expect((await ok<PageOf<{ orderLineId: string }>>('assets.list', { orderLineId: lineId })).items.map((a) => a.orderLineId)).toEqual([lineId]);
    expect((await ok<PageOf<unknown>>('assets.list', { q: lineId })).items).toHaveLength(1);

    const notifications = await walk<{ id: string }>('notifications.list', { limit: 100 });
    expect(notifications.items).toHaveLength(seeded.notifications);
    expect((await ok<PageOf<unknown>>('notifications.list', { state: 'delivered' })).items).toEqual([]);
    expect((await ok<PageOf<unknown>>('notifications.list', { q: 'published', limit: 3 })).items).toHaveLength(3);

    const cad = await walk<{ id: string; name: string }>('cad.list', { limit: 4 });
    expect(cad.items.map((f) => f.id).sort()).toEqual([...seeded.cadFileIds].sort());
    expect((await ok<PageOf<{ name: string }>>('cad.list', { q: '0002' })).items.map((f) => f.name)).toEqual(['part-0002.stp']);
    expect(await ok('cad.summary', {})).toEqual({ total: 6, ingesting: 0, ready: 0, failed: 6 });
    expect((await ok<PageOf<unknown>>('cad.list', { status: 'ready' })).items).toEqual([]);
  });

  it('comparisons and the rollout log page the same way; the comparisons head comes from its own counts', async () => {
    const all = await walk<{ id: string; createdAt: string; verdict: string; review: unknown }>('comparisons.list', { limit: 13 });
    expect(all.items).toHaveLength(seeded.shadowPairs.length);
    expect(newestFirst(all.items.map((c) => c.createdAt))).toBe(true);
    const failed = await walk<{ verdict: string }>('comparisons.list', { verdict: 'fail', limit: 100 });
    expect(failed.items.length).toBe(all.items.filter((c) => c.verdict === 'fail').length);
    const reviewed = all.items.find((c) => c.verdict === 'pass') as { id: string };
    await ok('comparisons.review', { comparisonId: reviewed.id, decision: 'approve', who: 'lead' });
    expect((await walk<{ id: string }>('comparisons.list', { review: 'approve' })).items.map((c) => c.id)).toEqual([reviewed.id]);
    expect((await walk<{ id: string }>('comparisons.list', { review: 'pending', limit: 500 })).items).toHaveLength(all.items.length - 1);
    const summary = await ok<{ pendingReview: number; reviewed: number; latestByOutputType: Record<string, { id: string }> }>('comparisons.summary', {});
    expect(summary).toMatchObject({ pendingReview: all.items.length - 1, reviewed: 1 });
    expect(Object.keys(summary.latestByOutputType).length).toBeGreaterThan(0);
    // Appended to the log as rollout.set does (setting a mode needs migrated output types, not the subject here).
    const log0 = modeLog(backend.db);
    for (const key of ['still_quick_preview', 'still_white_2k', 'turntable_36']) log0.append({ targetKind: 'output_type', target: key, fromMode: 'legacy', toMode: 'shadow', reason: `try ${key}`, override: false, comparisonId: null, who: 'lead' });
    const log = await walk<{ target: string }>('rollout.log', { limit: 2 });
    expect(log.pages).toBe(2);
    // Appended within the same millisecond or not: every change once, newest first by (time, id).
    expect(log.items.map((c) => c.target).sort()).toEqual(['still_quick_preview', 'still_white_2k', 'turntable_36']);
    expect(newestFirst(log.items.map((c) => (c as unknown as { createdAt: string }).createdAt))).toBe(true);
    expect((await ok<PageOf<{ target: string }>>('rollout.log', { targets: ['still_white_2k'] })).items.map((c) => c.target)).toEqual(['still_white_2k']);
    expect((await ok<PageOf<unknown>>('rollout.log', { q: 'try turntable' })).items).toHaveLength(1);
    // The workflows' log (the output types page) is its kind of change only, whatever the workflows are called.
    log0.append({ targetKind: 'workflow', target: 'legacy.still_default', fromMode: 'legacy', toMode: 'shadow', reason: null, override: false, comparisonId: null, who: 'lead' });
    expect((await ok<PageOf<{ target: string }>>('rollout.log', { targetKind: 'workflow' })).items.map((c) => c.target)).toEqual(['legacy.still_default']);
    expect((await walk<{ targetKind: string }>('rollout.log', { targetKind: 'output_type', limit: 1 })).items.map((c) => c.targetKind)).toEqual(['output_type', 'output_type', 'output_type']);
  });

  it('review groups page through their rollup, and each group\'s members page in review order: every comparison once, counts as the rollup says', async () => {
    type Group = { id: string; counts: { pass: number; warn: number; fail: number; total: number }; pending: { counts: { total: number } }; members: unknown[]; differences: { comparisonIds: string[] }; contactSheet: { comparisonIds: string[] } };
    const groups: Group[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok<{ groups: Group[]; nextCursor: string | null }>('review.groups', { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.groups.length).toBeLessThanOrEqual(2);
      groups.push(...page.groups);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(groups.map((g) => g.id)).size).toBe(groups.length);
    expect(groups.reduce((n, g) => n + g.counts.total, 0)).toBe(seeded.shadowPairs.length);
    for (const g of groups) {
      const members = await walk<{ comparisonId: string; verdict: 'pass' | 'warn' | 'fail'; pending: boolean }>('review.members', { groupId: g.id, limit: 7 });
      expect(new Set(members.items.map((m) => m.comparisonId)).size).toBe(g.counts.total);
      for (const v of ['pass', 'warn', 'fail'] as const) expect(members.items.filter((m) => m.verdict === v).length, `${g.id} ${v}`).toBe(g.counts[v]);
      expect(members.items.filter((m) => m.pending).length).toBe(g.pending.counts.total);
      // Review order: pending before decided, differences before passes among the pending.
      const rank = (m: { verdict: string; pending: boolean }) => (m.pending ? 0 : 2) + (m.verdict === 'pass' ? 1 : 0);
      expect(members.items.map(rank)).toEqual([...members.items.map(rank)].sort((a, b) => a - b));
      const differences = await walk<{ verdict: string }>('review.members', { groupId: g.id, differences: true });
      expect(differences.items).toHaveLength(g.counts.warn + g.counts.fail);
      // What review.groups carries is bounded: a page of differences and the sheet's sample.
      expect(g.differences.comparisonIds.length).toBeLessThanOrEqual(10);
      expect(g.contactSheet.comparisonIds.length).toBeLessThanOrEqual(24);
      expect(g.members.length).toBeLessThanOrEqual(34);
    }
    const first = await ok('review.groups', {});
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThan(100 * 1024);
  });

  it('a search shorter than a trigram checks a bounded window of rows per page and goes on after it: the same matches, in order', () => {
    for (const q of ['zq', 'rn', 'e_']) {
      const unbounded = keysetPage(backend.db, linesPageQuery({ q, limit: 5_000 }), Number.MAX_SAFE_INTEGER);
      expect(unbounded.nextCursor).toBeNull();
      const walked: string[] = [];
      let short = 0;
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = keysetPage(backend.db, linesPageQuery({ q, limit: 20, cursor }), 100);
        if (page.rows.length < 20 && page.nextCursor) short += 1;
        walked.push(...page.rows.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 1_000);
      expect(walked, q).toEqual(unbounded.rows.map((r) => r.id));
      // Every page checked at most 100 lines: with 1,400 lines, a rare text is at least 14 pages, some short of 20.
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(1_400 / 100));
      // A text that matches nothing: every page checked its window, found none and went on.
      if (q === 'zq') expect([pages, short, walked.length]).toEqual([15, 14, 0]);
    }
  });

  it('refuses a cursor that is not one, or is another list\'s, naming the field and the value', async () => {
    const bad = await call('orders.list', { cursor: 'not a cursor!' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', path: 'cursor', message: expect.stringContaining('cursor "not a cursor!" is not a cursor of orders.list') } });
    const { nextCursor } = await ok<PageOf<unknown>>('runs.list', { limit: 1 });
    const foreign = await call('orders.list', { cursor: nextCursor });
    expect(foreign).toMatchObject({ ok: false, error: { path: 'cursor', message: expect.stringContaining('it belongs to runs.list') } });
    const forged = Buffer.from(JSON.stringify({ l: 'cad.list', k: [{}, 3] })).toString('base64url');
    expect(await call('cad.list', { cursor: forged })).toMatchObject({ ok: false, error: { path: 'cursor', message: expect.stringContaining('malformed') } });
    expect(await call('cad.list', { limit: 0 })).toMatchObject({ ok: false, error: { path: 'limit' } });
  });

  it('a default first page of every list stays far under 100 KB', async () => {
    for (const [method, input] of [
      ['orders.list', {}],
      ['orders.lines', { orderId: seeded.bigOrderId }],
      ['runs.list', {}],
      ['assets.list', {}],
      ['notifications.list', {}],
      ['cad.list', {}],
    ] as const) {
      const bytes = Buffer.byteLength(JSON.stringify(await ok(method, input)));
      expect(bytes, method).toBeLessThan(100 * 1024);
    }
  });
});

describe('EXPLAIN QUERY PLAN of each page', () => {
  /** The plan's detail lines; a page must be served by an index in its order, never sorted whole. */
  const plan = <Row>(query: KeysetQuery<Row>, searchPlan: SearchPlan = 'dense'): string[] => {
    const { sql, params } = keysetSql(query, searchPlan);
    return backend.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => r.detail);
  };
  const cursorOf = <Row>(query: KeysetQuery<Row>) => {
    const first = keysetSql({ ...query, limit: 1 });
    const rows = backend.db.prepare<unknown[], Row>(first.sql).all(...first.params);
    return { ...query, cursor: rows[0] ? Buffer.from(JSON.stringify({ l: query.list, k: query.keyOf(rows[0]) })).toString('base64url') : undefined };
  };
  const expectIndexed = (lines: string[], table: string, index: string) => {
    expect(lines.join('\n')).toMatch(new RegExp(`(SCAN|SEARCH) ${table}\\b.*USING (COVERING )?INDEX ${index}( |$)`, 'm'));
    expect(lines.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  };
  const page = { limit: 50 };

  it('orders: newest first by orders_newest, with or without a cursor and a search', () => {
    expectIndexed(plan(ordersPageQuery(page)), 'o', 'orders_newest');
    expectIndexed(plan(cursorOf(ordersPageQuery(page))), 'o', 'orders_newest');
    expectIndexed(plan(ordersPageQuery({ ...page, q: 'fair' })), 'o', 'orders_newest');
  });

  it("order lines: one order's by its (order, line) index, also with a status filter; all orders' newest first by (status, time)", () => {
    const orderId = seeded.bigOrderId as string;
    expectIndexed(plan(cursorOf(linesPageQuery({ ...page, orderId }))), 'l', 'sqlite_autoindex_order_lines_2');
    // Either index of the order serves a status filter in line order; the planner picks by its statistics.
    expectIndexed(plan(linesPageQuery({ ...page, orderId, status: 'failed' })), 'l', '(sqlite_autoindex_order_lines_2|order_lines_order_status)');
    expectIndexed(plan(linesPageQuery({ ...page, status: 'queued' })), 'l', 'order_lines_status_newest');
  });

  it('runs, assets, notifications, CAD files: by their newest-first indexes and their filter indexes', () => {
    expectIndexed(plan(cursorOf(runsPageQuery({ ...page }))), 'r', 'workflow_runs_newest');
    expectIndexed(plan(runsPageQuery({ ...page, status: 'failed' })), 'r', 'workflow_runs_status_newest');
    expectIndexed(plan(runsPageQuery({ ...page, workflowId: 'legacy.x' })), 'r', 'workflow_runs_workflow_newest');
    expectIndexed(plan(cursorOf(assetsPageQuery(page))), 'media_assets', 'media_assets_newest');
    expectIndexed(plan(assetsPageQuery({ ...page, orderLineId: 'x' })), 'media_assets', 'media_assets_line_newest');
    expectIndexed(plan(cursorOf(notificationsPageQuery(page))), 'notifications', 'notifications_newest');
    expectIndexed(plan(notificationsPageQuery({ ...page, state: 'pending' })), 'notifications', 'notifications_state_newest');
    expectIndexed(plan(cursorOf(cadPageQuery(page))), 'cad_files', 'cad_files_newest');
    expectIndexed(plan(cadPageQuery({ ...page, status: 'ready' })), 'cad_files', 'cad_files_status_newest');
    expectIndexed(plan(cursorOf(comparisonsPageQuery<{ created_at: string; id: string }>(page))), 'c', 'comparisons_newest');
    expectIndexed(plan(comparisonsPageQuery({ ...page, verdict: 'fail' })), 'c', 'comparisons_verdict_newest');
    expectIndexed(plan(cursorOf(modeLogPageQuery(page))), 'mode_changes', 'mode_changes_newest');
    expectIndexed(plan(modeLogPageQuery({ ...page, targetKind: 'workflow' })), 'mode_changes', 'mode_changes_newest');
  });

  it('review groups by their order index; a group\'s members and differences by its review-order indexes', () => {
    expectIndexed(plan(cursorOf(groupsQuery({ limit: 5 }))), 'g', 'review_groups_order');
    expectIndexed(plan(groupsQuery({ limit: 5, outputTypeKey: 'still_white_2k' })), 'g', 'review_groups_output_type');
    const groupId = backend.db.prepare<[], { id: string }>('SELECT id FROM review_groups LIMIT 1').get()?.id as string;
    expectIndexed(plan(cursorOf(membersQuery(groupId, false, 50))), 'c', 'comparisons_group_concern');
    expectIndexed(plan(cursorOf(membersQuery(groupId, true, 50))), 'c', 'comparisons_group_differences');
  });
  it('a text search reads the trigram index: a rare text drives from its matches, a common one keeps the newest-first index and LIKE', () => {
    // Sparse: the FTS table answers the matches, rows are fetched by rowid, the few matches sorted.
    const rare = linesPageQuery({ ...page, q: 'no such text' });
    expect(searchPlan(backend.db, rare.search!)).toBe('sparse');
    const lines = plan(rare, 'sparse').join('\n');
    expect(lines).toMatch(/SCAN order_lines_search VIRTUAL TABLE INDEX/);
    expect(lines).toMatch(/SEARCH l USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(lines).toMatch(/SEARCH l USING INDEX order_lines_cad \(cad_file_id=\?\)/);
    expect(lines).not.toMatch(/SCAN l\b/);
    for (const [query, fts, table] of [
      [runsPageQuery({ ...page, q: 'legacy.still' }), 'workflow_runs_search', 'r'],
      [assetsPageQuery({ ...page, q: '.jpg' }), 'media_assets_search', 'media_assets'],
      [notificationsPageQuery({ ...page, q: 'published' }), 'notifications_search', 'notifications'],
    ] as const) {
      const sparse = plan(query as KeysetQuery<unknown>, 'sparse').join('\n');
      expect(sparse).toMatch(new RegExp(`SCAN ${fts} VIRTUAL TABLE INDEX`));
      expect(sparse).toMatch(new RegExp(`SEARCH ${table} USING INTEGER PRIMARY KEY`));
      // Dense: the newest-first index drives, no sort, LIKE per row (the page fills after a few rows).
      const dense = plan(query as KeysetQuery<unknown>, 'dense').join('\n');
      expect(dense).not.toMatch(new RegExp(fts));
      expect(dense).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
    expectIndexed(plan(linesPageQuery({ ...page, q: 'still' })), 'l', 'order_lines_newest');
    // The probe counts matches up to its bound: many matches keep the index.
    expect(searchPlan(backend.db, assetsPageQuery({ ...page, q: '.jpg' }).search!, 100)).toBe('dense');
    expect(searchPlan(backend.db, assetsPageQuery({ ...page, q: '.jpg' }).search!)).toBe('sparse');
    // Matches through the CAD file's name count too: every line of part-0001 is one.
    const cadLines = seeded.lines / 6;
    expect(searchPlan(backend.db, linesPageQuery({ ...page, q: 'part-0001' }).search!, Math.floor(cadLines / 2))).toBe('dense');
    expect(searchPlan(backend.db, assetsPageQuery({ ...page, q: 'jp' }).search!)).toBe('dense');
    // Every order's lines newest first by their own index (no sort of the table).
    expectIndexed(plan(cursorOf(linesPageQuery(page))), 'l', 'order_lines_newest');
  });

  it('both plans answer the same rows; the index follows inserts, updates and deletes; short texts use LIKE', async () => {
    const db = backend.db;
    const rows = (query: KeysetQuery<{ id: string }>, p: SearchPlan) => {
      const { sql, params } = keysetSql(query, p);
      return db.prepare<unknown[], { id: string }>(sql).all(...params).map((r) => r.id);
    };
    for (const q of ['part-0001', 'still_white', 'l1', 'Ord_', 'notify']) {
      for (const query of [linesPageQuery({ limit: 500, q }), runsPageQuery({ limit: 500, q }), assetsPageQuery({ limit: 500, q }), notificationsPageQuery({ limit: 500, q })] as KeysetQuery<{ id: string }>[]) {
        expect(rows(query, 'sparse'), `${query.list} ${q}`).toEqual(rows(query, 'dense'));
      }
    }
    // Case does not matter, as with LIKE; a quote or an FTS operator is text.
    const upper = await ok<PageOf<{ id: string }>>('runs.list', { q: 'PART-0003', limit: 500 });
    expect(upper.items.length).toBe((await ok<PageOf<unknown>>('runs.list', { q: 'part-0003', limit: 500 })).items.length);
    expect(upper.items.length).toBeGreaterThan(0);
    expect((await ok<PageOf<unknown>>('runs.list', { q: '"part" OR NOT x*' })).items).toEqual([]);
    // Two characters (under a trigram): LIKE, same answers.
    expect((await ok<PageOf<{ format: string }>>('assets.list', { q: 'pe', limit: 3 })).items.map((a) => a.format)).toEqual(['jpeg', 'jpeg', 'jpeg']);
    // The triggers keep the index in step with the table.
    const one = db.prepare<[], { id: string; target: string }>('SELECT id, target FROM notifications LIMIT 1').get()!;
    db.prepare('UPDATE notifications SET target = ? WHERE id = ?').run('http://hooks.example/renamed-target', one.id);
    expect((await ok<PageOf<{ id: string }>>('notifications.list', { q: 'renamed-target' })).items.map((n) => n.id)).toEqual([one.id]);
    db.prepare('UPDATE notifications SET target = ? WHERE id = ?').run(one.target, one.id);
    expect((await ok<PageOf<unknown>>('notifications.list', { q: 'renamed-target' })).items).toEqual([]);
    const asset = db.prepare<[], { id: string; file: string }>('SELECT id, file FROM media_assets LIMIT 1').get()!;
    db.prepare("INSERT INTO media_assets_search(media_assets_search) VALUES ('integrity-check')").run();
    db.prepare('DELETE FROM media_assets WHERE id = ?').run(asset.id);
    expect((await ok<PageOf<unknown>>('assets.list', { q: asset.file })).items).toEqual([]);
    db.prepare("INSERT INTO media_assets_search(media_assets_search) VALUES ('integrity-check')").run();
  });
});
