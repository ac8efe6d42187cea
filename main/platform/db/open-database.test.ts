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
