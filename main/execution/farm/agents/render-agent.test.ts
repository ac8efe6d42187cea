import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FarmStatusSchema } from '../../../../shared/farm/status';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { TEST_BLENDER, waitFor } from '../../../testing/processes';
import { AGENT_PREFIX } from './protocol';
import { createLocalFarm } from '../local-farm';
import { agentCli, startAgent, startController, testStill, writeTestScene, type TestController } from './testing';

/**
 * Render agents with real parts: a controller (backend, host, farm) in this process, `lightbox
 * agent` as its own process with its own warm Blender, talking HTTP on loopback.
 */

let tmp: string;
let glb: string;
let cli: string;
let n = 0;

function still(dir: string, samples = 4) {
  n += 1;
  return testStill({ glb, id: `agent-${n}`, out: path.join(dir, 'still.png'), samples });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-agent-'));
  glb = await writeTestScene(tmp);
  cli = agentCli();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lightbox agent', () => {
  let controller: TestController;
  let token: string;
  beforeAll(async () => {
    controller = await startController(path.join(tmp, 'controller'), { concurrency: 0, leaseTimeoutMs: 2000, heartbeatMs: 200 });
    token = createAgentTokenStore(controller.backend.db).create('box-1').token;
  });
  afterAll(async () => {
    await controller?.stop();
  });

  it('registers, renders a still on a controller with no local slot byte-identical to the local farm, is listed in farm.status, and drains on SIGTERM with exit 0', async () => {
    const agent = startAgent(cli, ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'agent-1'), '--json'], token);
    try {
      const line = await agent.line;
      expect(line).toEqual({ agentId: expect.stringMatching(/^agent-/), controller: controller.url, slots: 1 });
      const farm = await controller.backend.farm.get();
      expect(farm.concurrency).toBe(0);
      const job = still(path.join(tmp, 'remote'));
      const lines: string[] = [];
      const reply = await farm.runJob(job, { label: 'remote still', timeoutMs: 60_000, onLog: (l) => lines.push(l) });
      expect(reply).toMatchObject({ ok: true, result: { file: job.out } });
      // The task ran on the agent: its attempt names it, and Blender's lines came through.
      const status = FarmStatusSchema.parse((await controller.backend.dispatch('farm.status', {}, { transport: 'http' }) as { result: unknown }).result);
      const task = status.tasks.find((t) => t.label === 'remote still');
      expect(task?.attempts).toEqual([expect.objectContaining({ attempt: 1, agent: 'box-1', outcome: 'succeeded' })]);
      expect(lines.some((l) => /Sample \d+\/4|Rendered/.test(l))).toBe(true);
      expect(status.agents).toEqual([expect.objectContaining({ id: line.agentId, name: 'box-1', host: os.hostname(), state: 'online', slots: 1, busy: 0, tasksDone: 1, kind: 'agent', slurmJobId: null })]);

      // The same job on a local farm here gives the same bytes.
      const local = createLocalFarm({ blenderPath: TEST_BLENDER, dataDir: path.join(tmp, 'local'), concurrency: 1, threadsPerBlender: 2 });
      try {
        const localJob = { ...job, out: path.join(tmp, 'local-out', 'still.png') };
        expect(await local.runJob(localJob, { label: 'local still', timeoutMs: 60_000 })).toMatchObject({ ok: true });
        expect(fs.readFileSync(job.out).equals(fs.readFileSync(localJob.out))).toBe(true);
      } finally {
        await local.close();
      }

      agent.child.kill('SIGTERM');
      expect(await agent.exit).toEqual({ code: 0, signal: null });
      expect(agent.err()).not.toContain(token);
      expect(controller.backend.agents.list().find((a) => a.id === line.agentId)?.state).toBe('offline');
    } finally {
      await agent.stop();
    }
  });

  it('refuses a wrong or a revoked token and an unreachable controller with a clear error and exit 1, never printing the token', async () => {
    const store = createAgentTokenStore(controller.backend.db);
    const revoked = store.create('box-revoked').token;
    store.revoke('box-revoked');
    const cases: [string, string | null, RegExp][] = [
      [controller.url, 'lbx_not-a-token-this-controller-made', /refused the agent token: the token is not a render agent token this controller issued/],
      [controller.url, revoked, /refused the agent token: the token of render agent "box-revoked" was revoked at /],
      ['http://127.0.0.1:1/', token, /cannot reach the controller at http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/],
    ];
    for (const [url, given, message] of cases) {
      const agent = startAgent(cli, ['--controller', url, '--work-dir', path.join(tmp, 'refused'), '--json'], given);
      const exit = await agent.exit;
      expect(exit.code, agent.err()).toBe(1);
      expect(agent.err()).toMatch(message);
      expect(agent.out()).toBe('');
      if (given) expect(agent.err()).not.toContain(given);
    }
    // No token at all is a usage error (exit 2) naming both ways to give one.
    const none = startAgent(cli, ['--controller', controller.url], null);
    expect((await none.exit).code).toBe(2);
    expect(none.err()).toMatch(/--token TOKEN or LIGHTBOX_AGENT_TOKEN/);
  });

  it("requeues a lost agent's lease after the timeout; another agent finishes the task, once; the late agent's reports are refused (409) and it stops the work", async () => {
    const box2 = createAgentTokenStore(controller.backend.db).create('box-2').token;
    const agent1 = startAgent(cli, ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'lost-1'), '--json'], token);
    let agent2: ReturnType<typeof startAgent> | null = null;
    try {
      const line1 = await agent1.line;
      // Its long poll is waiting at the controller; then the machine stops answering.
      await new Promise((r) => setTimeout(r, 400));
      agent1.child.kill('SIGSTOP');
      const farm = await controller.backend.farm.get();
      const job = still(path.join(tmp, 'lost-out'));
      const submitted = farm.submitJob(job, { label: 'lost still', timeoutMs: 60_000 });
      const task = () => farm.status().tasks.find((t) => t.id === submitted.taskId);
      expect(await waitFor(() => task()?.attempts[0]?.agent === 'box-1', 5_000)).toBe(true);

      agent2 = startAgent(cli, ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'lost-2'), '--json'], box2);
      await agent2.line;
      expect(await submitted.done).toMatchObject({ ok: true, result: { file: job.out } });
      expect(task()?.attempts).toEqual([
        expect.objectContaining({ attempt: 1, agent: 'box-1', outcome: 'failed', error: expect.stringMatching(/render agent box-1 .* was lost: no word from it for \d+ ms/) }),
        expect.objectContaining({ attempt: 2, agent: 'box-2', outcome: 'succeeded' }),
      ]);
      const published = fs.readFileSync(job.out);

      // A report on the lost lease is stale: 409, whoever sends it.
      const stale = await fetch(new URL(`${AGENT_PREFIX}report`, controller.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ agentId: line1.agentId, taskId: submitted.taskId, attempt: 1, type: 'failed', error: 'late' }),
      });
      expect(stale.status).toBe(409);
      expect(await stale.json()).toMatchObject({ code: 'stale_lease', message: expect.stringContaining(`task ${submitted.taskId} attempt 1 is not leased to render agent box-1`) });

      // The agent comes back, gets the assignment its poll was answered with, and is told to drop it.
      agent1.child.kill('SIGCONT');
      expect(await waitFor(() => /task \S+ attempt 1: the controller (gave it to another slot|no longer leases it to this agent); stopping it/.test(agent1.err()), 15_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      // Exactly one published output, the second attempt's, untouched by the first.
      expect(fs.readdirSync(path.dirname(job.out))).toEqual(['still.png']);
      expect(fs.readFileSync(job.out).equals(published)).toBe(true);
      const agents = controller.backend.agents.list();
      expect(agents.find((a) => a.name === 'box-1' && a.id === line1.agentId)).toMatchObject({ state: 'online', tasksDone: 0, busy: 0 });
      expect(agents.find((a) => a.name === 'box-2')).toMatchObject({ tasksDone: 1 });
    } finally {
      await agent1.stop();
      await agent2?.stop();
    }
  });

  it('on SIGTERM finishes the render it holds, reports it and exits 0', async () => {
    const agent = startAgent(cli, ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'drain'), '--json'], token);
    try {
      const line = await agent.line;
      const farm = await controller.backend.farm.get();
      const job = { ...still(path.join(tmp, 'drain-out'), 64), resolution: { width: 96, height: 96, percentage: 100 } };
      const submitted = farm.submitJob(job, { label: 'drain still', timeoutMs: 60_000 });
      expect(await waitFor(() => farm.status().tasks.find((t) => t.id === submitted.taskId)?.attempts[0]?.agent === 'box-1', 10_000), agent.err()).toBe(true);
      agent.child.kill('SIGTERM');
      const timer = setTimeout(() => console.error(`agent still running 30 s after SIGTERM:\n${agent.err()}\n${JSON.stringify(farm.status().tasks.find((t) => t.id === submitted.taskId))}`), 30_000);
      expect(await submitted.done).toMatchObject({ ok: true });
      clearTimeout(timer);
      expect(fs.existsSync(job.out)).toBe(true);
      expect(await agent.exit).toEqual({ code: 0, signal: null });
      expect(agent.err()).toContain('SIGTERM: draining');
      expect(controller.backend.agents.list().find((a) => a.id === line.agentId)).toMatchObject({ state: 'offline', tasksDone: 1 });
    } finally {
      await agent.stop();
    }
  });
});

describe('lightbox agent over TLS', () => {
  it('trusts the controller through --ca, renders, and with --idle-exit stops by itself once idle (exit 0); without --ca the certificate is refused clearly', async () => {
    const tlsDir = path.join(import.meta.dirname, '..', '..', '..', 'entry', 'host', 'test-tls');
    const ca = path.join(tlsDir, 'cert.pem');
    const controller = await startController(path.join(tmp, 'tls-controller'), { concurrency: 0, leaseTimeoutMs: 5000, heartbeatMs: 200, tls: { cert: fs.readFileSync(ca), key: fs.readFileSync(path.join(tlsDir, 'key.pem')) } });
    try {
      expect(controller.url).toMatch(/^https:/);
      const token = createAgentTokenStore(controller.backend.db).create('tls-box').token;
      const untrusted = startAgent(cli, ['--controller', controller.url, '--work-dir', path.join(tmp, 'tls-untrusted'), '--json'], token);
      expect((await untrusted.exit).code).toBe(1);
      expect(untrusted.err()).toMatch(/cannot reach the controller at https:\/\/127\.0\.0\.1:\d+: .*(SELF_SIGNED|self.signed|UNABLE_TO_VERIFY)/i);

      const agent = startAgent(cli, ['--controller', controller.url, '--ca', ca, '--slots', '1', '--threads', '1', '--idle-exit', '2', '--work-dir', path.join(tmp, 'tls-agent'), '--json'], token);
      try {
        await agent.line;
        const farm = await controller.backend.farm.get();
        const job = still(path.join(tmp, 'tls-out'));
        expect(await farm.runJob(job, { label: 'tls still', timeoutMs: 60_000 })).toMatchObject({ ok: true, result: { file: job.out } });
        expect(fs.existsSync(job.out)).toBe(true);
        const exit = await agent.exit;
        expect(exit, agent.err()).toEqual({ code: 0, signal: null });
        expect(agent.err()).toMatch(/idle for \d+ s: stopping/);
      } finally {
        await agent.stop();
      }
    } finally {
      await controller.stop();
    }
  });
});
