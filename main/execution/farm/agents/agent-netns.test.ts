import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCad } from '../../cad/ingest';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { createNetNamespace, netnsSkipReason, type NetNamespace } from '../../../testing/netns';
import { isAlive, TEST_BLENDER, waitFor } from '../../../testing/processes';
import { TEST_STEP } from '../../../testing/warm-farm';
import { createLocalFarm } from '../local-farm';
import { AGENT_PREFIX } from './protocol';
import { agentCli, startAgent, TEST_ENV, testStill } from './testing/agent-processes';
import { startNetAgent, startNetController, type NetAgent, type NetController } from './testing/netns-agents';

/**
 * A render agent on another "machine": `lightbox agent` inside its own network namespace, the
 * controller listening on the host end of the veth pair only. Real Blender, real HTTP over the
 * veth link, which is pulled mid-render and plugged back in.
 */

const skip = netnsSkipReason();
if (skip) console.warn(`render agent namespace tests skipped: ${skip}`);

let tmp: string;
let glb: string;
let cli: string;
let n = 0;

function still(dir: string, samples: number) {
  n += 1;
  return testStill({ glb, id: `netns-${n}`, out: path.join(dir, 'still.png'), samples });
}

/** The Blender processes running inside the namespace (the agent's warm slots). */
function blendersIn(ns: NetNamespace): number[] {
  return execFileSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' })
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('blender');
      } catch {
        return false;
      }
    });
}

describe.skipIf(skip !== null)('lightbox agent in its own network namespace', () => {
  let ns: NetNamespace;
  let controller: NetController;
  let token: string;
  let agent: NetAgent;
  let agentId: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-agent-netns-'));
    cli = agentCli();
    glb = (await ingestCad({ file: TEST_STEP, outDir: path.join(tmp, 'cad'), thumbnail: false })).glbPath;
    ns = createNetNamespace();
    // No local slot: whatever renders, renders on an agent. Short lease so a pulled link shows in a second.
    controller = await startNetController(path.join(tmp, 'controller', 'data'), ns.hostAddress, { concurrency: 0, leaseTimeoutMs: 1000, heartbeatMs: 200, env: TEST_ENV });
    token = createAgentTokenStore(controller.backend.db).create('ns-box').token;
    agent = startNetAgent((c, a, o) => ns.spawn(c, a, o), cli, ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'ns-agent'), '--json'], token, TEST_ENV);
    agentId = (await agent.line).agentId;
  }, 120_000);
  afterAll(async () => {
    await agent?.stop(5_000);
    await controller?.stop();
    await ns?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('listens on the veth address only and renders the STEP part byte-identical to the local farm', async () => {
    expect(controller.host.host).toBe(ns.hostAddress);
    // Not on loopback: the agent reached it over the veth link.
    await expect(fetch(`http://127.0.0.1:${controller.host.port}${AGENT_PREFIX}register`, { method: 'POST' })).rejects.toThrow();
    expect(controller.answers.find((a) => a.subpath === 'register')).toMatchObject({ from: ns.address, status: 200 });

    const farm = await controller.backend.farm.get();
    const job = still(path.join(tmp, 'remote'), 4);
    expect(await farm.runJob(job, { label: 'netns still', timeoutMs: 120_000 })).toMatchObject({ ok: true, result: { file: job.out } });
    const task = farm.status().tasks.find((t) => t.label === 'netns still');
    expect(task?.attempts).toEqual([expect.objectContaining({ attempt: 1, agent: 'ns-box', outcome: 'succeeded' })]);

    const local = createLocalFarm({ blenderPath: TEST_BLENDER, dataDir: path.join(tmp, 'local'), concurrency: 1, threadsPerBlender: 2 });
    try {
      const localJob = { ...job, out: path.join(tmp, 'local-out', 'still.png') };
      expect(await local.runJob(localJob, { label: 'local still', timeoutMs: 120_000 })).toMatchObject({ ok: true });
      expect(fs.readFileSync(job.out).equals(fs.readFileSync(localJob.out))).toBe(true);
    } finally {
      await local.close();
    }
  }, 180_000);

  it('link cut mid-render: the lease times out, another agent finishes the task once, and back on the link the agent is refused (409) and kills its render', async () => {
    const farm = await controller.backend.farm.get();
    // Long enough (many samples on one thread) that the agent is still sampling when the link comes back.
    const job = still(path.join(tmp, 'cut-out'), 3000);
    const lines: string[] = [];
    const submitted = farm.submitJob(job, { label: 'cut still', timeoutMs: 300_000, onLog: (l) => lines.push(l) });
    const task = () => farm.status().tasks.find((t) => t.id === submitted.taskId);
    // Sampling on the agent: its Blender's lines reached us over the link.
    expect(await waitFor(() => task()?.attempts[0]?.agent === 'ns-box' && lines.some((l) => /Sample \d+\/3000/.test(l)), 60_000), agent.err()).toBe(true);
    const rendering = blendersIn(ns);
    expect(rendering).toHaveLength(1);
    const before = controller.answers.length;

    ns.cutLink();
    const box2Token = createAgentTokenStore(controller.backend.db).create('box-2').token;
    // The second machine is this host itself, reaching the controller on the host end's address.
    const box2 = startAgent(cli, ['--controller', controller.url, '--slots', '1', '--threads', '2', '--work-dir', path.join(tmp, 'box-2'), '--json'], box2Token);
    try {
      expect(await waitFor(() => task()?.attempts[1]?.agent === 'box-2', 30_000), box2.err()).toBe(true);
      expect(task()?.attempts[0]).toMatchObject({ agent: 'ns-box', outcome: 'failed', error: expect.stringMatching(/render agent ns-box .* was lost: no word from it for \d+ ms/) });
      expect(controller.backend.agents.list().find((a) => a.id === agentId)?.state).toBe('lost');
      // Cut off, it kept rendering what it was given.
      expect(rendering.every(isAlive)).toBe(true);

      ns.restoreLink();
      expect(await waitFor(() => /task \S+ attempt 1: the controller (gave it to another slot|no longer leases it to this agent); stopping it/.test(agent.err()), 15_000), agent.err()).toBe(true);
      // It stopped the render it no longer owns: that Blender was killed (a fresh one replaces it).
      expect(await waitFor(() => !rendering.some(isAlive), 10_000)).toBe(true);
      // What it was told once back: a report refused as stale, or the lease named in a heartbeat's kill list.
      const told = controller.answers.slice(before).filter((a) => a.from === ns.address);
      const stale = told.filter((a) => a.subpath === 'report' && a.status === 409);
      const killed = told.filter((a) => a.subpath === 'heartbeat' && a.status === 200 && (JSON.parse(a.body) as { kill: { taskId: string; attempt: number }[] }).kill.some((l) => l.taskId === submitted.taskId && l.attempt === 1));
      expect(stale.length + killed.length).toBeGreaterThan(0);
      for (const s of stale) expect(JSON.parse(s.body)).toMatchObject({ code: 'stale_lease' });

      // A late report on the old lease, sent from inside over the restored link, is refused.
      const report = JSON.stringify({ agentId, taskId: submitted.taskId, attempt: 1, type: 'failed', error: 'late' });
      const script = `fetch(${JSON.stringify(new URL(`${AGENT_PREFIX}report`, controller.url).href)}, { method: 'POST', headers: { Authorization: 'Bearer ' + process.env.T, 'Content-Type': 'application/json' }, body: process.env.B })
        .then(async (r) => console.log(r.status + ' ' + (await r.text())), (e) => console.log('failed ' + (e.cause?.code ?? e.name)))`;
      const late = await ns.run(process.execPath, ['-e', script], { env: { PATH: TEST_ENV.PATH, T: token, B: report } });
      expect(late.stdout).toMatch(/^409 .*"stale_lease".*is not leased to render agent ns-box/);

      expect(await submitted.done).toMatchObject({ ok: true, result: { file: job.out } });
      expect(task()?.attempts.map((a) => [a.agent, a.outcome])).toEqual([['ns-box', 'failed'], ['box-2', 'succeeded']]);
      await new Promise((r) => setTimeout(r, 500));
      expect(fs.readdirSync(path.dirname(job.out))).toEqual(['still.png']);
      const agents = controller.backend.agents.list();
      expect(agents.find((a) => a.id === agentId)).toMatchObject({ state: 'online', tasksDone: 1, busy: 0 });
      expect(agents.find((a) => a.name === 'box-2')).toMatchObject({ tasksDone: 1 });
    } finally {
      ns.restoreLink();
      await box2.stop();
    }
  }, 300_000);
});
