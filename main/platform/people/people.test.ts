import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open-database';
import { makeTempDir } from '../../testing/temp-dir';
import { ApiFailure } from '../../../shared/contract/errors';
import { createPeopleStore, type PeopleStore } from './people-store';
import { auditTarget, createAuditLog } from './audit-log';
import { tokenHash, TOKEN_PREFIX } from './tokens';
import { createCallGuard } from './call-guard';

function failure(fn: () => unknown): ApiFailure {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiFailure) return error;
    throw error;
  }
  throw new Error('expected an ApiFailure, but the call succeeded');
}

describe('people', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  let db: Database.Database;
  let people: PeopleStore;
  let tick = 0;
  beforeEach(() => {
    tmp = makeTempDir();
    file = path.join(tmp.dir, 'lightbox.db');
    db = openDatabase(file);
    tick = 0;
    people = createPeopleStore(db, { now: () => new Date(Date.UTC(2026, 11, 2, 8, 0, tick++)) });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('adds a person with a high-entropy token shown once and stored only as its sha256', () => {
    const { person, token } = people.add('maria', 'artist');
    expect(person).toEqual({ name: 'maria', role: 'artist', createdAt: '2026-12-02T08:00:00.000Z', revokedAt: null });
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(people.add('olaf', 'lead').token).not.toBe(token);

    const stored = db.prepare('SELECT * FROM people').all();
    expect(stored).toEqual([
      expect.objectContaining({ name: 'maria', role: 'artist', token_hash: tokenHash(token) }),
      expect.objectContaining({ name: 'olaf', role: 'lead' }),
    ]);
    expect(JSON.stringify(stored)).not.toContain(token);
    // Not in any table, nor in the database files on disk.
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of fs.readdirSync(tmp.dir)) expect(fs.readFileSync(path.join(tmp.dir, f)).includes(token)).toBe(false);
    expect(people.list()).toEqual([person, expect.objectContaining({ name: 'olaf', role: 'lead' })]);
    expect(JSON.stringify(people.list())).not.toMatch(/token|[0-9a-f]{64}/);
  });

  it('authenticates a token to its person; an unknown or revoked one is refused without repeating it', () => {
    const { token } = people.add('maria', 'lead');
    expect(people.authenticate(token)).toEqual({ ok: true, person: expect.objectContaining({ name: 'maria', role: 'lead' }) });
    const forged = `${token.slice(0, -2)}xx`;
    expect(people.authenticate(forged)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(people.authenticate('')).toMatchObject({ ok: false, reason: 'unknown' });

    const revoked = people.revoke('maria');
    expect(revoked.revokedAt).toBe('2026-12-02T08:00:01.000Z');
    const refused = people.authenticate(token);
    expect(refused).toEqual({ ok: false, reason: 'revoked', message: 'the token of maria was revoked at 2026-12-02T08:00:01.000Z' });
    expect(JSON.stringify(refused)).not.toContain(token);
    // Revoking again answers the first revocation.
    expect(people.revoke('maria')).toEqual(revoked);
  });

  it('refuses a second active person of the same name, a bad name or role, and revoking nobody; a revoked name can come back with a new token', () => {
    const first = people.add('maria', 'artist');
    expect(failure(() => people.add('maria', 'lead'))).toMatchObject({ code: 'person_exists', path: 'name' });
    expect(failure(() => people.add('has space', 'artist'))).toMatchObject({ code: 'invalid_input', path: 'name', message: expect.stringContaining('"has space"') });
    expect(failure(() => people.add('', 'artist')).path).toBe('name');
    expect(failure(() => people.add('bob', 'owner' as never))).toMatchObject({ path: 'role', message: expect.stringContaining('"owner"') });
    expect(failure(() => people.revoke('nobody'))).toMatchObject({ code: 'not_found', path: 'name' });
    expect(people.list()).toHaveLength(1);

    people.revoke('maria');
    const again = people.add('maria', 'lead');
    expect(again.token).not.toBe(first.token);
    expect(people.authenticate(first.token)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(people.authenticate(again.token)).toMatchObject({ ok: true, person: { name: 'maria', role: 'lead' } });
    expect(people.list().map((p) => [p.name, p.role, p.revokedAt !== null])).toEqual([
      ['maria', 'artist', true],
      ['maria', 'lead', false],
    ]);
  });

  it('the audit log records who, when, what method and target, newest first, and is append-only', () => {
    let t = 0;
    const audit = createAuditLog(db, { now: () => new Date(Date.UTC(2026, 11, 2, 9, 0, t++)) });
    const first = audit.record({ who: 'maria', role: 'artist', method: 'workflows.save', target: auditTarget({ document: { id: 'still', nodes: [] }, note: 'x' }), outcome: 'allowed' });
    expect(first).toEqual({ id: expect.any(Number), at: '2026-12-02T09:00:00.000Z', who: 'maria', role: 'artist', method: 'workflows.save', target: 'still', outcome: 'allowed', detail: null });
    audit.record({ who: 'maria', role: 'artist', method: 'comparisons.review', target: auditTarget({ id: 'cmp-1', decision: 'approve' }), outcome: 'denied', detail: 'approving or rejecting a comparison needs the lead role; maria is an artist' });
    audit.record({ who: '(no token)', method: 'rollout.set', target: auditTarget({ target: 'still_white_2k', mode: 'graph' }), outcome: 'denied' });

    expect(audit.list().map((e) => [e.who, e.method, e.target, e.outcome])).toEqual([
      ['(no token)', 'rollout.set', 'still_white_2k', 'denied'],
      ['maria', 'comparisons.review', 'cmp-1', 'denied'],
      ['maria', 'workflows.save', 'still', 'allowed'],
    ]);
    expect(audit.list({ who: 'maria', method: 'comparisons.review' })).toEqual([expect.objectContaining({ role: 'artist', detail: expect.stringContaining('needs the lead role') })]);
    expect(audit.list({ limit: 1 })).toHaveLength(1);

    expect(() => db.prepare("UPDATE audit_log SET who = 'someone else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT OR REPLACE INTO audit_log (id, at, who, method, outcome) VALUES (?, 'now', 'x', 'y', 'allowed')").run(first.id)).toThrow(/append-only/);
    expect(audit.list()).toHaveLength(3);
  });

  it('an audit target is a short id-like field of the input, never a document or a chunk of a file', () => {
    expect(auditTarget({ key: 'still_white_2k' })).toBe('still_white_2k');
    expect(auditTarget({ runId: 'r1', fromNode: 'n' })).toBe('r1');
    expect(auditTarget({ uploadId: 'u1', offset: 0, data: 'A'.repeat(1000) })).toBe('u1');
    expect(auditTarget({ document: { id: 'w' } })).toBe('w');
    expect(auditTarget({ id: 'x'.repeat(500) })).toBeNull();
    expect(auditTarget({})).toBeNull();
    expect(auditTarget(null)).toBeNull();
  });
});

describe('the call guard the hub puts in front of its dispatch', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database.Database;
  beforeEach(() => {
    tmp = makeTempDir();
    db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('answers 401 without a working token, 403 with the rule in words, and records refusals and changes, not reads', () => {
    const people = createPeopleStore(db);
    const audit = createAuditLog(db);
    const guard = createCallGuard({ people, audit });
    const maria = people.add('maria', 'artist').token;
    const olaf = people.add('olaf', 'lead').token;

    expect(guard.check(undefined, 'workflows.get', { id: 'w' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(guard.check('lbx_forged', 'workflows.get', { id: 'w' })).toMatchObject({ ok: false, error: { code: 'unauthorized', message: 'reading a workflow is open to every person; the token is not one this hub issued' } });
    const denied = guard.check(maria, 'comparisons.review', { id: 'cmp-1', decision: 'approve' });
    expect(denied).toEqual({ ok: false, error: { code: 'forbidden', message: 'approving or rejecting a comparison needs the lead role; maria is an artist', path: '' } });

    const read = guard.check(maria, 'workflows.get', { id: 'w' });
    if (!read.ok) throw new Error(read.error.message);
    read.done();
    const approve = guard.check(olaf, 'comparisons.review', { id: 'cmp-1', decision: 'approve' });
    if (!approve.ok) throw new Error(approve.error.message);
    approve.done();
    const save = guard.check(maria, 'workflows.save', { document: { id: 'w' } });
    if (!save.ok) throw new Error(save.error.message);
    save.done({ code: 'revision_conflict', message: 'workflow "w" is at revision 2', path: 'revision' });

    people.revoke('olaf');
    expect(guard.check(olaf, 'rollout.status', {})).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringContaining('the token of olaf was revoked at') } });

    expect(audit.list().reverse().map((e) => [e.who, e.method, e.target, e.outcome])).toEqual([
      ['(no token)', 'workflows.get', 'w', 'denied'],
      ['(unknown token)', 'workflows.get', 'w', 'denied'],
      ['maria', 'comparisons.review', 'cmp-1', 'denied'],
      ['olaf', 'comparisons.review', 'cmp-1', 'allowed'],
      ['maria', 'workflows.save', 'w', 'failed'],
      ['(revoked token)', 'rollout.status', null, 'denied'],
    ]);
    expect(JSON.stringify(audit.list())).not.toContain(maria);
    expect(JSON.stringify(audit.list())).not.toContain(olaf);
  });
});
