import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialLibraryForJob, parseJob, type BlenderJobInput } from '../../../workers/blender/job-spec';
import { HARDENED_BLENDER_FLAGS } from '../../../workers/blender/run-blender';
import { makeBoxesGlb } from '../../../workers/blender/test-glb';
import { applyThreads, createLocalFarm, type FarmProcessEvent, type LocalFarm } from './local-farm';
import { isOurBlender, livePidsFile, processStartTime } from './pid-registry';
import { TaskFailedError } from './task-queue';
import { TEST_BLENDER, isAlive, waitFor } from '../../testing/processes';

const BLENDER = TEST_BLENDER;

let tmp: string;
let glb: string;
let n = 0;



function still(over: { samples?: number; size?: number } = {}): Extract<BlenderJobInput, { kind: 'render_still' }> {
  n += 1;
  const size = over.size ?? 48;
  return {
    kind: 'render_still',
    id: `farm-${n}`,
    glb,
    camera: { angle: 'front' },
    lighting: 'studio_soft',
    background: { mode: 'color', color: '#336699' },
    materials: { default: 'neutral_grey', by_part: [], library: materialLibraryForJob() },
    renderer: { engine: 'cycles', samples: over.samples ?? 4, seed: 0, threads: 0 },
    resolution: { width: size, height: size, percentage: 100 },
    output: { format: 'png' },
    out: path.join(tmp, `farm-${n}.png`),
  };
}

/** Pids the farm spawned, in order. */
function track(farm: LocalFarm): number[] {
  const pids: number[] = [];
  farm.on('process', (e: FarmProcessEvent) => {
    if (e.event === 'spawned') pids.push(e.pid);
  });
  return pids;
}

function filePids(dataDir: string): number[] {
  const body = JSON.parse(fs.readFileSync(livePidsFile(dataDir), 'utf8')) as { processes: { pid: number }[] };
  return body.processes.map((p) => p.pid);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-farm-'));
  glb = path.join(tmp, 'box.glb');
  fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'widget', size: [1, 1, 1], translation: [0, 0, 0] }]));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('applyThreads', () => {
  it('fills threads only when the job leaves them at 0', () => {
    const job = parseJob(still());
    expect(applyThreads(job, 3)).toMatchObject({ renderer: { threads: 3 } });
    const pinned = parseJob({ ...still(), renderer: { engine: 'cycles', samples: 4, seed: 0, threads: 1 } });
    expect(applyThreads(pinned, 3)).toMatchObject({ renderer: { threads: 1 } });
    expect(applyThreads(job, 0)).toBe(job);
    const ping = parseJob({ kind: 'ping', id: 'p' });
    expect(applyThreads(ping, 3)).toBe(ping);
  });
});

describe('warm local farm, concurrency 2', () => {
  let farm: LocalFarm;
  let dataDir: string;
  let spawned: number[];

  beforeAll(() => {
    dataDir = path.join(tmp, 'data-warm');
    farm = createLocalFarm({ blenderPath: BLENDER, dataDir, concurrency: 2, threadsPerBlender: 1, mode: 'warm' });
    spawned = track(farm);
  });

  afterAll(async () => {
    await farm.close();
  });

  it('renders N stills, all succeed, on both processes; status shows them', async () => {
    const t0 = Date.now();
    const jobs = Array.from({ length: 6 }, () => still());
    const submitted = jobs.map((job) => farm.submitJob(job, { label: job.id!, timeoutMs: 30_000, runId: 'batch' }));
    const replies = await Promise.all(submitted.map((s) => s.done));
    console.log(`6 stills through the warm farm: ${Date.now() - t0} ms`);
    expect(replies.every((r) => r.ok)).toBe(true);
    for (const job of jobs) expect(fs.existsSync(job.out)).toBe(true);
    const status = farm.status();
    const tasks = status.tasks.filter((t) => submitted.some((s) => s.taskId === t.id));
    expect(tasks.map((t) => t.state)).toEqual(Array(6).fill('succeeded'));
    expect(new Set(tasks.map((t) => t.attempts[0]!.slot))).toEqual(new Set([0, 1]));
    expect(new Set(spawned).size).toBe(2);
    expect(status.processes.map((p) => [p.slot, p.state, p.mode])).toEqual([[0, 'idle', 'warm'], [1, 'idle', 'warm']]);
    expect(status.processes.reduce((sum, p) => sum + p.jobsDone, 0)).toBe(6);
    expect(status.processes.every((p) => p.pid !== null && (p.rssBytes ?? 0) > 0)).toBe(true);
    expect(filePids(dataDir).sort()).toEqual(status.processes.map((p) => p.pid).sort());
  });

  it('a Blender SIGKILLed mid-render: the job is retried on the other process and completes', async () => {
    const lines: string[] = [];
    let victim = 0;
    const job = still({ samples: 64 });
    const { taskId, done } = farm.submitJob(job, {
      label: 'victim',
      timeoutMs: 30_000,
      onLog: (line) => {
        lines.push(line);
        // Kill from outside, through the registry, the moment Cycles is sampling.
        if (victim === 0 && /Sample \d+\/64/.test(line)) {
          const view = farm.status().processes.find((p) => p.taskId === taskId);
          victim = view!.pid!;
          expect(farm.livePids()).toContain(victim);
          process.kill(victim, 'SIGKILL');
        }
      },
    });
    const reply = await done;
    expect(reply.ok).toBe(true);
    expect(victim).toBeGreaterThan(0);
    const task = farm.status().tasks.find((t) => t.id === taskId)!;
    expect(task.attempts.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    expect(task.attempts[0]!.error).toMatch(/killed by SIGKILL/);
    expect(task.attempts[1]!.slot).not.toBe(task.attempts[0]!.slot);
    expect(await waitFor(() => !isAlive(victim), 1000)).toBe(true);
    expect(farm.livePids()).not.toContain(victim);
    // The crashed slot comes back with a fresh Blender on its next job.
    const again = await Promise.all([still(), still()].map((j) => farm.runJob(j, { label: 'after', timeoutMs: 30_000 })));
    expect(again.every((r) => r.ok)).toBe(true);
    expect(farm.status().processes.every((p) => p.pid !== null && p.pid !== victim)).toBe(true);
  });

  it('a reply with ok:false is returned, not retried', async () => {
    const { taskId, done } = farm.submitJob({ ...still(), glb: path.join(tmp, 'missing.glb') }, { label: 'bad', timeoutMs: 30_000 });
    const reply = await done;
    expect(reply.ok).toBe(false);
    expect(farm.status().tasks.find((t) => t.id === taskId)!.attempts).toHaveLength(1);
  });

  it('a hung job hits its timeout and its Blender is gone', async () => {
    const seen: number[] = [];
    const { taskId, done } = farm.submitJob(still({ samples: 4096, size: 256 }), { label: 'hung', timeoutMs: 2500, maxAttempts: 1 });
    const off = farm.on('log', (l) => {
      if (l.taskId === taskId && seen.length === 0) seen.push(farm.status().processes.find((p) => p.taskId === taskId)!.pid!);
    });
    const t0 = Date.now();
    const error = await done.then(() => null, (e: unknown) => e);
    off();
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).attempts.map((a) => a.outcome)).toEqual(['timed_out']);
    expect(Date.now() - t0).toBeLessThan(4500);
    expect(seen).toHaveLength(1);
    expect(await waitFor(() => !isAlive(seen[0]!), 1000)).toBe(true);
    expect(() => process.kill(seen[0]!, 0)).toThrow();
    expect(farm.livePids()).not.toContain(seen[0]);
  });

  it('cancelRun leaves no Blender of that run alive within 1 s', async () => {
    const before = spawned.length;
    const used = new Set<number>();
    const jobs = [still({ samples: 4096, size: 256 }), still({ samples: 4096, size: 256 }), still({ samples: 4096, size: 256 })];
    const submitted = jobs.map((job) => farm.submitJob(job, { label: 'long', timeoutMs: 60_000, runId: 'cancel-me' }));
    // Wait until both processes are rendering (sampling) a job of the run.
    const sampling = new Set<string>();
    const off = farm.on('log', (l) => {
      if (/Sample \d+/.test(l.line)) sampling.add(l.taskId);
    });
    expect(await waitFor(() => sampling.size === 2, 20_000)).toBe(true);
    off();
    for (const p of farm.status().processes) if (p.pid !== null) used.add(p.pid);
    for (const pid of spawned.slice(before)) used.add(pid);
    expect(used.size).toBeGreaterThanOrEqual(2);
    const t0 = Date.now();
    expect(farm.cancelRun('cancel-me')).toBe(3);
    const results = await Promise.allSettled(submitted.map((s) => s.done));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(await waitFor(() => [...used].every((pid) => !isAlive(pid)), 1000 - (Date.now() - t0))).toBe(true);
    for (const pid of used) expect(() => process.kill(pid, 0)).toThrow();
    console.log(`cancelRun: every Blender of the run gone after ${Date.now() - t0} ms`);
    expect(farm.status().tasks.filter((t) => t.runId === 'cancel-me').map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('close() leaves no Blender and an empty registry', async () => {
    const pids = (await Promise.all([still(), still()].map((j) => farm.runJob(j, { label: 'pre-close', timeoutMs: 30_000 })))).length;
    expect(pids).toBe(2);
    const live = farm.livePids();
    expect(live.length).toBe(2);
    // A job in flight at close time too.
    const inflight = farm.runJob(still({ samples: 4096, size: 256 }), { label: 'inflight', timeoutMs: 60_000 }).then(() => null, (e: unknown) => e);
    await waitFor(() => farm.status().processes.some((p) => p.state === 'busy'), 5000);
    const t0 = Date.now();
    await farm.close();
    expect(String(await inflight)).toMatch(/cancelled/);
    expect(await waitFor(() => [...live, ...spawned].every((pid) => !isAlive(pid)), 1000)).toBe(true);
    console.log(`close(): ${Date.now() - t0} ms`);
    for (const pid of [...live, ...spawned]) expect(() => process.kill(pid, 0)).toThrow();
    expect(filePids(dataDir)).toEqual([]);
  });
});

describe('cold mode', () => {
  it('one Blender per job, registered while it runs and gone after', async () => {
    const dataDir = path.join(tmp, 'data-cold');
    const farm = createLocalFarm({ blenderPath: BLENDER, dataDir, concurrency: 1, threadsPerBlender: 1, mode: 'cold' });
    const events: FarmProcessEvent[] = [];
    farm.on('process', (e: FarmProcessEvent) => events.push(e));
    try {
      const reply = await farm.runJob(still(), { label: 'cold', timeoutMs: 30_000 });
      expect(reply.ok).toBe(true);
      expect(events.map((e) => e.event)).toEqual(['spawned', 'exited']);
      expect(isAlive(events[0]!.pid)).toBe(false);
      expect(farm.livePids()).toEqual([]);
      expect(farm.status().processes[0]).toMatchObject({ mode: 'cold', pid: null });
    } finally {
      await farm.close();
    }
  });
});

describe('leftovers of a crashed earlier run', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.pid && isAlive(c.pid)) process.kill(c.pid, 'SIGKILL');
  });

  it('kills a stale Blender from live-pids.json, never an unrelated process, and resets the file', async () => {
    const dataDir = path.join(tmp, 'data-stale');
    const blender = spawn(BLENDER, [...HARDENED_BLENDER_FLAGS, '--python-expr', 'import time; time.sleep(120)'], { detached: true, stdio: 'ignore' });
    const sleeper = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
    children.push(blender, sleeper);
    const bpid = blender.pid!;
    const spid = sleeper.pid!;
    // Until exec has happened, /proc shows node's command line, not Blender's.
    expect(await waitFor(() => isOurBlender(bpid), 5000)).toBe(true);
    expect(isOurBlender(spid)).toBe(false);
    expect(isOurBlender(process.pid)).toBe(false);
    // Written by a controller that no longer runs (a pid far above any live one).
    const crashed = livePidsFile(dataDir, 4_000_000);
    fs.mkdirSync(path.dirname(crashed), { recursive: true });
    fs.writeFileSync(
      crashed,
      JSON.stringify({ version: 1, owner: 4_000_000, ownerStart: '1', processes: [{ pid: bpid, slot: 0, mode: 'warm', startedAt: '', procStart: null }, { pid: spid, slot: 1, mode: 'warm', startedAt: '', procStart: null }] }),
    );
    const farm = createLocalFarm({ blenderPath: BLENDER, dataDir, concurrency: 1, threadsPerBlender: 1, mode: 'warm' });
    try {
      expect(await waitFor(() => !isAlive(bpid), 1000)).toBe(true);
      expect(await waitFor(() => blender.exitCode !== null || blender.signalCode !== null, 1000)).toBe(true);
      expect(() => process.kill(bpid, 0)).toThrow();
      expect(isAlive(spid)).toBe(true);
      expect(filePids(dataDir)).toEqual([]);
      expect(fs.existsSync(crashed)).toBe(false);
    } finally {
      await farm.close();
    }
    expect(isAlive(spid)).toBe(true);
  });

  it("never reaps the Blenders of another controller that is still running on the same data directory", async () => {
    const dataDir = path.join(tmp, 'data-shared');
    const blender = spawn(BLENDER, [...HARDENED_BLENDER_FLAGS, '--python-expr', 'import time; time.sleep(120)'], { detached: true, stdio: 'ignore' });
    // A live process stands in for the other controller (the app, say, while a CLI render starts).
    const other = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
    children.push(blender, other);
    const bpid = blender.pid!;
    expect(await waitFor(() => isOurBlender(bpid), 5000)).toBe(true);
    const file = livePidsFile(dataDir, other.pid!);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ version: 1, owner: other.pid, ownerStart: processStartTime(other.pid!), processes: [{ pid: bpid, slot: 0, mode: 'warm', startedAt: '', procStart: processStartTime(bpid) }] }));
    const farm = createLocalFarm({ blenderPath: BLENDER, dataDir, concurrency: 1, threadsPerBlender: 1, mode: 'warm' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(isAlive(bpid)).toBe(true);
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      await farm.close();
    }
    expect(isAlive(bpid)).toBe(true);
    process.kill(-bpid, 'SIGKILL');
  });
});
