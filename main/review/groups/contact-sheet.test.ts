import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/open-database';
import { makeTempDir } from '../../testing/temp-dir';
import { createContactSheet } from './contact-sheet';

/**
 * The contact sheet's sample, in SQL on a real database: comparisons are rows of one group (the
 * runs they point at are not the subject, so foreign keys are off here); the group's CAD files and
 * their worst passing deltas come from the rollup the triggers keep.
 */
let tmp: ReturnType<typeof makeTempDir>;
let db: Database.Database;
const sha = (c: string) => c.repeat(64);
let n = 0;
function add(id: string, verdict: 'pass' | 'warn' | 'fail', cad: string | null, delta: number, reviewed = false) {
  db.prepare(
    `INSERT INTO comparisons (id, output_type_key, legacy_run_id, shadow_run_id, verdict, report_json, created_at, group_id, worst_delta, cad_file_sha256)
     VALUES (?, 'k', 'l', 's', ?, '{"reasons":[]}', ?, 'g-1', ?, ?)`,
  ).run(id, verdict, new Date(Date.UTC(2026, 0, 1, 0, 0, n++)).toISOString(), delta, cad === null ? null : sha(cad));
  if (reviewed) db.prepare("INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at) VALUES (?, ?, 'approve', NULL, 'lead', '2026-01-02')").run(`r-${id}`, id);
}

beforeEach(() => {
  n = 0;
  tmp = makeTempDir('lightbox-contact-sheet-');
  db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
  db.pragma('foreign_keys = OFF');
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

describe('contact sheet', () => {
  it('shows every pair of a small group in review order: pending first, differences first, then the worst delta', () => {
    add('p1', 'pass', 'a', 0.001);
    add('w', 'warn', 'a', 0.01);
    add('p2', 'pass', 'b', 0.004);
    add('f', 'fail', 'b', 1, true);
    expect(createContactSheet(db)('g-1', 4, 4)).toEqual({ sampled: false, comparisonIds: ['w', 'p2', 'p1', 'f'], total: 4 });
  });

  it('samples a large group: the worst differences, then each CAD file worst first, round-robin, unknown files as one stratum', () => {
    for (let i = 0; i < 10; i++) add(`a${i}`, 'pass', 'a', i / 1000);
    for (let i = 0; i < 3; i++) add(`b${i}`, 'pass', 'b', i / 1000);
    add('c0', 'pass', 'c', 0);
    add('u0', 'pass', null, 0.0005);
    add('f', 'fail', 'a', 1);
    expect(createContactSheet(db)('g-1', 16, 7)).toEqual({ sampled: true, comparisonIds: ['f', 'a9', 'b2', 'u0', 'c0', 'a8', 'b1'], total: 16 });
    // The rollup the sample reads: each file's worst passing delta ('' for the unknown one).
    expect(db.prepare("SELECT cad_file_sha256 AS f, worst_pass AS w FROM review_group_cad_files WHERE group_id = 'g-1' ORDER BY worst_pass DESC").all()).toEqual([
      { f: sha('a'), w: 0.009 },
      { f: sha('b'), w: 0.002 },
      { f: '', w: 0.0005 },
      { f: sha('c'), w: 0 },
    ]);
  });

  it('stays bounded when differences alone fill it: the worst of them, never every one', () => {
    for (let i = 0; i < 40; i++) add(`w${String(i).padStart(2, '0')}`, 'warn', 'a', i / 100);
    for (let i = 0; i < 5; i++) add(`p${i}`, 'pass', 'b', 0);
    const sheet = createContactSheet(db)('g-1', 45, 6);
    expect(sheet).toEqual({ sampled: true, comparisonIds: ['w39', 'w38', 'w37', 'w36', 'w35', 'w34'], total: 45 });
  });

  it('keeps the group rollup in step: counts, pending counts and the newest activity', () => {
    add('p1', 'pass', 'a', 0);
    add('w1', 'warn', 'a', 0.01);
    add('f1', 'fail', 'b', 1, true);
    expect(db.prepare("SELECT pass, warn, fail, pending_pass, pending_warn, pending_fail, sort_key FROM review_groups WHERE id = 'g-1'").get()).toEqual({
      pass: 1, warn: 1, fail: 1, pending_pass: 1, pending_warn: 1, pending_fail: 0, sort_key: '12026-01-01T00:00:02.000Z',
    });
    // A second review of a comparison changes nothing; a first review of the others leaves nothing pending.
    db.prepare("INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at) VALUES ('r2', 'f1', 'reject', NULL, 'lead', '2026-01-03')").run();
    for (const id of ['p1', 'w1']) db.prepare("INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at) VALUES (?, ?, 'approve', NULL, 'lead', '2026-01-03')").run(`r-${id}`, id);
    expect(db.prepare("SELECT pending_pass, pending_warn, pending_fail, sort_key FROM review_groups WHERE id = 'g-1'").get()).toEqual({ pending_pass: 0, pending_warn: 0, pending_fail: 0, sort_key: '02026-01-01T00:00:02.000Z' });
  });
});
