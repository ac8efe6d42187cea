import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { FarmAttemptOutcome, FarmTaskState } from '../../../shared/farm/status';

export interface TaskSpec<P> {
  kind: string;
  label: string;
  /** What the task does, in words (defaults to the label). */
  title?: string;
  /** A check of the tool (a version ping), not work anyone asked for: the farm page groups these away. */
  probe?: boolean;
  payload: P;
  /** Higher runs first; equal priorities run in submission order. */
  priority?: number;
  /** Groups tasks so a whole run can be cancelled at once. */
  runId?: string;
  timeoutMs: number;
  /** Attempts before the task fails for good (1 = no retry). */
  maxAttempts?: number;
}

export interface AttemptRecord {
  attempt: number;
  slot: number;
  /** The render agent that ran it, for an attempt outside the local slots. */
  agent?: string;
  startedAt: string;
  endedAt: string | null;
  outcome: FarmAttemptOutcome;
  error: string | null;
  log: string[];
}

export interface TaskProgress {
  taskId: string;
  fraction: number;
  message: string;
}

export interface ExecutionContext {
  taskId: string;
  slot: number;
  attempt: number;
  /** Aborted on timeout or cancellation; the executor must stop its processes promptly. */
  signal: AbortSignal;
  log(line: string): void;
  progress(fraction: number, message: string): void;
}

export type Executor<P, R> = (payload: P, ctx: ExecutionContext) => Promise<R>;

export class TaskCancelledError extends Error {
  constructor(taskId: string) {
    super(`task ${taskId} was cancelled`);
    this.name = 'TaskCancelledError';
  }
}

export class TaskFailedError extends Error {
  constructor(
    readonly taskId: string,
    readonly attempts: AttemptRecord[],
  ) {
    const last = attempts.at(-1);
    super(`task ${taskId} failed after ${attempts.length} attempt(s): ${last?.error ?? 'unknown error'}`);
    this.name = 'TaskFailedError';
  }
}

export interface TaskView {
  id: string;
  kind: string;
  label: string;
  title: string;
  probe: boolean;
  runId: string | null;
  priority: number;
  state: FarmTaskState;
  progress: number;
  attempts: AttemptRecord[];
  submittedAt: string;
}

interface Entry<P, R> {
  view: TaskView;
  spec: TaskSpec<P>;
  seq: number;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
  controller: AbortController | null;
  /** Slots this task failed on; a retry prefers another. */
  failedSlots: Set<number>;
}

const LOG_LINES_KEPT = 2000;

/**
 * The farm's queue: priorities, a fixed number of slots (one Blender process each), per-task
 * timeout, retries on another slot, cancellation of a task or a whole run, progress and a log per
 * attempt. What a slot does is the executor's business; the queue only schedules and records.
 */
export class TaskQueue<P, R> extends EventEmitter {
  private readonly entries = new Map<string, Entry<P, R>>();
  private readonly busy = new Map<number, string>();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly executor: Executor<P, R>,
    private readonly options: { concurrency: number; logDir?: string; keepFinished?: number },
  ) {
    super();
    // 0 local slots: a controller that only hands tasks to render agents (claim()).
    if (!Number.isInteger(options.concurrency) || options.concurrency < 0) throw new RangeError('concurrency must be a non-negative integer');
  }

  submit(spec: TaskSpec<P>): { id: string; done: Promise<R> } {
    if (this.closed) throw new Error('the farm is shutting down');
    const id = `t${Date.now().toString(36)}-${(++this.seq).toString(36)}`;
    let resolve!: (r: R) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<R>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers that only watch events must not see unhandled rejections.
    done.catch(() => {});
    const view: TaskView = {
      id,
      kind: spec.kind,
      label: spec.label,
      title: spec.title ?? spec.label,
      probe: spec.probe ?? false,
      runId: spec.runId ?? null,
      priority: spec.priority ?? 0,
      state: 'queued',
      progress: 0,
      attempts: [],
      submittedAt: new Date().toISOString(),
    };
    this.entries.set(id, { view, spec, seq: this.seq, resolve, reject, controller: null, failedSlots: new Set() });
    this.emit('task', structuredClone(view));
    queueMicrotask(() => this.pump());
    return { id, done };
  }

  cancel(taskId: string): boolean {
    const entry = this.entries.get(taskId);
    if (!entry || isFinal(entry.view.state)) return false;
    if (entry.controller) entry.controller.abort('cancelled');
    else this.finish(entry, 'cancelled', new TaskCancelledError(taskId));
    return true;
  }

  cancelRun(runId: string): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.view.runId === runId && this.cancel(entry.view.id)) count += 1;
    return count;
  }

  tasks(): TaskView[] {
    return [...this.entries.values()].map((e) => structuredClone(e.view));
  }

  slots(): { slot: number; taskId: string | null }[] {
    return Array.from({ length: this.options.concurrency }, (_, slot) => ({ slot, taskId: this.busy.get(slot) ?? null }));
  }

  /**
   * Hands the next queued task `accept` takes to an executor outside the local slots (a render
   * agent's lease) as an attempt on `slot`, a number past the local ones that no other running
   * attempt holds. The queue's priorities, timeout, cancellation and retries apply as for a local
   * slot. Answers the task, or null when none is waiting that `accept` takes.
   */
  claim(slot: number, accept: (task: TaskView) => boolean, executor: Executor<P, R>, agent?: string): TaskView | null {
    if (this.closed || slot < this.options.concurrency || this.busy.has(slot)) return null;
    const next = this.nextQueued(accept);
    if (!next) return null;
    void this.run(next, slot, executor, agent);
    return structuredClone(next.view);
  }

  /** Cancels everything and waits for running attempts to end. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.entries.values()].filter((e) => !isFinal(e.view.state));
    const ended = running.map((e) => new Promise<void>((r) => e.view.state === 'queued' ? r() : this.once(`end:${e.view.id}`, () => r())));
    for (const e of running) this.cancel(e.view.id);
    await Promise.all(ended);
  }

  private pump(): void {
    for (;;) {
      const free = this.freeSlots();
      if (free.length === 0) return;
      const next = this.nextQueued();
      if (!next) return;
      // A retry goes to a slot it has not failed on when one is free.
      const slot = free.find((s) => !next.failedSlots.has(s)) ?? free[0]!;
      void this.run(next, slot);
    }
  }

  private freeSlots(): number[] {
    const free: number[] = [];
    for (let s = 0; s < this.options.concurrency; s++) if (!this.busy.has(s)) free.push(s);
    return free;
  }

  private nextQueued(accept?: (task: TaskView) => boolean): Entry<P, R> | undefined {
    let best: Entry<P, R> | undefined;
    for (const e of this.entries.values()) {
      if (e.view.state !== 'queued' && e.view.state !== 'retrying') continue;
      if (accept && !accept(e.view)) continue;
      if (!best || e.view.priority > best.view.priority || (e.view.priority === best.view.priority && e.seq < best.seq)) best = e;
    }
    return best;
  }

  private async run(entry: Entry<P, R>, slot: number, executor: Executor<P, R> = this.executor, agent?: string): Promise<void> {
    const { view, spec } = entry;
    this.busy.set(slot, view.id);
    const controller = new AbortController();
    entry.controller = controller;
    const attempt: AttemptRecord = {
      attempt: view.attempts.length + 1,
      slot,
      ...(agent ? { agent } : {}),
      startedAt: new Date().toISOString(),
      endedAt: null,
      outcome: 'running',
      error: null,
      log: [],
    };
    view.attempts.push(attempt);
    view.state = 'running';
    this.emit('task', structuredClone(view));
    const timer = setTimeout(() => controller.abort('timeout'), spec.timeoutMs);
    const ctx: ExecutionContext = {
      taskId: view.id,
      slot,
      attempt: attempt.attempt,
      signal: controller.signal,
      log: (line) => {
        attempt.log.push(line);
        if (attempt.log.length > LOG_LINES_KEPT) attempt.log.splice(0, attempt.log.length - LOG_LINES_KEPT);
        this.emit('log', { taskId: view.id, attempt: attempt.attempt, line });
      },
      progress: (fraction, message) => {
        view.progress = Math.max(0, Math.min(1, fraction));
        this.emit('progress', { taskId: view.id, fraction: view.progress, message } satisfies TaskProgress);
      },
    };
    let result: R | undefined;
    let error: unknown;
    try {
      result = await executor(spec.payload, ctx);
    } catch (e) {
      error = e;
    } finally {
      clearTimeout(timer);
      entry.controller = null;
      this.busy.delete(slot);
    }
    attempt.endedAt = new Date().toISOString();
    const reason = controller.signal.aborted ? controller.signal.reason : null;
    if (reason === 'cancelled') {
      attempt.outcome = 'cancelled';
      attempt.error = 'cancelled';
      this.finish(entry, 'cancelled', new TaskCancelledError(view.id));
    } else if (error === undefined && reason === null) {
      attempt.outcome = 'succeeded';
      view.progress = 1;
      this.finish(entry, 'succeeded', undefined, result as R);
    } else {
      attempt.outcome = reason === 'timeout' ? 'timed_out' : 'failed';
      attempt.error = reason === 'timeout' ? `timed out after ${spec.timeoutMs} ms` : errorText(error);
      entry.failedSlots.add(slot);
      if (view.attempts.length < (spec.maxAttempts ?? 1) && !this.closed) {
        view.state = 'retrying';
        this.emit('task', structuredClone(view));
      } else {
        this.finish(entry, 'failed', new TaskFailedError(view.id, structuredClone(view.attempts)));
      }
    }
    this.emit(`end:${view.id}`);
    this.pump();
  }

  private finish(entry: Entry<P, R>, state: FarmTaskState, error?: Error, result?: R): void {
    entry.view.state = state;
    this.writeLog(entry.view);
    this.emit('task', structuredClone(entry.view));
    if (error) entry.reject(error);
    else entry.resolve(result as R);
    this.forgetOld();
  }

  /** Every attempt's log goes to its own file, so a failed task can be read after the fact. */
  private writeLog(view: TaskView): void {
    if (!this.options.logDir) return;
    const text = view.attempts
      .map((a) => `# attempt ${a.attempt} on slot ${a.slot}: ${a.outcome}${a.error ? ` (${a.error})` : ''}\n${a.log.join('\n')}\n`)
      .join('\n');
    try {
      fs.mkdirSync(this.options.logDir, { recursive: true });
      fs.writeFileSync(path.join(this.options.logDir, `${view.id}.log`), text);
    } catch {
      // A full disk must not turn a finished render into a failure.
    }
  }

  private forgetOld(): void {
    const keep = this.options.keepFinished ?? 200;
    const finished = [...this.entries.values()].filter((e) => isFinal(e.view.state));
    for (const e of finished.slice(0, Math.max(0, finished.length - keep))) this.entries.delete(e.view.id);
  }
}

function isFinal(state: FarmTaskState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
