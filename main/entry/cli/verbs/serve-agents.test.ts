import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FarmStatusSchema } from '../../../../shared/farm/status';
import { agentCli, startAgent, TEST_ENV } from '../../../execution/farm/agents/testing';
import { cliOn } from '../../../testing/cli-capture';
import { makeTempDir } from '../../../testing/temp-dir';
import { waitFor } from '../../../testing/processes';

/** `lightbox serve` is a controller: agent tokens made with the CLI, agents registering over its agent routes. */
describe('lightbox serve with render agents', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('accepts an agent with a token from `farm agent-token create`, lists it in farm.status, refuses it once revoked', async () => {
    const cli = agentCli();
    const dataDir = path.join(tmp.dir, 'data');
    const made = await cliOn(dataDir, ['farm', 'agent-token', 'create', '--name', 'studio-box', '--json']);
    const { token } = JSON.parse(made.out) as { token: string };
    const serve = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--json'], {
      env: { ...TEST_ENV, LIGHTBOX_CONFIG_DIR: path.join(tmp.dir, 'config'), LIGHTBOX_AGENT_HEARTBEAT_MS: '200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => serve.once('exit', (code) => r(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: serve.stdout! }).once('line', resolve);
        void exited.then(() => reject(new Error('serve exited')));
      });
      const { port, token: hostToken } = JSON.parse(line) as { port: number; token: string };
      const controller = `http://127.0.0.1:${port}/`;
      const agent = startAgent(cli, ['--controller', controller, '--work-dir', path.join(tmp.dir, 'agent'), '--json'], token);
      try {
        const { agentId } = await agent.line;
        const status = async () => {
          const res = await fetch(new URL('api/farm.status', controller), { method: 'POST', headers: { Authorization: `Bearer ${hostToken}` } });
          return FarmStatusSchema.parse(await res.json());
        };
        expect((await status()).agents).toEqual([expect.objectContaining({ id: agentId, name: 'studio-box', state: 'online', slots: 1 })]);
        // The Blender version arrives with a heartbeat once the agent's Blender answered.
        let version: string | null = null;
        expect(await waitFor(() => {
          void status().then((s) => (version = s.agents[0]?.blenderVersion ?? null));
          return version !== null;
        }, 20_000, 250)).toBe(true);
        expect(version).toMatch(/^\d+\.\d+/);
        // Drained through the contract: the agent stops by itself, exit 0.
        const drained = await fetch(new URL('api/farm.agents.drain', controller), { method: 'POST', headers: { Authorization: `Bearer ${hostToken}` }, body: JSON.stringify({ agent: 'studio-box' }) });
        expect(await drained.json()).toMatchObject({ id: agentId, state: 'draining' });
        expect(await agent.exit).toEqual({ code: 0, signal: null });
      } finally {
        await agent.stop();
      }
      const revoked = await cliOn(dataDir, ['farm', 'agent-token', 'revoke', 'studio-box']);
      expect(revoked.code, revoked.err).toBe(0);
      const refused = startAgent(cli, ['--controller', controller, '--work-dir', path.join(tmp.dir, 'agent'), '--json'], token);
      expect((await refused.exit).code).toBe(1);
      expect(refused.err()).toContain('was revoked at');
    } finally {
      serve.kill('SIGTERM');
      await exited;
    }
  });
});
