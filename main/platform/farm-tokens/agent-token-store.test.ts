import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openDatabase } from '../db/open-database';
import { makeTempDir } from '../../testing/temp-dir';
import { ApiFailure } from '../../../shared/contract/errors';
import { tokenHash } from '../people/tokens';
import { createAgentTokenStore } from './agent-token-store';

describe('render agent tokens', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database.Database;
  let now = new Date('2026-12-02T10:00:00.000Z');
  beforeEach(() => {
    tmp = makeTempDir();
    db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('keeps only the sha256 of a token, authenticates it, and refuses it once revoked, naming the agent and never the token', () => {
    const store = createAgentTokenStore(db, { now: () => now });
    const { token, agentToken } = store.create('render-01');
    expect(agentToken).toEqual({ name: 'render-01', createdAt: now.toISOString(), revokedAt: null, expiresAt: null });
    const rows = db.prepare('SELECT * FROM farm_agent_tokens').all() as Record<string, unknown>[];
    expect(rows).toEqual([expect.objectContaining({ name: 'render-01', token_hash: tokenHash(token) })]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(store.authenticate(token)).toEqual({ ok: true, token: agentToken });
    expect(store.authenticate(`${token}x`)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(store.authenticate(null)).toMatchObject({ ok: false, reason: 'unknown' });

    // One active token per name; revoked, the name may have a new one, and the old one stays refused.
    expect(() => store.create('render-01')).toThrow(/already has a token/);
    now = new Date('2026-12-02T11:00:00.000Z');
    expect(store.revoke('render-01')).toMatchObject({ name: 'render-01', revokedAt: now.toISOString() });
    const refused = store.authenticate(token);
    expect(refused).toEqual({ ok: false, reason: 'revoked', message: `the token of render agent "render-01" was revoked at ${now.toISOString()}` });
    const again = store.create('render-01').token;
    expect(store.authenticate(again).ok).toBe(true);
    expect(store.authenticate(token).ok).toBe(false);
    expect(store.list().map((t) => [t.name, t.revokedAt !== null])).toEqual([['render-01', true], ['render-01', false]]);
  });

  it('a short-lived token (a pilot) stops working at its expiry', () => {
    const store = createAgentTokenStore(db, { now: () => now });
    const { token } = store.create('pilot-7', { expiresAt: new Date(now.getTime() + 60_000) });
    expect(store.authenticate(token).ok).toBe(true);
    now = new Date(now.getTime() + 60_000);
    expect(store.authenticate(token)).toMatchObject({ ok: false, reason: 'expired', message: expect.stringContaining('"pilot-7" expired at') });
    expect(() => store.create('pilot-8', { expiresAt: new Date(now.getTime() - 1) })).toThrow(/not in the future/);
  });

  it('refuses a bad name by field with the value found, and revoking an unknown name', () => {
    const store = createAgentTokenStore(db);
    const bad = (() => {
      try {
        store.create('has space');
      } catch (error) {
        return error as ApiFailure;
      }
      return null;
    })();
    expect(bad).toBeInstanceOf(ApiFailure);
    expect(bad).toMatchObject({ path: 'name', message: expect.stringContaining('"has space" must start with a letter or digit') });
    expect(() => store.revoke('nobody')).toThrow(/no render agent token named "nobody"/);
  });
});
