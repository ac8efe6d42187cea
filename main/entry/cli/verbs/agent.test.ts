import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FarmStatusSchema } from '../../../../shared/farm/status';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { cliOn } from '../../../testing/cli-capture';
import { queryDataDir } from '../../../testing/read-db';
import { makeTempDir } from '../../../testing/temp-dir';
import { createNodeBackend } from '../node-backend';

describe('lightbox farm agent-token / farm status agents', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  beforeEach(() => {
    tmp = makeTempDir();
    dataDir = path.join(tmp.dir, 'data');
  });
  afterEach(() => tmp.cleanup());

  it('create --json prints {token} once, stores only its hash, revoke stops it; bad names and unknown ones are refused', async () => {
    const made = await cliOn(dataDir, ['farm', 'agent-token', 'create', '--name', 'render-01', '--json']);
    expect(made.code, made.err).toBe(0);
    const { token, name, expiresAt } = JSON.parse(made.out) as { token: string; name: string; expiresAt: string | null };
    expect([name, expiresAt]).toEqual(['render-01', null]);
    expect(token).toMatch(/^lbx_[A-Za-z0-9_-]{43}$/);
    const rows = queryDataDir(dataDir, 'SELECT name, token_hash FROM farm_agent_tokens');
    expect(JSON.stringify(rows)).not.toContain(token);
    const backend = createNodeBackend(dataDir, {});
    try {
      expect(createAgentTokenStore(backend.db).authenticate(token).ok).toBe(true);
    } finally {
      await backend.close();
    }
    const pilot = JSON.parse((await cliOn(dataDir, ['farm', 'agent-token', 'create', '--name', 'pilot-1', '--expires-in', '600', '--json'])).out) as { expiresAt: string };
    expect(Date.parse(pilot.expiresAt) - Date.now()).toBeGreaterThan(590_000);

    expect(await cliOn(dataDir, ['farm', 'agent-token', 'create', '--name', 'render-01'])).toMatchObject({ code: 1, err: expect.stringContaining('already has a token') });
    expect(await cliOn(dataDir, ['farm', 'agent-token', 'create', '--name', 'a b'])).toMatchObject({ code: 1, err: expect.stringContaining('name "a b" must start') });
    const revoked = await cliOn(dataDir, ['farm', 'agent-token', 'revoke', 'render-01', '--json']);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.out)).toMatchObject({ name: 'render-01', revokedAt: expect.any(String) });
    expect(await cliOn(dataDir, ['farm', 'agent-token', 'revoke', 'nobody'])).toMatchObject({ code: 1, err: expect.stringContaining('no render agent token named "nobody"') });
    const list = JSON.parse((await cliOn(dataDir, ['farm', 'agent-token', 'list', '--json'])).out) as { tokens: { name: string; revokedAt: string | null }[] };
    expect(list.tokens.map((t) => [t.name, t.revokedAt !== null])).toEqual([['render-01', true], ['pilot-1', false]]);
    expect(JSON.stringify(list)).not.toContain(token);
  });

  it("farm status --json in another process lists the serving controller's agents", async () => {
    // The serving controller: an agent registers with it.
    const serving = createNodeBackend(dataDir, {});
    try {
      serving.agents.activate();
      const { agentId } = serving.agents.register('render-01', { protocol: 1, host: 'box.studio', slots: 2, blenderVersion: '3.4.1', slurmJobId: null });
      const shown = await cliOn(dataDir, ['farm', 'status', '--json']);
      expect(shown.code).toBe(0);
      const status = FarmStatusSchema.parse(JSON.parse(shown.out));
      expect(status.agents).toEqual([
        { id: agentId, name: 'render-01', host: 'box.studio', kind: 'agent', slurmJobId: null, state: 'online', slots: 2, busy: 0, blenderVersion: '3.4.1', tasksDone: 0, lastSeen: expect.any(String), currentTasks: [], blocklisted: [] },
      ]);
      expect((await cliOn(dataDir, ['farm', 'status'])).out).toContain('render-01');
    } finally {
      await serving.close();
    }
  });

  it('farm slurm set FILE stores the cluster (defaults filled, JWT hidden when shown), refuses a bad field by its path keeping the stored one; off unsets it', async () => {
    const file = path.join(tmp.dir, 'slurm.json');
    const good = { url: 'https://slurm.lan:6820', auth: { kind: 'jwt', user: 'lightbox', token: 'secret-jwt' }, partition: 'render', maxPilots: 4, coresPerPilot: 8, memoryMbPerPilot: 16000, controllerUrl: 'http://10.0.0.5:7400', workDir: '/shared/pilots' };
    fs.writeFileSync(file, JSON.stringify(good));
    const set = await cliOn(dataDir, ['farm', 'slurm', 'set', file, '--json']);
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ ...good, auth: { kind: 'jwt', user: 'lightbox', token: '(hidden)' }, slotsPerPilot: 1, idleTimeoutSeconds: 120 });
    fs.writeFileSync(file, JSON.stringify({ ...good, partition: '', url: 'ftp://x' }));
    const bad = await cliOn(dataDir, ['farm', 'slurm', 'set', file]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/slurm\.(partition|url)/);
    expect(bad.err).not.toContain('secret-jwt');
    const shown = await cliOn(dataDir, ['farm', 'slurm', 'show', '--json']);
    expect(JSON.parse(shown.out)).toMatchObject({ partition: 'render', url: 'https://slurm.lan:6820' });
    expect(shown.out).not.toContain('secret-jwt');
    expect(await cliOn(dataDir, ['farm', 'slurm', 'set', path.join(tmp.dir, 'missing.json')])).toMatchObject({ code: 2, err: expect.stringContaining('no such file') });
    expect((await cliOn(dataDir, ['farm', 'slurm', 'off'])).code).toBe(0);
    expect(JSON.parse((await cliOn(dataDir, ['farm', 'slurm', 'show', '--json'])).out)).toBeNull();
  });
});
