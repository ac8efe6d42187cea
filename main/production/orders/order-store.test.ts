import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { cliOn } from '../../testing/cli-capture';

/** Cancelling a line before dispatch and archiving an order, on real SQLite (nothing renders). */
let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let backend: Backend;

const preset = { fileName: 'preset.still_small.json', text: JSON.stringify({ format: 'lightbox.legacy/render-preset@1', key: 'still_small', name: 'Small still', artifact: 'still', resolution: { width: 64, height: 48 }, renderer: { samples: 2 } }) };

beforeAll(() => {
  tmp = makeTempDir('lightbox-order-store-');
  dataDir = path.join(tmp.dir, 'data');
  backend = testBackend(dataDir);
  backend.legacy.import([preset]);
  backend.db
    .prepare(`INSERT INTO cad_files (id, sha256, name, bytes, source_path, status, created_at, updated_at) VALUES ('cad_a', 'a', 'bracket.stp', 1, '/nowhere', 'ready', 'now', 'now')`)
    .run();
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

const newOrder = (name: string, copies = 1) => backend.production.orders.create({ name, cadFileIds: ['cad_a'], outputTypeKeys: ['still_small'], copies });
const refusal = (fn: () => unknown): { code: string; message: string; path: string } => {
  try {
    fn();
  } catch (caught) {
    return caught as { code: string; message: string; path: string };
  }
  throw new Error('expected a refusal');
};

describe('order store', () => {
  it('a queued line cancelled is cancelled for good, with the time; dispatching it is refused by name and nothing runs', () => {
    const order = newOrder('Cancel me', 2);
    const [first, second] = order.lines;
    const line = backend.production.orders.withdraw(first!.id);
    expect(line).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(Date.parse(line.cancelledAt ?? '')).not.toBeNaN();
    // Cancelling again changes nothing, the time included.
    expect(backend.production.orders.withdraw(first!.id).cancelledAt).toBe(line.cancelledAt);

    const refused = refusal(() => backend.production.dispatcher.start(first!.id));
    expect(refused).toMatchObject({ code: 'line_cancelled', path: 'orderLineId' });
    expect(refused.message).toMatch(new RegExp(`^order line ${first!.id} was cancelled at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC before it was dispatched`));
    expect(backend.production.runs.ofOrderLine(first!.id)).toEqual([]);
    expect(backend.production.orders.line(first!.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
    // The other line of the order is untouched.
    expect(backend.production.orders.line(second!.id)).toMatchObject({ status: 'queued', cancelledAt: null });
  });

  it('a succeeded or rendering line is not cancelled this way; an unknown line is named', () => {
    const [line] = newOrder('Done').lines;
    backend.db.prepare(`UPDATE order_lines SET status = 'succeeded' WHERE id = ?`).run(line!.id);
    expect(refusal(() => backend.production.orders.withdraw(line!.id))).toMatchObject({ code: 'already_done', path: 'orderLineId' });
    backend.db.prepare(`UPDATE order_lines SET status = 'rendering' WHERE id = ?`).run(line!.id);
    expect(refusal(() => backend.production.orders.withdraw(line!.id))).toMatchObject({ code: 'busy' });
    expect(refusal(() => backend.production.orders.withdraw('ord_nope_l1'))).toMatchObject({ code: 'not_found', message: 'no order line "ord_nope_l1"', path: 'orderLineId' });
  });

  it('an archived order is hidden from the list by default, keeps when it was archived, and its lines are not dispatched until unarchived', () => {
    const order = newOrder('Old campaign');
    const archived = backend.production.orders.archive(order.id);
    expect(Date.parse(archived.archivedAt ?? '')).not.toBeNaN();
    expect(backend.production.orders.archive(order.id).archivedAt).toBe(archived.archivedAt);
    expect(backend.production.orders.page({ limit: 500 }).items.map((o) => o.id)).not.toContain(order.id);
    expect(backend.production.orders.page({ includeArchived: true, limit: 500 }).items.find((o) => o.id === order.id)).toMatchObject({ archivedAt: archived.archivedAt });

    const refused = refusal(() => backend.production.dispatcher.start(order.lines[0]!.id));
    expect(refused).toMatchObject({ code: 'order_archived', path: 'orderLineId' });
    expect(refused.message).toContain('belongs to order "Old campaign", archived at');
    expect(refusal(() => backend.production.orders.addLines(order.id, { cadFileIds: ['cad_a'], outputTypeKeys: ['still_small'] }))).toMatchObject({ code: 'order_archived' });
    expect(backend.production.runs.ofOrderLine(order.lines[0]!.id)).toEqual([]);

    const back = backend.production.orders.unarchive(order.id);
    expect(back.archivedAt).toBeNull();
    expect(backend.production.orders.page({ limit: 500 }).items.map((o) => o.id)).toContain(order.id);
    expect(() => backend.production.orders.assertDispatchable(order.lines[0]!.id)).not.toThrow();
    expect(refusal(() => backend.production.orders.archive('ord_missing'))).toMatchObject({ code: 'not_found', path: 'orderId' });
  });

  it('through the contract: orders.cancel on a queued line, orders.archive and orders.list { includeArchived }; bad input names the field', async () => {
    const order = newOrder('Contract');
    const cancelled = await backend.dispatch('orders.cancel', { orderLineId: order.lines[0]!.id }, { transport: 'http' });
    expect(cancelled).toMatchObject({ ok: true, result: { cancelled: true, line: { status: 'cancelled' } } });
    const dispatched = await backend.dispatch('orders.dispatch', { orderLineId: order.lines[0]!.id }, { transport: 'http' });
    expect(dispatched).toMatchObject({ ok: false, error: { code: 'line_cancelled', path: 'orderLineId' } });

    expect(await backend.dispatch('orders.archive', { orderId: order.id }, { transport: 'http' })).toMatchObject({ ok: true, result: { id: order.id, archivedAt: expect.any(String) } });
    const listed = (await backend.dispatch('orders.list', {}, { transport: 'http' })) as { ok: true; result: { items: { id: string }[] } };
    expect(listed.result.items.map((o) => o.id)).not.toContain(order.id);
    const all = (await backend.dispatch('orders.list', { includeArchived: true }, { transport: 'http' })) as { ok: true; result: { items: { id: string }[] } };
    expect(all.result.items.map((o) => o.id)).toContain(order.id);
    expect(await backend.dispatch('orders.archive', { orderId: 7 }, { transport: 'http' })).toMatchObject({ ok: false, error: { code: 'invalid_input', path: 'orderId' } });
  });

  it('CLI: lightbox order cancel LINE_ID and order archive / unarchive ORDER_ID', async () => {
    const order = newOrder('From the shell');
    const cancel = await cliOn(dataDir, ['order', 'cancel', order.lines[0]!.id]);
    expect(cancel).toMatchObject({ code: 0, err: '' });
    expect(cancel.out).toMatch(new RegExp(`^Cancelled ${order.lines[0]!.id} \\(line 1, bracket.stp × still_small\\)`));
    expect(backend.production.orders.line(order.lines[0]!.id)?.status).toBe('cancelled');

    expect((await cliOn(dataDir, ['order', 'archive', order.id])).out).toMatch(/^Archived From the shell/);
    expect(backend.production.orders.get(order.id)?.archivedAt).not.toBeNull();
    expect((await cliOn(dataDir, ['order', 'unarchive', order.id])).code).toBe(0);
    expect(backend.production.orders.get(order.id)?.archivedAt).toBeNull();

    const missing = await cliOn(dataDir, ['order', 'archive', 'ord_missing']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no order "ord_missing"');
  });
});
