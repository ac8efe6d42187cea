import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../../testing/cli-capture';
import { queryDataDir } from '../../../testing/read-db';
import { makeTempDir } from '../../../testing/temp-dir';
import { tokenHash } from '../../../platform/people/tokens';

/** `lightbox users add|list|revoke` on a real data directory. */
let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
const cli = (args: string[]) => cliOn(dataDir, args);

beforeAll(() => {
  tmp = makeTempDir('lightbox-users-');
  dataDir = path.join(tmp.dir, 'data');
});
afterAll(() => tmp.cleanup());

describe('lightbox users', () => {
  let token = '';

  it('adds a person and prints the token once; only its hash is stored, and the change is in the audit log', async () => {
    const added = await cli(['users', 'add', 'maria', '--role', 'artist', '--json']);
    expect(added.code, added.err).toBe(0);
    const out = JSON.parse(added.out) as { name: string; role: string; token: string };
    expect(out).toEqual({ name: 'maria', role: 'artist', token: expect.stringMatching(/^lbx_[A-Za-z0-9_-]{43}$/) });
    token = out.token;
    expect(queryDataDir(dataDir, 'SELECT name, role, token_hash FROM people')).toEqual([{ name: 'maria', role: 'artist', token_hash: tokenHash(token) }]);
    const audit = queryDataDir<Record<string, unknown>>(dataDir, 'SELECT who, method, target, outcome, detail FROM audit_log');
    expect(audit).toEqual([expect.objectContaining({ who: expect.stringMatching(/^cli:/), method: 'people.add', target: 'maria', outcome: 'allowed', detail: 'role artist' })]);
    expect(JSON.stringify(audit)).not.toContain(token);
    const text = await cli(['users', 'add', 'olaf', '--role', 'lead']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^olaf \(lead\) added\. Token, shown only this once:\nlbx_\S+\n$/);
  });

  it('lists names, roles, created and revoked, never a token or its hash', async () => {
    const listed = await cli(['users', 'list', '--json']);
    expect(listed.code).toBe(0);
    const { people } = JSON.parse(listed.out) as { people: Record<string, unknown>[] };
    expect(people).toEqual([
      { name: 'maria', role: 'artist', createdAt: expect.any(String), revokedAt: null },
      { name: 'olaf', role: 'lead', createdAt: expect.any(String), revokedAt: null },
    ]);
    const text = (await cli(['users', 'list'])).out;
    for (const output of [listed.out, text]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(tokenHash(token));
    }
    expect(text).toMatch(/^maria\s+artist\s+added \S+\n/);
  });

  it('revokes a person: listed as revoked; a second add of an active name, a bad role or an unknown name is refused', async () => {
    const revoked = await cli(['users', 'revoke', 'maria', '--json']);
    expect(revoked.code, revoked.err).toBe(0);
    expect(JSON.parse(revoked.out)).toMatchObject({ name: 'maria', revokedAt: expect.any(String) });
    expect((await cli(['users', 'list'])).out).toMatch(/maria\s+artist\s+added \S+\s+revoked \S+/);

    const dup = await cli(['users', 'add', 'olaf', '--role', 'admin']);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('"olaf" is already a person here');
    const role = await cli(['users', 'add', 'zoe', '--role', 'owner']);
    expect(role.code).toBe(2);
    expect(role.err).toContain('--role must be artist, lead or admin, not "owner"');
    expect((await cli(['users', 'add', 'zoe'])).code).toBe(2);
    const unknown = await cli(['users', 'revoke', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no person "nobody"');
    const badName = await cli(['users', 'add', 'two words', '--role', 'artist', '--json']);
    expect(badName.code).toBe(1);
    expect(JSON.parse(badName.out)).toMatchObject({ error: { path: 'name' } });
  });

  it('no token is ever written to the data directory', () => {
    const files = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    for (const f of files) expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes(token), f.name).toBe(false);
  });
});
