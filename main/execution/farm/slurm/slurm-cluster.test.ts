import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFolder, slurmSkipReason, startSlurmCluster, type SlurmTestCluster } from '../../../testing/slurm-cluster';
import { createSlurmRestClient, SlurmRestError, type SlurmJobInfo, type SlurmRestClient } from './rest-client';
import { createPilotManager, type FarmDemand, type PilotView } from './pilot-manager';
import { parseSlurmSettings } from './settings';
import { FarmStatusSchema, type FarmStatus } from '../../../../shared/farm/status';
import { createNodeBackend } from '../../../entry/cli/node-backend';
import { startHeadlessHost } from '../../../entry/host/headless-host';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { createAgentRoutes } from '../agents/agent-routes';
import { agentCli, TEST_ENV, testStill, writeTestScene } from '../agents/testing/agent-processes';
import { createBlobStore } from '../remote/blob-store';

/**
 * The Slurm backend against a real cluster (scripts/slurm/cluster.sh: munge, slurmctld, node n1
 * on the host, n2 in its own network namespace, slurmrestd). All cluster tests live in this one
 * file so the cluster starts once.
 */
const skip = slurmSkipReason();
if (skip) console.warn(`Slurm cluster tests skipped: ${skip}`);

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(skip !== null)('Slurm backend on a real cluster', () => {
  let cluster: SlurmTestCluster;
  let client: SlurmRestClient;
  const submitted: number[] = [];

  beforeAll(() => {
    cluster = startSlurmCluster();
    client = createSlurmRestClient({ socketPath: cluster.socketPath }, { kind: 'local' });
  });
  afterAll(async () => {
    for (const id of submitted) await client?.cancelJob(id).catch(() => undefined);
    cluster?.release();
  });

  const jobState = (id: number, states: string[]) => async (): Promise<SlurmJobInfo | null> => {
    const job = await client.getJob(id);
    return job && states.includes(job.state) ? job : null;
  };

  describe('the slurmrestd client (v0.0.38)', () => {
    it('pings slurmctld through slurmrestd', async () => {
      expect(await client.ping()).toMatch(/^22\.05\./);
    });

    it('submits a job that writes a file, sees it complete and reads its state', async () => {
      const dir = jobFolder(cluster, 'rest');
      const out = path.join(dir, 'hello.txt');
      const id = await client.submitJob({
        name: 'lightbox-rest-test',
        script: `#!/bin/sh\necho "hello from $SLURM_JOB_ID as $(id -un)" > ${out}\n`,
        partition: 'render',
        cpusPerTask: 1,
        memoryMb: 64,
        workDir: dir,
        standardOutput: path.join(dir, 'job-%j.log'),
        environment: { PATH: '/usr/bin:/bin' },
      });
      submitted.push(id);
      const done = await until('the job to complete', jobState(id, ['COMPLETED', 'FAILED']));
      expect(done).toMatchObject({ jobId: id, name: 'lightbox-rest-test', state: 'COMPLETED', exitCode: 0, userName: 'slurm' });
      expect(done.nodes).toMatch(/^n[12]$/);
      expect(fs.readFileSync(out, 'utf8')).toBe(`hello from ${id} as slurm\n`);
    });

    it('cancels a long job', async () => {
      const dir = jobFolder(cluster, 'cancel');
      const id = await client.submitJob({
        name: 'lightbox-long',
        script: '#!/bin/sh\nsleep 600\n',
        cpusPerTask: 1,
        memoryMb: 64,
        workDir: dir,
        standardOutput: path.join(dir, 'job-%j.log'),
        environment: { PATH: '/usr/bin:/bin' },
      });
      submitted.push(id);
      await until('the long job to run', jobState(id, ['RUNNING']));
      await client.cancelJob(id);
      expect((await until('the job to be cancelled', jobState(id, ['CANCELLED']))).state).toBe('CANCELLED');
      await client.cancelJob(id); // once more: already ended is not an error
    });

    it('runs a job on node n2, inside its own network namespace, when its feature is asked for', async () => {
      const dir = jobFolder(cluster, 'n2');
      const out = path.join(dir, 'addresses.txt');
      const id = await client.submitJob({
        name: 'lightbox-n2',
        script: `#!/bin/sh\nip -br addr > ${out}\n`,
        constraints: 'netns',
        cpusPerTask: 1,
        memoryMb: 64,
        workDir: dir,
        standardOutput: '/dev/null',
        environment: { PATH: '/usr/sbin:/usr/bin:/bin' },
      });
      submitted.push(id);
      expect((await until('the n2 job to complete', jobState(id, ['COMPLETED', 'FAILED']))).nodes).toBe('n2');
      const addresses = fs.readFileSync(out, 'utf8');
      expect(addresses).toContain(cluster.node2Address);
      expect(addresses).not.toContain(`${cluster.hostAddress}/`);
    });

    it('answers null for a job Slurm does not know', async () => {
      expect(await client.getJob(987654)).toBeNull();
    });

    it('works over a URL with a JWT, and refuses a wrong token without repeating it', async () => {
      const jwt = createSlurmRestClient({ url: cluster.restUrl }, { kind: 'jwt', user: cluster.jwtUser, token: cluster.jwt });
      expect(await jwt.ping()).toMatch(/^22\.05\./);
      const dir = jobFolder(cluster, 'jwt');
      const id = await jwt.submitJob({ name: 'lightbox-jwt', script: '#!/bin/sh\ntrue\n', cpusPerTask: 1, memoryMb: 64, workDir: dir, standardOutput: '/dev/null', environment: { PATH: '/bin' } });
      submitted.push(id);
      expect((await until('the JWT job to complete', jobState(id, ['COMPLETED']))).userName).toBe(cluster.jwtUser);

      const wrong = createSlurmRestClient({ url: cluster.restUrl }, { kind: 'jwt', user: cluster.jwtUser, token: 'not-a-real-token-1234' });
      const refusal = await wrong.ping().catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(SlurmRestError);
      expect((refusal as Error).message).toMatch(/slurmrestd at http:\/\/127\.0\.0\.1:\d+/);
      expect((refusal as Error).message).not.toContain('not-a-real-token-1234');
    });

    it('says plainly when slurmrestd cannot be reached', async () => {
      const nowhere = createSlurmRestClient({ socketPath: path.join(cluster.stateDir, 'no-such.socket') }, { kind: 'local' });
      await expect(nowhere.ping()).rejects.toThrow(/slurmrestd at .*no-such\.socket could not be reached: ENOENT/);
    });
  });

  describe('the pilot manager', () => {
    const settingsFor = (dir: string, extra: Record<string, unknown>) =>
      parseSlurmSettings({
        socketPath: cluster.socketPath,
        auth: { kind: 'local' },
        partition: 'render',
        maxPilots: 2,
        coresPerPilot: 1,
        memoryMbPerPilot: 64,
        idleTimeoutSeconds: 5,
        controllerUrl: `http://${cluster.hostAddress}:1`,
        workDir: dir,
        ...extra,
      });

    it('submits pilots while tasks wait, up to the maximum, and follows them from pending to running to ended', async () => {
      const dir = jobFolder(cluster, 'pilots');
      let demand = { queued: 5, freeSlots: 0 };
      const issued: string[] = [];
      const revoked: string[] = [];
      const manager = createPilotManager({
        settings: settingsFor(dir, {}),
        demand: () => demand,
        issueToken: (name, lifetime) => {
          expect(lifetime).toBe(720 * 60 + 3600);
          issued.push(name);
          return { token: `token-of-${name}`, revoke: () => revoked.push(name) };
        },
        // A stand-in for `lightbox agent`: it shows what the pilot got, then works a little and exits.
        buildCommand: (input) => ['/bin/sh', '-c', `echo "$SLURM_JOB_ID $LIGHTBOX_AGENT_TOKEN ${input.slots} ${input.idleExitSeconds}" > ${dir}/pilot-$SLURM_JOB_ID.txt; sleep 3`],
        pollMs: 60_000,
      });
      try {
        await manager.tick();
        await manager.tick(); // still two: the maximum, and both on their way
        let pilots = manager.pilots();
        submitted.push(...pilots.map((p) => p.slurmJobId));
        expect(pilots).toHaveLength(2);
        expect(pilots.map((p) => p.name).sort()).toEqual([...issued].sort());

        pilots = await until('both pilots running', async () => {
          await manager.tick();
          const now = manager.pilots();
          return now.every((p) => p.state === 'running') && now;
        });
        expect(pilots.map((p) => p.node).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^n[12]$/)]));

        demand = { queued: 0, freeSlots: 0 };
        const ended = await until('both pilots ended', async () => {
          await manager.tick();
          const now = manager.pilots();
          return now.every((p) => p.state === 'ended') && now;
        });
        expect(ended.map((p) => p.slurmState)).toEqual(['COMPLETED', 'COMPLETED']);
        expect([...revoked].sort()).toEqual([...issued].sort());
        for (const p of ended) {
          expect(fs.readFileSync(path.join(dir, `pilot-${p.slurmJobId}.txt`), 'utf8')).toBe(`${p.slurmJobId} token-of-${p.name} 1 5\n`);
          // The token went through the environment, not the script (arguments show in process lists).
          expect(fs.readFileSync(path.join(dir, `${p.name}-${p.slurmJobId}.log`), 'utf8')).toBe('');
        }
        await manager.tick();
        expect(manager.pilots()).toHaveLength(2); // no demand, no new pilot
      } finally {
        await manager.close();
      }
    });

    it('counts pilots on their way and registered agents; on close cancels the pending ones only', async () => {
      const dir = jobFolder(cluster, 'close');
      let demand: FarmDemand = { queued: 1, freeSlots: 0 };
      const changes: PilotView[][] = [];
      // Two cores a pilot: one fits on each node, a third waits for resources.
      const manager = createPilotManager({
        settings: settingsFor(dir, { maxPilots: 3, coresPerPilot: 2 }),
        demand: () => demand,
        issueToken: (name) => ({ token: `t-${name}` }),
        buildCommand: () => ['/bin/sleep', '60'],
        pollMs: 60_000,
        onChange: (p) => changes.push(p),
      });
      try {
        await manager.tick();
        expect(manager.pilots()).toHaveLength(1);
        await manager.tick(); // one task, one pilot on its way: nothing more
        expect(manager.pilots()).toHaveLength(1);
        const first = manager.pilots()[0] as PilotView;
        // Its agent registered (the farm lists it with its Slurm job id): its slot is busy with one task, three wait.
        demand = { queued: 4, freeSlots: 0, agents: [{ id: 'agent-1', slurmJobId: String(first.slurmJobId) }] };
        await manager.tick();
        const all = manager.pilots();
        submitted.push(...all.map((p) => p.slurmJobId));
        expect(all).toHaveLength(3); // three wanted, capped by maxPilots
        expect(all.find((p) => p.slurmJobId === first.slurmJobId)?.agentId).toBe('agent-1');
        const settled = await until('two running and one pending', async () => {
          await manager.tick();
          const now = manager.pilots();
          return now.filter((p) => p.state === 'running').length === 2 && now.filter((p) => p.state === 'pending').length === 1 && now;
        });
        const pending = settled.find((p) => p.state === 'pending') as PilotView;
        expect(pending.reason).toBe('Resources');
        await manager.close();
        const after = manager.pilots();
        expect(after.find((p) => p.slurmJobId === pending.slurmJobId)).toMatchObject({ state: 'ended', slurmState: 'CANCELLED' });
        for (const p of after.filter((q) => q.slurmJobId !== pending.slurmJobId)) {
          expect((await client.getJob(p.slurmJobId))?.state).toBe('RUNNING'); // running pilots drain and idle out on their own
          await client.cancelJob(p.slurmJobId); // (these stand-ins would sleep on and hold the nodes)
        }
        expect(changes.length).toBeGreaterThan(0);
      } finally {
        await manager.close();
      }
    });
  });

  /**
   * Pilots that are the real `lightbox agent`, against a controller in this process listening on
   * the host's end of n2's link (reachable from both nodes). Pilots are submitted with root's JWT:
   * their jobs run as root and can read this checkout (CI's clone is in a folder only root enters).
   */
  describe('pilots as render agents', () => {
    let cli: string;
    let glb: string;
    let tmp: string;
    let backend: ReturnType<typeof createNodeBackend>;
    let host: Awaited<ReturnType<typeof startHeadlessHost>>;
    let controllerUrl: string;
    let n = 0;

    beforeAll(async () => {
      tmp = jobFolder(cluster, 'agents');
      cli = agentCli();
      glb = await writeTestScene(tmp);
      const dataDir = path.join(tmp, 'controller');
      backend = createNodeBackend(dataDir, { ...TEST_ENV, LIGHTBOX_CONFIG_DIR: path.join(tmp, 'config'), LIGHTBOX_AGENT_LEASE_TIMEOUT_MS: '3000', LIGHTBOX_AGENT_HEARTBEAT_MS: '300', LIGHTBOX_SLURM_POLL_MS: '300' });
      backend.settings.update({ farm: { concurrency: 0, threadsPerBlender: 1 } });
      backend.serveAgents();
      const routes = createAgentRoutes({ controller: backend.agents, tokens: createAgentTokenStore(backend.db), blobs: createBlobStore(path.join(dataDir, 'farm', 'blobs')) });
      host = await startHeadlessHost({ dispatch: backend.dispatch, events: backend.events, rendererDir: null, routes: [routes], host: cluster.hostAddress });
      controllerUrl = `http://${cluster.hostAddress}:${host.port}/`;
    });
    afterAll(async () => {
      await host?.close();
      await backend?.close();
    });

    const status = async (): Promise<FarmStatus> => FarmStatusSchema.parse(((await backend.dispatch('farm.status', {}, { transport: 'http' })) as { result: unknown }).result);

    function still(samples: number, size: number) {
      n += 1;
      return testStill({ glb, id: `pilot-${n}`, out: path.join(tmp, `out-${n}`, 'still.png'), samples, size });
    }

    /**
     * Pilots as a studio sets them up: the `slurm` setting of the controller's backend (which
     * serves agents), read back from farm.status. Only this test's pilots are seen.
     */
    async function configurePilots(extra: Record<string, unknown>): Promise<{ pilots: () => Promise<PilotView[]>; close: () => Promise<void> }> {
      const earlier = new Set((await status()).slurm.pilots.map((p) => p.slurmJobId));
      const dir = jobFolder(cluster, 'pilot-logs');
      backend.settings.update({
        slurm: {
          url: cluster.restUrl,
          auth: { kind: 'jwt', user: 'root', token: cluster.rootJwt },
          partition: 'render',
          maxPilots: 1,
          coresPerPilot: 1,
          memoryMbPerPilot: 1024,
          slotsPerPilot: 1,
          idleTimeoutSeconds: 3,
          timeLimitMinutes: 30,
          controllerUrl,
          command: [process.execPath, cli],
          workDir: dir,
          environment: { ...TEST_ENV, HOME: dir },
          ...extra,
        },
      });
      const pilots = async () => (await status()).slurm.pilots.filter((p) => !earlier.has(p.slurmJobId)).sort((a, b) => a.slurmJobId - b.slurmJobId);
      return {
        pilots,
        close: async () => {
          backend.settings.update({ slurm: null });
          submitted.push(...(await pilots()).map((p) => p.slurmJobId));
        },
      };
    }

    it('a Slurm pilot registers, renders, idles out and its Slurm job ends', async () => {
      const manager = await configurePilots({});
      expect((await status()).slurm).toMatchObject({ state: 'serving', error: null });
      // The JWT is a secret: settings.get shows it hidden.
      const shown = ((await backend.dispatch('settings.get', {}, { transport: 'http' })) as { result: { slurm: { auth: { token: string } } } }).result;
      expect(shown.slurm.auth.token).toBe('(hidden)');
      try {
        const farm = await backend.farm.get();
        const job = still(4, 48);
        const reply = await farm.runJob(job, { label: 'pilot still', timeoutMs: 120_000 });
        expect(reply).toMatchObject({ ok: true, result: { file: job.out } });
        expect(fs.statSync(job.out).size).toBeGreaterThan(0);
        const [pilot] = await manager.pilots();
        expect(await manager.pilots()).toHaveLength(1);
        const seen = await status();
        expect(seen.tasks.find((t) => t.label === 'pilot still')?.attempts).toEqual([expect.objectContaining({ attempt: 1, agent: pilot?.name, outcome: 'succeeded' })]);
        expect(seen.agents).toContainEqual(expect.objectContaining({ name: pilot?.name, kind: 'pilot', slurmJobId: String(pilot?.slurmJobId), tasksDone: 1 }));

        // Cancelling a run cancels its task on the pilot, not the pilot.
        const doomed = farm.runJob(still(64, 96), { label: 'cancelled still', runId: 'run-to-cancel', timeoutMs: 120_000 }).catch((e: unknown) => e);
        await until('the run on the pilot', async () => (await status()).tasks.find((t) => t.label === 'cancelled still' && t.state === 'running'));
        expect(farm.cancelRun('run-to-cancel')).toBe(1);
        await doomed;
        expect((await status()).tasks.find((t) => t.label === 'cancelled still')?.state).toBe('cancelled');
        expect((await client.getJob(pilot?.slurmJobId as number))?.state).toBe('RUNNING');
        expect((await manager.pilots())[0]?.state).toBe('running');
        // With no more work it idles out (3 s): the agent says goodbye and Slurm's job completes.
        const ended = await until('the pilot to idle out', async () => (await manager.pilots()).find((p) => p.state === 'ended'), 60_000);
        expect(ended).toMatchObject({ slurmJobId: pilot?.slurmJobId, slurmState: 'COMPLETED', agentId: expect.any(String) });
        expect((await status()).agents.find((a) => a.name === pilot?.name)?.state).toBe('offline');
        expect(await manager.pilots()).toHaveLength(1); // no work, no new pilot
      } finally {
        await manager.close();
      }
    }, 120_000);

    it('a Slurm node lost mid-task: the task completes on another pilot, and the lost pilot, requeued by Slurm, is cancelled', async () => {
      // n1 is held by another job, so the first pilot (a whole node: 2 cores) lands on n2.
      const blocker = await client.submitJob({ name: 'hold-n1', script: '#!/bin/sh\nsleep 600\n', constraints: 'host', cpusPerTask: 2, memoryMb: 64, workDir: tmp, standardOutput: '/dev/null', environment: { PATH: '/usr/bin:/bin' } });
      submitted.push(blocker);
      await until('n1 held', jobState(blocker, ['RUNNING']));
      const manager = await configurePilots({ maxPilots: 2, coresPerPilot: 2, idleTimeoutSeconds: 2 });
      const link = (state: 'up' | 'down') => execFileSync('ip', ['-n', cluster.netns, 'link', 'set', 'lbslurm1', state]);
      try {
        const farm = await backend.farm.get();
        const job = still(16, 96);
        const reply = farm.runJob(job, { label: 'lost node still', timeoutMs: 180_000, maxAttempts: 3 });
        const first = await until('the task leased to the n2 pilot', async () => {
          const task = (await status()).tasks.find((t) => t.label === 'lost node still');
          const pilot = (await manager.pilots())[0];
          // Leased: the agent is fetching the scene or starting Blender (≥ 1 s), so the cut comes mid-task.
          return task?.state === 'running' && pilot?.node === 'n2' && task.attempts[0]?.agent === pilot.name && pilot;
        }, 90_000);
        link('down');
        await client.cancelJob(blocker); // n1 free for the replacement
        expect(await reply).toMatchObject({ ok: true, result: { file: job.out } });
        const attempts = (await status()).tasks.find((t) => t.label === 'lost node still')?.attempts ?? [];
        expect(attempts.filter((a) => a.outcome === 'succeeded')).toHaveLength(1);
        expect(attempts[0]).toMatchObject({ attempt: 1, agent: first.name });
        expect(attempts[0]?.outcome).not.toBe('succeeded');
        const second = (await manager.pilots()).find((p) => p.slurmJobId !== first.slurmJobId);
        expect(second?.node).toBe('n1');
        expect(attempts.at(-1)).toMatchObject({ agent: second?.name, outcome: 'succeeded' });
        // Slurm declares n2 down (SlurmdTimeout 10 s) and requeues the pilot that was on it; the manager cancels it.
        const lost = await until('the lost pilot to end', async () => (await manager.pilots()).find((p) => p.slurmJobId === first.slurmJobId && p.state === 'ended'), 60_000);
        expect(lost).toMatchObject({ slurmState: 'CANCELLED', reason: expect.stringMatching(/^requeued by Slurm after its node failed/) });
        expect((await client.getJob(first.slurmJobId))?.restartCount).toBe(1);
      } finally {
        link('up');
        await client.cancelJob(blocker);
        await manager.close();
      }
      // n2 comes back by itself (ReturnToService=2) for the tests after this one.
      const n2 = () => execFileSync('sinfo', ['-h', '-N', '-n', 'n2', '-o', '%t'], { encoding: 'utf8', env: { ...process.env, SLURM_CONF: cluster.slurmConf } }).trim();
      await until('n2 back in service', async () => n2() === 'idle', 60_000);
    }, 240_000);
  });
});
