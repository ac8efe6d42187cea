import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlenderJobInput } from '../../../../workers/blender/job-spec';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { TaskFailedError } from '../task-queue';
import { AGENT_PREFIX, PROTOCOL_VERSION, type Assignment } from './protocol';
import { startController, testStill, writeTestScene, type TestController } from './testing';

/**
 * The controller's scheduling and lease rules, spoken to over real HTTP by two protocol clients
 * standing in for agents (no Blender needed: a controller with 0 local slots never starts one).
 */

let tmp: string;
let glb: string;
let controller: TestController;
let n = 0;

const job = (): BlenderJobInput => {
  n += 1;
  return testStill({ glb, id: `c-${n}`, out: path.join(tmp, 'out', `c-${n}.png`) });
};

function client(token: string) {
  const call = async (route: string, body: unknown) => {
    const res = await fetch(new URL(`${AGENT_PREFIX}${route}`, controller.url), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  let agentId = '';
  return {
    call,
    async register() {
      const r = await call('register', { protocol: PROTOCOL_VERSION, host: 'test-host', slots: 1, blenderVersion: '3.4.1' });
      expect(r.status).toBe(200);
      agentId = r.body.agentId as string;
      return agentId;
    },
    async lease(waitMs: number): Promise<Assignment[]> {
      const r = await call('lease', { agentId, free: 1, waitMs });
      expect(r.status).toBe(200);
      return r.body.assignments as Assignment[];
    },
    report: (a: { taskId: string; attempt: number }, report: Record<string, unknown>) => call('report', { agentId, taskId: a.taskId, attempt: a.attempt, ...report }),
    heartbeat: (leases: { taskId: string; attempt: number }[]) => call('heartbeat', { agentId, leases, busy: leases.length }),
  };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-agent-ctl-'));
  glb = await writeTestScene(tmp);
  controller = await startController(path.join(tmp, 'controller'), { concurrency: 0, leaseTimeoutMs: 10_000, heartbeatMs: 200 });
});
afterAll(async () => {
  await controller?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('render agent controller', () => {
  it('retries a failed attempt on another agent, blocklists an agent for a task kind after 3 failures (other kinds still come), appends replayed log lines once, and tells an agent to stop a cancelled task', async () => {
    const store = createAgentTokenStore(controller.backend.db);
    const flaky = client(store.create('flaky').token);
    const steady = client(store.create('steady').token);
    await flaky.register();
    await steady.register();
    const farm = await controller.backend.farm.get();

    // The assignment names the scene by content and the job's files by name in the attempt folder.
    const first = flaky.lease(5_000);
    const one = farm.submitJob(job(), { label: 'one', timeoutMs: 60_000, maxAttempts: 2 });
    const [a1] = await first;
    expect(a1).toMatchObject({ taskId: one.taskId, attempt: 1, kind: 'render_still', job: { glb: 'in/boxes.glb', out: `out/c-${n}.png` }, inputs: [{ name: 'boxes.glb', size: fs.statSync(glb).size, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] });
    expect((await flaky.report(a1!, { type: 'failed', error: 'Blender crashed' })).status).toBe(200);
    // The retry is not given back to the agent it failed on while another could take it.
    expect(await flaky.lease(300)).toEqual([]);
    const [a2] = await steady.lease(5_000);
    expect(a2).toMatchObject({ taskId: one.taskId, attempt: 2 });
    expect((await steady.report(a2!, { type: 'failed', error: 'out of memory' })).status).toBe(200);
    const failed = await one.done.catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TaskFailedError);
    expect((failed as TaskFailedError).attempts.map((a) => [a.agent, a.error])).toEqual([['flaky', 'render agent flaky: Blender crashed'], ['steady', 'render agent steady: out of memory']]);

    // Two more failures of render_still on flaky: blocklisted for that kind.
    for (const label of ['two', 'three']) {
      const waiting = flaky.lease(5_000);
      const t = farm.submitJob(job(), { label, timeoutMs: 60_000, maxAttempts: 1 });
      const [a] = await waiting;
      expect(a?.taskId).toBe(t.taskId);
      await flaky.report(a!, { type: 'failed', error: 'again' });
      await t.done.catch(() => undefined);
    }
    expect(controller.backend.farm.status().agents.find((a) => a.name === 'flaky')?.blocklisted).toEqual(['render_still']);
    const four = farm.submitJob(job(), { label: 'four', timeoutMs: 60_000, maxAttempts: 1 });
    const lines: string[] = [];
    const ping = farm.submitJob({ kind: 'ping', id: 'p1' }, { label: 'ping', timeoutMs: 60_000, maxAttempts: 1, onLog: (l) => lines.push(l) });
    const [p] = await flaky.lease(1_000);
    expect(p).toMatchObject({ taskId: ping.taskId, kind: 'ping' });

    // Log lines are numbered: a replay after a lost link appends nothing twice.
    await flaky.report(p!, { type: 'log', seq: 0, lines: ['one', 'two'] });
    await flaky.report(p!, { type: 'log', seq: 0, lines: ['one', 'two', 'three'] });
    await flaky.report(p!, { type: 'log', seq: 3, lines: ['four'] });
    expect(lines).toEqual(['one', 'two', 'three', 'four']);
    const done = await flaky.report(p!, { type: 'done', reply: { id: 'p1', kind: 'ping', ok: true, result: { pong: true }, blender: '3.4.1', rssBytes: 1, maxRssBytes: 1 }, outputs: [] });
    expect(done.status).toBe(200);
    expect(await ping.done).toMatchObject({ ok: true, blender: '3.4.1' });
    // Done is done: the same report again is stale.
    expect((await flaky.report(p!, { type: 'done', reply: {}, outputs: [] })).status).toBe(409);

    // The render_still waits for steady; cancelled there, steady's heartbeat says to stop it and its reports are refused.
    const [a4] = await steady.lease(5_000);
    expect(a4?.taskId).toBe(four.taskId);
    expect(farm.cancelTask(four.taskId)).toBe(true);
    expect((await steady.heartbeat([a4!])).body).toEqual({ kill: [{ taskId: four.taskId, attempt: 1 }], drain: false });
    const late = await steady.report(a4!, { type: 'log', seq: 0, lines: ['late'] });
    expect(late).toMatchObject({ status: 409, body: { code: 'stale_lease' } });

    // An output that is not the job's, or not uploaded, is refused by field.
    const five = farm.submitJob(job(), { label: 'five', timeoutMs: 60_000, maxAttempts: 1 });
    const [a5] = await steady.lease(5_000);
    expect(a5?.taskId).toBe(five.taskId);
    const reply = { id: 'x', kind: 'render_still', ok: true, result: { file: a5!.job.out }, rssBytes: 1, maxRssBytes: 1 };
    const wrongName = await steady.report(a5!, { type: 'done', reply, outputs: [{ name: 'elsewhere.png', sha256: 'a'.repeat(64), size: 1 }] });
    expect(wrongName).toMatchObject({ status: 400, body: { path: 'outputs', message: expect.stringContaining('"elsewhere.png" is not an output of task') } });
    const notUploaded = await steady.report(a5!, { type: 'done', reply, outputs: [{ name: path.basename(a5!.job.out as string), sha256: 'b'.repeat(64), size: 3 }] });
    expect(notUploaded).toMatchObject({ status: 422, body: { code: 'output_missing' } });
    farm.cancelTask(five.taskId);
  });

  it('refuses requests without an agent token, with a person-style token, or with a bad body naming the field', async () => {
    const none = await fetch(new URL(`${AGENT_PREFIX}register`, controller.url), { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    // The host's own token opens the contract, not the agent routes.
    const hostToken = await fetch(new URL(`${AGENT_PREFIX}register`, controller.url), { method: 'POST', headers: { Authorization: `Bearer ${controller.host.token}` }, body: '{}' });
    expect(hostToken.status).toBe(401);
    const c = client(createAgentTokenStore(controller.backend.db).create('bad-body').token);
    const bad = await c.call('register', { protocol: PROTOCOL_VERSION, host: 'h', slots: 'two', blenderVersion: null });
    expect(bad).toMatchObject({ status: 400, body: { path: 'slots', message: expect.stringContaining('(found "two")') } });
  });
});
