import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError, openDatabase, SchemaTooNewError, schemaVersion } from './open-database';
import { LATEST_SCHEMA_VERSION, migrations, type Migration } from './migrations';
import { makeTempDir } from '../../testing/temp-dir';
import { sha256FileSync as sha } from '../files/sha256-file';

describe('openDatabase', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  beforeEach(() => {
    tmp = makeTempDir();
    file = path.join(tmp.dir, 'lightbox.db');
  });
  afterEach(() => tmp.cleanup());

  it('creates a WAL database at the latest schema version', () => {
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toContain('preflight_reports');
    db.close();
  });

  it('v7 marks node runs whose log says they reused a stored output, and only those', () => {
    const v6 = openDatabase(file, migrations.filter((m) => m.version <= 6));
    v6.prepare("INSERT INTO workflow_runs (id, family, attempt, mode, role, status, started_at) VALUES ('r', 'cad_file', 1, 'graph', 'shadow', 'succeeded', 'now')").run();
    const node = v6.prepare("INSERT INTO node_runs (run_id, node_id, node_type, step_index, status, log) VALUES ('r', ?, 'prepare_scene', ?, ?, ?)");
    node.run('a', 0, 'succeeded', 'reused the stored output (cache key matched)\n');
    node.run('b', 1, 'succeeded', 'rendered\n');
    node.run('c', 2, 'failed', 'reused the stored output (cache key matched)\n');
    v6.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT node_id, reused FROM node_runs ORDER BY node_id').all()).toEqual([
      { node_id: 'a', reused: 1 },
      { node_id: 'b', reused: 0 },
      { node_id: 'c', reused: 0 },
    ]);
    db.close();
  });

  it("v8 keeps an output type's mode once, in execution_mode: the profile's mode (what was read) wins, none is null", () => {
    const v7 = openDatabase(file, migrations.filter((m) => m.version <= 7));
    const profile = (executionMode?: string) =>
      JSON.stringify({ key: 'k', name: 'K', artifact: 'still', active: true, extra: {}, profile: { workflowId: 'w', workflowRevision: 1, parameterValues: { a: 1 }, artifact: { kind: 'still' }, ...(executionMode ? { executionMode } : {}), revisionPolicy: 'pinned' } });
    const insert = v7.prepare("INSERT INTO output_types (key, name, artifact, execution_mode, legacy_json, profile_json, created_at, updated_at) VALUES (?, 'K', 'still', ?, ?, ?, 'then', 'then')");
    insert.run('graph', 'graph', null, profile('graph'));
    insert.run('follows', 'legacy', '{}', profile());
    insert.run('preset', 'legacy', '{}', null);
    insert.run('disagree', 'legacy', null, profile('shadow'));
    v7.close();
    const db = openDatabase(file);
    const rows = db.prepare('SELECT key, execution_mode AS mode, profile_json AS json FROM output_types ORDER BY key').all() as { key: string; mode: string | null; json: string | null }[];
    expect(rows.map((r) => [r.key, r.mode])).toEqual([
      ['disagree', 'shadow'],
      ['follows', null],
      ['graph', 'graph'],
      ['preset', null],
    ]);
    expect(rows.find((r) => r.key === 'graph')?.json).toBe(profile());
    expect(rows.every((r) => r.json === null || !r.json.includes('executionMode'))).toBe(true);
    expect(() => db.prepare("UPDATE output_types SET execution_mode = 'fast' WHERE key = 'graph'").run()).toThrow(/CHECK/);
    db.close();
  });

  it('v22 gives each comparison its group, worst delta, CAD file and reviewed flag, and rolls the groups up; later rows keep the rollup in step', () => {
    const v21 = openDatabase(file, migrations.filter((m) => m.version <= 21));
    v21.pragma('foreign_keys = OFF');
    const report = (meanErrors: number[], missing = false) =>
      JSON.stringify({ verdict: 'pass', reasons: ['r'], records: [], thresholds: {}, artifacts: [...meanErrors.map((e) => ({ kind: 'still', pixels: { meanError: e }, frames: [] })), ...(missing ? [{ kind: 'missing', frames: [] }] : [])] });
    const insert = v21.prepare(
      "INSERT INTO comparisons (id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, workflow_content_hash, verdict, report_json, created_at, cad_file_sha256) VALUES (?, 'k', 'l', 's', 'w', ?, ?, ?, ?, ?, ?)",
    );
    const hashA = 'a'.repeat(64);
    insert.run('c1', 1, hashA, 'pass', report([0.001, 0.004]), '2026-01-01T00:00:01Z', 'f'.repeat(64));
    insert.run('c2', 2, hashA, 'warn', report([0.02]), '2026-01-01T00:00:02Z', 'e'.repeat(64));
    insert.run('c3', 1, hashA, 'fail', report([0.001], true), '2026-01-01T00:00:03Z', null);
    insert.run('c4', 3, 'b'.repeat(64), 'pass', report([]), '2026-01-01T00:00:04Z', 'f'.repeat(64));
    v21.prepare("INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at) VALUES ('r1', 'c3', 'reject', NULL, 'lead', 'then')").run();
    v21.close();

    const db = openDatabase(file);
    const groupOf = (hash: string) => `g-${createHash('sha256').update(JSON.stringify(['k', 'w', hash])).digest('hex').slice(0, 16)}`;
    expect(db.prepare('SELECT id, group_id, worst_delta, reviewed FROM comparisons ORDER BY id').all()).toEqual([
      { id: 'c1', group_id: groupOf(hashA), worst_delta: 0.004, reviewed: 0 },
      { id: 'c2', group_id: groupOf(hashA), worst_delta: 0.02, reviewed: 0 },
      { id: 'c3', group_id: groupOf(hashA), worst_delta: 1, reviewed: 1 },
      { id: 'c4', group_id: groupOf('b'.repeat(64)), worst_delta: 0, reviewed: 0 },
    ]);
    const rollup = db.prepare('SELECT pass, warn, fail, pending_pass, pending_warn, pending_fail, last_at FROM review_groups WHERE id = ?');
    expect(rollup.get(groupOf(hashA))).toEqual({ pass: 1, warn: 1, fail: 1, pending_pass: 1, pending_warn: 1, pending_fail: 0, last_at: '2026-01-01T00:00:03Z' });
    expect(db.prepare('SELECT revision FROM review_group_revisions WHERE group_id = ? ORDER BY revision').pluck().all(groupOf(hashA))).toEqual([1, 2]);
    expect(db.prepare('SELECT cad_file_sha256 AS f, worst_pass AS w FROM review_group_cad_files WHERE group_id = ? ORDER BY f').all(groupOf(hashA))).toEqual([
      { f: '', w: null },
      { f: 'e'.repeat(64), w: null },
      { f: 'f'.repeat(64), w: 0.004 },
    ]);
    // After the migration the triggers keep it: a new comparison counts, a first review takes it out of the pending set.
    db.pragma('foreign_keys = OFF');
    db.prepare(
      "INSERT INTO comparisons (id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, workflow_content_hash, verdict, report_json, created_at, group_id, worst_delta) VALUES ('c5', 'k', 'l', 's', 'w', 4, ?, 'pass', '{}', '2026-01-02T00:00:00Z', ?, 0.5)",
    ).run(hashA, groupOf(hashA));
    db.prepare("INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at) VALUES ('r2', 'c2', 'approve', NULL, 'lead', 'then')").run();
    expect(rollup.get(groupOf(hashA))).toEqual({ pass: 2, warn: 1, fail: 1, pending_pass: 2, pending_warn: 0, pending_fail: 0, last_at: '2026-01-02T00:00:00Z' });
    expect(db.prepare('SELECT worst_pass FROM review_group_cad_files WHERE group_id = ? AND cad_file_sha256 = ?').pluck().get(groupOf(hashA), '')).toBe(0.5);
    db.close();
  });

  it('applies only the pending migrations, each once', () => {
    const calls: number[] = [];
    const make = (version: number): Migration => ({
      version,
      name: `m${version}`,
      up: (db) => {
        calls.push(version);
        db.exec(`CREATE TABLE t${version} (x INTEGER) STRICT`);
      },
    });
    openDatabase(file, [make(1)]).close();
    const db = openDatabase(file, [make(1), make(2), make(3)]);
    expect(calls).toEqual([1, 2, 3]);
    expect(schemaVersion(db)).toBe(3);
    db.close();
  });

  it('rolls back a failing migration whole, leaving the previous version', () => {
    openDatabase(file, [{ version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') }]).close();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE b (x INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, [{ version: 1, name: 'one', up: () => {} }, broken])).toThrow('boom');
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    check.close();
  });

  it('refuses a database from a newer Lightbox with a clear message and leaves the file untouched', () => {
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    const before = sha(file);
    let caught: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SchemaTooNewError);
    expect((caught as Error).message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 5}`);
    expect((caught as Error).message).toMatch(/newer than this Lightbox supports/);
    expect(sha(file)).toBe(before);
    // Still in rollback-journal mode: nothing switched it to WAL.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('names a file that is not a database', () => {
    fs.writeFileSync(file, 'this is not sqlite at all, just text '.repeat(200));
    expect(() => openDatabase(file)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(file)).toThrow(/lightbox\.db/);
  });
});
