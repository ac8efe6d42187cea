import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PUSH_ITEMS, type SyncPullResult, type SyncPushResult } from '../../../shared/sync/api';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { createPeopleStore } from '../../platform/people/people-store';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { seedHistory } from '../../testing/seed-history';
import type { HubConnection } from './workstation-sync';

/**
 * Sync at a studio's volume (issue 21): a workstation with more records waiting than one push may
 * carry (the contract takes at most MAX_PUSH_ITEMS), seeded through the services, syncs in one run;
 * afterwards a sync reads only what came after its marks.
 */
const HUB = 'http://hub.test';
let tmp: ReturnType<typeof makeTempDir>;
let hub: Backend;
let a: Backend;
const connection: HubConnection = {
  pull: async (input) => {
    const r = await hub.dispatch('sync.pull', input, { transport: 'http' });
    if (!r.ok) throw new Error(r.error.message);
    return r.result as SyncPullResult;
  },
  push: async (input) => {
    const r = await hub.dispatch('sync.push', { ...input, who: 'lee' }, { transport: 'http' });
    if (!r.ok) throw new Error(r.error.message);
    return r.result as SyncPushResult;
  },
};

beforeAll(async () => {
  tmp = makeTempDir('lightbox-sync-scale-');
  hub = testBackend(path.join(tmp.dir, 'hub'));
  a = testBackend(path.join(tmp.dir, 'a'));
  createPeopleStore(hub.db).add('lee', 'lead');
  a.legacy.import(exampleDocuments());
  await seedHistory(a, { lines: 20_000, cadFiles: 8, linesPerOrder: 20, bigOrderLines: 1_000, dispatchedShare: 0.6, publishedShare: 0.8, shadowShare: 0, batch: 100 });
}, 120_000);
afterAll(async () => {
  await a?.close();
  await hub?.close();
  tmp?.cleanup();
});

describe('sync at volume', () => {
  it('more records than one push carries go in one sync, cut into pushes; then status and a sync read only what is new', async () => {
    const localRuns = (a.db.prepare("SELECT count(*) AS n FROM workflow_runs WHERE origin IS NULL AND status <> 'running'").get() as { n: number }).n;
    expect(localRuns).toBeGreaterThan(MAX_PUSH_ITEMS);
    const waiting = a.sync.status(HUB).pending;
    expect(waiting).toBeGreaterThanOrEqual(localRuns);

    const first = await a.sync.run(connection, HUB);
    expect(first.refused).toEqual([]);
    expect(first.pushed).toBe(waiting);
    expect(first.byKind?.run?.pushed).toBe(localRuns);
    expect((hub.db.prepare('SELECT count(*) AS n FROM workflow_runs WHERE origin IS NOT NULL').get() as { n: number }).n).toBe(localRuns);

    // In step: the run mark sits at the newest run, nothing waits, nothing moves.
    const newest = a.db.prepare<[], { seq: number; key: string }>('SELECT rowid AS seq, id AS key FROM workflow_runs WHERE origin IS NULL ORDER BY rowid DESC LIMIT 1').get();
    expect(a.db.prepare("SELECT seq, key FROM sync_watermarks WHERE scope = ? AND kind = 'run'").get(HUB)).toEqual(newest);
    expect(a.sync.status(HUB).pending).toBe(0);
    expect(await a.sync.run(connection, HUB)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
  }, 120_000);
});
