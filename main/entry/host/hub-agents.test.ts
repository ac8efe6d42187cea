import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentTokenStore } from '../../platform/farm-tokens/agent-token-store';
import { createAuditLog } from '../../platform/people/audit-log';
import { createPeopleStore } from '../../platform/people/people-store';
import { makeTempDir } from '../../testing/temp-dir';
import { createNodeBackend } from '../cli/node-backend';
import type { Backend } from '../app/backend';
import { createHubAccess } from './hub-access';

describe('hub actions agents.issueToken / agents.revokeToken', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let backend: Backend;
  beforeEach(() => {
    tmp = makeTempDir();
    backend = createNodeBackend(path.join(tmp.dir, 'data'), {});
  });
  afterEach(async () => {
    await backend.close();
    tmp.cleanup();
  });

  it('an admin issues a render agent token (shown once, stored hashed) and revokes it; others are refused with the rule; both are audited', async () => {
    const people = createPeopleStore(backend.db);
    const audit = createAuditLog(backend.db);
    const agentTokens = createAgentTokenStore(backend.db);
    const access = createHubAccess({ dispatch: backend.dispatch, people, audit, agentTokens });
    const admin = people.add('ada', 'admin').token;
    const lead = people.add('olaf', 'lead').token;
    const ctx = { transport: 'http' as const };

    const issued = await access.call(admin, 'agents.issueToken', { name: 'render-02', expiresInSeconds: 3600 }, ctx);
    expect(issued).toMatchObject({ ok: true, result: { name: 'render-02', token: expect.stringMatching(/^lbx_/), expiresAt: expect.any(String) } });
    const token = (issued as { result: { token: string } }).result.token;
    expect(agentTokens.authenticate(token).ok).toBe(true);

    expect(await access.call(lead, 'agents.issueToken', { name: 'render-03' }, ctx)).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'issuing a render agent token needs the admin role; olaf is a lead' } });
    expect(await access.call(admin, 'agents.issueToken', { name: 'bad name' }, ctx)).toMatchObject({ ok: false, error: { path: 'name' } });

    expect(await access.call(admin, 'agents.revokeToken', { name: 'render-02' }, ctx)).toMatchObject({ ok: true, result: { name: 'render-02', revokedAt: expect.any(String) } });
    expect(agentTokens.authenticate(token)).toMatchObject({ ok: false, reason: 'revoked' });
    const log = audit.list({ method: 'agents.issueToken' });
    expect(log.map((e) => [e.who, e.outcome])).toEqual(expect.arrayContaining([['ada', 'allowed'], ['olaf', 'denied'], ['ada', 'failed']]));
    expect(JSON.stringify(audit.list())).not.toContain(token);
  });
});
