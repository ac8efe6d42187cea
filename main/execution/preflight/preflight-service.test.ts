import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/open-database';
import { defaultSettings } from '../../platform/settings/defaults';
import { createPreflightService, KEPT_REPORTS } from './preflight-service';

let tmp: string;
let db: Database.Database;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-preflight-service-'));
  db = openDatabase(path.join(tmp, 'lightbox.db'));
});
afterAll(() => {
  db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('createPreflightService', () => {
  it('stores each run, returns the newest from last(), and shares a run in flight', async () => {
    // A missing Blender keeps the run fast; storage does not depend on the outcome.
    const service = createPreflightService({
      db,
      dataDir: path.join(tmp, 'data'),
      settings: () => ({ ...defaultSettings(2), blenderPath: path.join(tmp, 'missing-blender') }),
    });
    expect(service.last()).toBeNull();

    const first = service.run();
    const second = service.run();
    expect(second).toBe(first);
    const report = await first;
    expect(service.last()).toEqual(report);
    expect(db.prepare('SELECT COUNT(*) AS n FROM preflight_reports').get()).toEqual({ n: 1 });
    const row = db.prepare('SELECT ok, created_at FROM preflight_reports').get() as { ok: number; created_at: string };
    expect(row).toEqual({ ok: 0, created_at: report.startedAt });

    // Only the newest reports are kept.
    const insert = db.prepare("INSERT INTO preflight_reports (created_at, ok, report_json) VALUES ('old', 1, '{}')");
    for (let i = 0; i < KEPT_REPORTS + 10; i++) insert.run();
    const third = service.run();
    expect(third).not.toBe(first);
    const newest = await third;
    expect(db.prepare('SELECT COUNT(*) AS n FROM preflight_reports').get()).toEqual({ n: KEPT_REPORTS });
    expect(service.last()).toEqual(newest);
  });
});
