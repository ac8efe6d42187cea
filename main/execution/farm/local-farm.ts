import { EventEmitter } from 'node:events';
import path from 'node:path';
import { defaultSettings } from '../../platform/settings/defaults';
import { defaultScriptsDir, parseJob, type BlenderJob, type BlenderJobInput, type JobProgress, type JobReply } from '../../../workers/blender/job-spec';
import type { SlotConfig, SlotFailureCode, SlotMessage, SlotResult } from '../../../workers/farm/protocol';
import type { FarmMode, FarmStatus, FarmTaskView } from '../../../shared/farm/status';
import { livePidsFile, LivePidRegistry } from './pid-registry';
import { describeJob, isProbeJob } from './job-title';
import { parseBlenderProgress } from './progress';
import { farmWorkerFile, SlotPool, type SlotRun } from './slot-pool';
import { TaskQueue, type ExecutionContext, type TaskView } from './task-queue';

/** The local farm knows no cluster; the farm service adds the Slurm side when a controller has one. */
const slurmOff = (): FarmStatus['slurm'] => ({ state: 'off', error: null, pilots: [] });
import type { FarmJobOptions, FarmProcessView, RenderFarm } from './types';

export type { FarmStatus } from '../../../shared/farm/status';

/**
 * The local backend of the render farm: TaskQueue for scheduling, one worker thread per slot
 * (slot-pool.ts) driving one Blender, and the pid registry through which this controller, not
 * the threads, owns every Blender process group.
 */

export interface LocalFarmOptions {
  blenderPath: string;
  dataDir: string;
  /** Defaults for this machine come from defaultSettings(). */
  concurrency?: number;
  /** Render threads for jobs that leave renderer.threads at 0 (0 = Blender uses every core). */
  threadsPerBlender?: number;
  mode?: FarmMode;
  /** A warm process is replaced after this many jobs (default 50)... */
  maxJobsPerProcess?: number;
  /** ...or once it reported more resident memory than this (default 2 GiB). */
  maxRssBytes?: number;
  /** Attempts per job when the caller does not say (default 2: one retry on another process). */
  defaultMaxAttempts?: number;
  /** Finished tasks kept for status (default 200). */
  keepFinished?: number;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv); see workers/blender/blender-env.ts. */
  blenderEnv?: Record<string, string>;
  scriptsDir?: string;
  /** The worker module; defaults to the bundled one (or one built from sources in dev/tests). */
  workerFile?: string;
  startTimeoutMs?: number;
}

export interface FarmLogLine {
  taskId: string;
  attempt: number;
  line: string;
}

export interface FarmProcessEvent {
  slot: number;
  pid: number;
  event: 'spawned' | 'exited';
}

export interface LocalFarm extends RenderFarm {
  readonly mode: FarmMode;
  readonly threadsPerBlender: number;
  /** runJob, but the task id is known at once (to cancel it, to find it in status). */
  submitJob(job: BlenderJobInput, options: FarmJobOptions): { taskId: string; done: Promise<JobReply> };
  cancelTask(taskId: string): boolean;
  status(): FarmStatus;
  /** Registered Blender pids (the content of live-pids.json). */
  livePids(): number[];
  /**
   * Hands the next queued task `accept` takes to a render agent (see TaskQueue.claim): `run`
   * gets the job and reports back through the context, which forwards progress and log lines to
   * the job's caller as a local slot would. Null when nothing waits that `accept` takes.
   */
  claimTask(slot: number, accept: (task: TaskView) => boolean, run: (job: BlenderJob, ctx: RemoteRunContext) => Promise<JobReply>, agent: string): TaskView | null;
  /** `changed` is throttled (at most every 200 ms, the last state always delivered). Returns an unsubscribe. */
  on(event: 'changed', listener: (status: FarmStatus) => void): () => void;
  on(event: 'log', listener: (line: FarmLogLine) => void): () => void;
  on(event: 'process', listener: (event: FarmProcessEvent) => void): () => void;
  /** A task entered or changed state, unthrottled: render agents waiting for work listen to it. */
  on(event: 'task', listener: (task: TaskView) => void): () => void;
}

/** What a render agent's attempt reports through: the queue's context plus the job's own hooks. */
export interface RemoteRunContext extends ExecutionContext {
  /** The job's frame progress as the Blender side reported it. */
  frame(progress: JobProgress): void;
  /** The caller's timeout for the job (the queue enforces it; the agent's Blender gets it too). */
  timeoutMs: number;
}

/** A process failure (crash, timeout, abort, start failure): TaskQueue retries these. */
export class FarmProcessError extends Error {
  constructor(
    readonly code: SlotFailureCode | 'worker_failed',
    message: string,
    readonly logTail: string[] = [],
  ) {
    super(message);
    this.name = 'FarmProcessError';
  }
}

interface FarmPayload {
  job: BlenderJob;
  timeoutMs: number;
  onProgress?: (progress: JobProgress) => void;
  onFraction?: (fraction: number) => void;
  onLog?: (line: string) => void;
}

interface SlotState {
  pid: number | null;
  state: FarmProcessView['state'];
  jobsDone: number;
  rssBytes: number | null;
}

const CHANGED_INTERVAL_MS = 200;
/** How long a worker thread may take to finish after its Blender was killed before it is terminated. */
const STUCK_WORKER_MS = 2000;
/** The worker's own timeout trails the queue's, so the queue's timer decides and records it. */
const WORKER_TIMEOUT_MARGIN_MS = 2000;
const RECENT_FINISHED = 20;
const STATUS_LOG_LINES = 20;

/**
 * Render threads: a job's explicit renderer.threads wins (callers may pin it); 0 means "the
 * farm decides" and gets threadsPerBlender, so concurrent Blenders do not each take every core.
 * Pixels do not depend on the thread count (fixed seed), so this is purely a scheduling choice.
 */
export function applyThreads(job: BlenderJob, threadsPerBlender: number): BlenderJob {
  if (!('renderer' in job) || job.renderer.threads !== 0 || threadsPerBlender === 0) return job;
  return { ...job, renderer: { ...job.renderer, threads: threadsPerBlender } };
}

/** Turns Blender's sample lines and the job's per-frame reports into one 0..1 fraction. */
class ProgressTracker {
  private readonly total: number;
  private framesDone = 0;
  constructor(job: BlenderJob) {
    this.total = job.kind === 'render_frames' ? Math.max(1, job.frame_range[1] - job.frame_range[0] + 1) : 1;
  }
  frame(p: JobProgress): [number, string] {
    this.framesDone = p.done ?? this.framesDone + 1;
    return [this.framesDone / this.total, `frame ${p.frame} of ${p.of}`];
  }
  line(line: string): [number, string] | null {
    const parsed = parseBlenderProgress(line);
    if (parsed?.kind !== 'sample') return null;
    const within = parsed.sample / parsed.samples;
    return [Math.min(1, (this.framesDone + within) / this.total), `sample ${parsed.sample}/${parsed.samples}`];
  }
}

export function createLocalFarm(options: LocalFarmOptions): LocalFarm {
  const defaults = defaultSettings().farm;
  const concurrency = options.concurrency ?? defaults.concurrency;
  const threadsPerBlender = options.threadsPerBlender ?? defaults.threadsPerBlender;
  const mode = options.mode ?? defaults.mode;
  const config: SlotConfig = {
    binary: options.blenderPath,
    mode,
    scriptsDir: options.scriptsDir ?? defaultScriptsDir(),
    maxJobsPerProcess: options.maxJobsPerProcess ?? 50,
    maxRssBytes: options.maxRssBytes ?? 2 * 1024 ** 3,
    env: options.env,
    extraEnv: options.blenderEnv,
    startTimeoutMs: options.startTimeoutMs,
  };
  const farmDir = path.join(options.dataDir, 'farm');

  // Before anything is spawned: Blenders a crashed earlier run left behind are ours to kill.
  const registry = new LivePidRegistry(livePidsFile(options.dataDir));
  registry.reapStale();
  registry.install();

  const pool = new SlotPool(options.workerFile ?? farmWorkerFile(), concurrency);
  const slots: SlotState[] = Array.from({ length: concurrency }, () => ({ pid: null, state: 'stopped', jobsDone: 0, rssBytes: null }));
  const runs = new Map<number, SlotRun>();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let closed: Promise<void> | null = null;

  // --- farm.changed throttle: leading edge, then at most one per interval with the latest state.
  let lastChanged = 0;
  let changedTimer: NodeJS.Timeout | null = null;
  const changed = () => {
    if (changedTimer || emitter.listenerCount('changed') === 0) return;
    const wait = Math.max(0, lastChanged + CHANGED_INTERVAL_MS - Date.now());
    changedTimer = setTimeout(() => {
      changedTimer = null;
      lastChanged = Date.now();
      emitter.emit('changed', status());
    }, wait);
    changedTimer.unref();
  };

  const onSlotMessage = (slotIndex: number, message: SlotMessage, ctx: ExecutionContext | null, payload: FarmPayload | null, tracker: ProgressTracker | null) => {
    const slot = slots[slotIndex]!;
    switch (message.t) {
      case 'spawned':
        registry.add(message.pid, slotIndex, mode);
        slot.pid = message.pid;
        slot.state = mode === 'warm' ? 'starting' : 'busy';
        slot.jobsDone = 0;
        slot.rssBytes = null;
        emitter.emit('process', { slot: slotIndex, pid: message.pid, event: 'spawned' } satisfies FarmProcessEvent);
        break;
      case 'ready':
        slot.state = ctx ? 'busy' : 'idle';
        break;
      case 'exited':
        registry.remove(message.pid);
        if (slot.pid === message.pid) {
          slot.pid = null;
          slot.state = 'stopped';
          slot.rssBytes = null;
        }
        emitter.emit('process', { slot: slotIndex, pid: message.pid, event: 'exited' } satisfies FarmProcessEvent);
        break;
      case 'state':
        slot.jobsDone = message.jobsDone;
        slot.rssBytes = message.rssBytes;
        break;
      case 'progress': {
        payload?.onProgress?.(message.progress);
        if (ctx && tracker) {
          const [fraction, text] = tracker.frame(message.progress);
          ctx.progress(fraction, text);
          payload?.onFraction?.(fraction);
        }
        break;
      }
      case 'log': {
        ctx?.log(message.line);
        payload?.onLog?.(message.line);
        const p = tracker?.line(message.line);
        if (ctx && p) {
          ctx.progress(...p);
          payload?.onFraction?.(p[0]);
        }
        break;
      }
      default:
        break;
    }
    changed();
  };

  const executor = async (payload: FarmPayload, ctx: ExecutionContext): Promise<JobReply> => {
    const slotIndex = ctx.slot;
    const slot = slots[slotIndex]!;
    const tracker = new ProgressTracker(payload.job);
    if (slot.pid !== null) slot.state = 'busy';
    const run = pool.run(slotIndex, { kind: 'job', config, job: payload.job, timeoutMs: payload.timeoutMs + WORKER_TIMEOUT_MARGIN_MS }, (m) =>
      onSlotMessage(slotIndex, m, ctx, payload, tracker),
    );
    runs.set(slotIndex, run);
    let stuckTimer: NodeJS.Timeout | undefined;
    // Cancel and timeout: this thread kills the process group at once; the worker is only told.
    const onAbort = () => {
      if (slot.pid !== null) registry.kill(slot.pid);
      run.abort();
      stuckTimer = setTimeout(() => run.terminate(), STUCK_WORKER_MS);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    changed();
    let result: SlotResult;
    try {
      result = await run.result;
    } catch (error) {
      // The thread died or was terminated: whatever Blender it had is now nobody's but ours.
      if (slot.pid !== null) {
        registry.kill(slot.pid);
        registry.remove(slot.pid);
        emitter.emit('process', { slot: slotIndex, pid: slot.pid, event: 'exited' } satisfies FarmProcessEvent);
        slot.pid = null;
      }
      slot.state = 'stopped';
      throw new FarmProcessError('worker_failed', `the worker thread of slot ${slotIndex} failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(stuckTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      runs.delete(slotIndex);
      if (slot.state === 'busy' || slot.state === 'starting') slot.state = slot.pid !== null ? 'idle' : 'stopped';
      changed();
    }
    if (!result.ok) {
      // Cold output is only read at the end: its last lines are the whole story of the attempt.
      if (mode === 'cold') for (const line of result.logTail) ctx.log(line);
      throw new FarmProcessError(result.code, result.message, result.logTail);
    }
    if (!result.reply) throw new FarmProcessError('bad_reply', 'the worker answered without a reply');
    return result.reply;
  };

  const queue = new TaskQueue<FarmPayload, JobReply>(executor, { concurrency, logDir: path.join(farmDir, 'logs'), keepFinished: options.keepFinished });
  queue.on('task', changed);
  queue.on('progress', changed);
  queue.on('log', (line: FarmLogLine) => emitter.emit('log', line));
  queue.on('task', (task: TaskView) => emitter.emit('task', task));

  const processes = (): FarmProcessView[] => {
    const busy = queue.slots();
    return slots.map((s, slot) => ({ slot, mode, pid: s.pid, state: s.state, jobsDone: s.jobsDone, rssBytes: s.rssBytes, taskId: busy[slot]?.taskId ?? null }));
  };

  const status = (): FarmStatus => {
    const all = queue.tasks();
    const active = all.filter((t) => t.state === 'queued' || t.state === 'running' || t.state === 'retrying');
    const recent = all.filter((t) => !active.includes(t)).slice(-RECENT_FINISHED);
    // The run's order line and CAD file are the backend's to add (FarmService): the farm only knows the run id.
    const trim = (t: TaskView): FarmTaskView => ({ ...t, orderLineId: null, cadFileId: null, cadFileName: null, attempts: t.attempts.map((a) => ({ ...a, log: a.log.slice(-STATUS_LOG_LINES) })) });
    // Render agents are the farm service's to add (FarmService): they register with the controller, not the pool.
    return { started: true, concurrency, mode, processes: processes(), tasks: [...active, ...recent].map(trim), agents: [], slurm: slurmOff() };
  };

  const submitJob = (job: BlenderJobInput, jobOptions: FarmJobOptions) => {
    // A bad spec is the caller's error, not a process failure: it never enters the queue.
    const parsed = applyThreads(parseJob(job), threadsPerBlender);
    const { id, done } = queue.submit({
      kind: parsed.kind,
      label: jobOptions.label,
      title: describeJob(parsed),
      probe: jobOptions.probe ?? isProbeJob(parsed),
      payload: { job: parsed, timeoutMs: jobOptions.timeoutMs, onProgress: jobOptions.onProgress, onFraction: jobOptions.onFraction, onLog: jobOptions.onLog },
      priority: jobOptions.priority,
      runId: jobOptions.runId,
      timeoutMs: jobOptions.timeoutMs,
      maxAttempts: jobOptions.maxAttempts ?? options.defaultMaxAttempts ?? 2,
    });
    return { taskId: id, done };
  };

  const close = (): Promise<void> => {
    if (closed) return closed;
    // Synchronously, before anything is awaited: cancel everything (each running attempt kills
    // its group in its abort handler) and kill the idle warm processes, so no Blender outlives
    // this call even when the caller does not wait for the promise.
    const queueClosed = queue.close();
    registry.killAll();
    closed = (async () => {
      const cap = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
      await Promise.race([queueClosed, cap(STUCK_WORKER_MS + 1000)]);
      for (const run of runs.values()) run.terminate();
      // The killed processes are reaped by the threads that spawned them: let each thread see
      // its Blender's exit before the threads go, or the pids linger as zombies until we exit.
      const stops = slots.map((_, slot) => pool.run(slot, { kind: 'stop' }, (m) => onSlotMessage(slot, m, null, null, null)).result.catch(() => undefined));
      await Promise.race([Promise.all(stops), cap(STUCK_WORKER_MS)]);
      await pool.destroy();
      registry.killAll();
      registry.clear();
      registry.uninstall();
      if (changedTimer) clearTimeout(changedTimer);
      for (const s of slots) Object.assign(s, { pid: null, state: 'stopped', rssBytes: null });
      emitter.removeAllListeners();
    })();
    return closed;
  };

  return {
    concurrency,
    mode,
    threadsPerBlender,
    runJob: async (job, jobOptions) => submitJob(job, jobOptions).done,
    submitJob,
    cancelTask: (taskId) => queue.cancel(taskId),
    cancelRun: (runId) => queue.cancelRun(runId),
    close,
    status,
    livePids: () => registry.list().map((e) => e.pid),
    claimTask(slot: number, accept: (task: TaskView) => boolean, run: (job: BlenderJob, ctx: RemoteRunContext) => Promise<JobReply>, agent: string) {
      const remote = (payload: FarmPayload, ctx: ExecutionContext): Promise<JobReply> => {
        const tracker = new ProgressTracker(payload.job);
        return run(payload.job, {
          ...ctx,
          timeoutMs: payload.timeoutMs,
          log: (line) => {
            ctx.log(line);
            payload.onLog?.(line);
            const p = tracker.line(line);
            if (p) {
              ctx.progress(...p);
              payload.onFraction?.(p[0]);
            }
          },
          frame: (progress) => {
            payload.onProgress?.(progress);
            const [fraction, text] = tracker.frame(progress);
            ctx.progress(fraction, text);
            payload.onFraction?.(fraction);
          },
        });
      };
      return queue.claim(slot, accept, remote, agent);
    },
    on(event: 'changed' | 'log' | 'process' | 'task', listener: (arg: never) => void) {
      const l = listener as (...args: unknown[]) => void;
      emitter.on(event, l);
      if (event === 'changed') changed();
      return () => void emitter.off(event, l);
    },
  } as LocalFarm;
}

/** The status of a farm that has not started in this process: its slots from settings, nothing queued. */
export function idleFarmStatus(farm: { concurrency: number; mode: FarmMode }): FarmStatus {
  return {
    started: false,
    concurrency: farm.concurrency,
    mode: farm.mode,
    processes: Array.from({ length: farm.concurrency }, (_, slot) => ({ slot, mode: farm.mode, pid: null, state: 'stopped' as const, jobsDone: 0, rssBytes: null, taskId: null })),
    tasks: [],
    agents: [],
    slurm: slurmOff(),
  };
}
