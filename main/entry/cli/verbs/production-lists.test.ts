import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../../testing/cli-capture';
import { exampleDocuments } from '../../../catalog/legacy/legacy-testing';
import { testBackend } from '../../../testing/node-backend';
import { makeTempDir } from '../../../testing/temp-dir';
import { seedHistory, type SeededHistory } from '../../../testing/seed-history';

/** The list verbs page like the contract: --limit, --cursor, --all (JSON lines), on a seeded data directory. */
let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let seeded: SeededHistory;
const cli = (args: string[]) => cliOn(dataDir, args);

beforeAll(async () => {
  tmp = makeTempDir('lightbox-list-verbs-');
  dataDir = path.join(tmp.dir, 'data');
  const backend = testBackend(dataDir);
  try {
    backend.legacy.import(exampleDocuments());
    seeded = await seedHistory(backend, { lines: 330, cadFiles: 4, linesPerOrder: 6, bigOrderLines: 120, dispatchedShare: 0.5, publishedShare: 1, shadowShare: 0 });
  } finally {
    await backend.close();
  }
}, 120_000);
afterAll(() => tmp.cleanup());

describe('list verbs', () => {
  it('print one page with the cursor of the next; --cursor goes on from it without repeating a row', async () => {
    const first = await cli(['order', 'list', '--limit', '20']);
    expect(first.code, first.err).toBe(0);
    const lines = first.out.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    const cursor = /^More: --cursor (\S+)$/.exec(lines.at(-1) as string)?.[1] as string;
    expect(cursor).toBeTruthy();
    const second = await cli(['order', 'list', '--limit', '20', '--cursor', cursor, '--json']);
    const page = JSON.parse(second.out) as { orders: { id: string }[]; nextCursor: string | null };
    expect(page.orders).toHaveLength(Math.min(20, seeded.orderIds.length - 20));
    const firstIds = lines.slice(0, 20).map((l) => l.split(' ')[0]);
    expect(page.orders.map((o) => o.id).filter((id) => firstIds.includes(id))).toEqual([]);
  });

  it('--all streams every item as JSON lines, page after page', async () => {
    const all = await cli(['order', 'lines', '--order', seeded.bigOrderId as string, '--all', '--limit', '25']);
    expect(all.code, all.err).toBe(0);
    const rows = all.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { lineNo: number; orderId: string });
    expect(rows.map((r) => r.lineNo)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.length).toBeGreaterThanOrEqual(120);
    const assets = await cli(['assets', 'list', '--all']);
    expect(assets.out.trimEnd().split('\n')).toHaveLength(seeded.assets);
    const notifications = await cli(['notifications', 'list', '--state', 'pending', '--all']);
    expect(notifications.out.trimEnd().split('\n')).toHaveLength(seeded.notifications);
    const runs = await cli(['runs', 'list', '--all', '--status', 'succeeded']);
    expect(runs.out.trimEnd().split('\n')).toHaveLength(seeded.runs);
    const cad = await cli(['cad', 'list', '--search', 'part-0001', '--json']);
    expect((JSON.parse(cad.out) as { cadFiles: { name: string }[] }).cadFiles.map((f) => f.name)).toEqual(['part-0001.stp']);
  });

  it('refuses a bad cursor, limit or status, naming the flag or field and the value', async () => {
    const bad = await cli(['runs', 'list', '--cursor', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('cursor "nope" is not a cursor of runs.list');
    const foreign = JSON.parse((await cli(['order', 'list', '--limit', '1', '--json'])).out) as { nextCursor: string };
    const wrong = await cli(['cad', 'list', '--cursor', foreign.nextCursor, '--json']);
    expect(JSON.parse(wrong.out)).toMatchObject({ error: { path: 'cursor', message: expect.stringContaining('it belongs to orders.list') } });
    const limit = await cli(['assets', 'list', '--limit', '501']);
    expect(limit.code).toBe(2);
    expect(limit.err).toContain('--limit must be at most 500, not "501"');
    const status = await cli(['order', 'lines', '--status', 'done']);
    expect(status.code).toBe(2);
    expect(status.err).toContain('--status must be queued, rendering, succeeded, failed, cancelled, not "done"');
  });
});
