import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../../workers/blender/run-process';
import { TaskCancelledError, TaskFailedError, TaskQueue, type ExecutionContext } from './task-queue';
import { makeTempDir } from '../../testing/temp-dir';

// Every task runs a real child process (sh) so timeouts, kills and cancellation are exercised
// on real process groups, as the Blender executor will be.
interface Job {
  script: string;
  /** Gets the pid of the attempt's process, e.g. to SIGKILL it from outside. */
  onPid?: (pid: number, ctx: ExecutionContext) => void;
}

async function shExecutor(job: Job, ctx: ExecutionContext): Promise<string> {
  const result = await runProcess('/bin/sh', ['-c', job.script], {
    timeoutMs: 60_000,
    signal: ctx.signal,
    env: { ...process.env, ATTEMPT: String(ctx.attempt), SLOT: String(ctx.slot) },
    onSpawn: (pid) => job.onPid?.(pid, ctx),
  });
  for (const line of result.stdout.split('\n').filter(Boolean)) ctx.log(line);
  if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode ?? result.signal}`);
  return result.stdout.trim();
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('farm task queue', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let queue: TaskQueue<Job, string>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(async () => {
    await queue?.close();
    tmp.cleanup();
  });

  it('runs higher priorities first, equal ones in order', async () => {
    queue = new TaskQueue(shExecutor, { concurrency: 1 });
    const order: string[] = [];
    queue.on('task', (t: { label: string; state: string }) => t.state === 'running' && order.push(t.label));
    const a = queue.submit({ kind: 'x', label: 'a', payload: { script: 'sleep 0.2' }, timeoutMs: 5000 });
    const b = queue.submit({ kind: 'x', label: 'b', payload: { script: 'true' }, timeoutMs: 5000 });
    const c = queue.submit({ kind: 'x', label: 'c', payload: { script: 'true' }, timeoutMs: 5000, priority: 5 });
    const d = queue.submit({ kind: 'x', label: 'd', payload: { script: 'true' }, timeoutMs: 5000 });
    await Promise.all([a.done, b.done, c.done, d.done]);
    // Scheduling starts after the submitting code yields, so all four compete from the start.
    expect(order).toEqual(['c', 'a', 'b', 'd']);
  });

  it('runs as many tasks at once as it has slots', async () => {
    queue = new TaskQueue(shExecutor, { concurrency: 2 });
    const started = Date.now();
    const tasks = [0, 1, 2, 3].map((i) => queue.submit({ kind: 'x', label: `t${i}`, payload: { script: 'sleep 0.4; echo $SLOT' }, timeoutMs: 5000 }));
    const slots = await Promise.all(tasks.map((t) => t.done));
    const elapsed = Date.now() - started;
    expect(new Set(slots)).toEqual(new Set(['0', '1']));
    expect(elapsed).toBeLessThan(1500); // two waves of 0.4 s, not four
  });

  it('fails a hung task at its timeout, kills its process, and keeps every attempt', async () => {
    queue = new TaskQueue(shExecutor, { concurrency: 1, logDir: tmp.dir });
    const pids: number[] = [];
    const task = queue.submit({ kind: 'x', label: 'hang', payload: { script: 'echo started; sleep 30', onPid: (pid) => pids.push(pid) }, timeoutMs: 400, maxAttempts: 2 });
    const error = await task.done.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    const attempts = (error as TaskFailedError).attempts;
    expect(attempts.map((a) => a.outcome)).toEqual(['timed_out', 'timed_out']);
    expect(attempts.every((a) => a.log.includes('started'))).toBe(true);
    expect(pids).toHaveLength(2);
    expect(pids.some(alive)).toBe(false);
    const log = fs.readFileSync(path.join(tmp.dir, `${task.id}.log`), 'utf8');
    expect(log).toMatch(/# attempt 1 on slot 0: timed_out/);
    expect(log).toMatch(/# attempt 2 on slot 0: timed_out/);
  });

  it('retries a process killed with SIGKILL mid-run on another slot, and completes', async () => {
    queue = new TaskQueue(shExecutor, { concurrency: 2 });
    const task = queue.submit({
      kind: 'x',
      label: 'killed once',
      payload: {
        script: 'if [ "$ATTEMPT" = 1 ]; then sleep 30; fi; echo done-on-$SLOT',
        onPid: (pid, ctx) => ctx.attempt === 1 && setTimeout(() => process.kill(pid, 'SIGKILL'), 150),
      },
      timeoutMs: 10_000,
      maxAttempts: 3,
    });
    const out = await task.done;
    const view = queue.tasks().find((t) => t.id === task.id)!;
    expect(view.attempts.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    expect(view.attempts[0]!.error).toMatch(/SIGKILL/);
    expect(view.attempts[1]!.slot).not.toBe(view.attempts[0]!.slot);
    expect(out).toBe(`done-on-${view.attempts[1]!.slot}`);
  });

  it('cancels a running task within a second, without retrying, and a whole run with its queue', async () => {
    queue = new TaskQueue(shExecutor, { concurrency: 1 });
    let pid = 0;
    const running = queue.submit({ kind: 'x', label: 'r', runId: 'run1', payload: { script: 'sleep 30', onPid: (p) => (pid = p) }, timeoutMs: 60_000, maxAttempts: 3 });
    const queued = queue.submit({ kind: 'x', label: 'q', runId: 'run1', payload: { script: 'true' }, timeoutMs: 60_000 });
    const other = queue.submit({ kind: 'x', label: 'o', runId: 'run2', payload: { script: 'echo other' }, timeoutMs: 60_000 });
    while (!pid) await new Promise((r) => setTimeout(r, 20));
    const at = Date.now();
    expect(queue.cancelRun('run1')).toBe(2);
    await expect(running.done).rejects.toBeInstanceOf(TaskCancelledError);
    await expect(queued.done).rejects.toBeInstanceOf(TaskCancelledError);
    expect(Date.now() - at).toBeLessThan(1000);
    expect(alive(pid)).toBe(false);
    expect(queue.tasks().find((t) => t.id === running.id)!.attempts).toHaveLength(1);
    expect(await other.done).toBe('other');
  });

  it('reports progress and a failure that is not retried past maxAttempts', async () => {
    const seen: number[] = [];
    queue = new TaskQueue(async (job: Job, ctx) => {
      ctx.progress(0.5, 'half');
      return shExecutor(job, ctx);
    }, { concurrency: 1 });
    queue.on('progress', (p: { fraction: number }) => seen.push(p.fraction));
    const bad = queue.submit({ kind: 'x', label: 'bad', payload: { script: 'echo nope; exit 3' }, timeoutMs: 5000 });
    const error = await bad.done.then(() => null, (e: unknown) => e);
    expect((error as Error).message).toMatch(/failed after 1 attempt\(s\): exit 3/);
    expect(seen).toEqual([0.5]);
  });
});
