// Piscina worker (bundled to dist/workers/farm/blender-slot.worker.mjs). Each farm slot has its own
// single-thread pool, so this thread is that slot: in warm mode it keeps one resident Blender
// between tasks; in cold mode it starts one Blender per job. Everything it learns (pids,
// progress, log lines) goes back on the task's MessagePort; the main thread owns the lifecycle
// and may kill the process group under this thread's feet at any time.
import { runColdJob } from '../blender/cold-job';
import { SpawnError } from '../blender/run-process';
import { BlenderJobError, WarmBlender } from '../blender/warm-blender';
import type { SlotCommand, SlotConfig, SlotMessage, SlotResult, SlotTask } from './protocol';

let warm: WarmBlender | null = null;
let warmBinary: string | null = null;
/** The pid of the warm process last reported as spawned and not yet as exited. */
let reportedPid: number | null = null;

export default async function runSlotTask(task: SlotTask): Promise<SlotResult> {
  const { port } = task;
  const post = (message: SlotMessage) => port.postMessage(message);
  const abort = new AbortController();
  port.on('message', (command: SlotCommand) => {
    if (command?.t === 'abort') abort.abort();
  });
  try {
    if (task.kind === 'stop') {
      await stopWarm(post);
      return { ok: true, reply: null };
    }
    return task.config.mode === 'cold' ? await runCold(task, post, abort.signal) : await runWarm(task, post, abort.signal);
  } finally {
    post({ t: 'done' });
    port.close();
  }
}

function failure(error: unknown): SlotResult {
  if (error instanceof BlenderJobError) return { ok: false, code: error.code, message: error.message, logTail: error.logTail };
  if (error instanceof SpawnError) return { ok: false, code: 'start_failed', message: error.message, logTail: [] };
  throw error;
}

/** Reports the warm process as gone once it is (crash, kill, stop), exactly once per pid. */
function reportExitIfDead(post: (m: SlotMessage) => void): void {
  if (reportedPid !== null && !warm?.running) {
    post({ t: 'exited', pid: reportedPid });
    reportedPid = null;
  }
}

async function stopWarm(post: (m: SlotMessage) => void): Promise<void> {
  if (warm?.running) await warm.stop();
  reportExitIfDead(post);
}

async function ensureWarm(config: SlotConfig, post: (m: SlotMessage) => void, signal: AbortSignal): Promise<WarmBlender> {
  // A process that died while idle (killed from outside) is noticed here and replaced.
  reportExitIfDead(post);
  if (warm?.running && (warm.jobsDone >= config.maxJobsPerProcess || warm.rssBytes > config.maxRssBytes)) {
    await stopWarm(post);
  }
  if (warm?.running && warmBinary === config.binary) return warm;
  if (warm?.running) await stopWarm(post);
  warm = new WarmBlender({ binary: config.binary, scriptsDir: config.scriptsDir, env: config.env, extraEnv: config.extraEnv, startTimeoutMs: config.startTimeoutMs });
  warmBinary = config.binary;
  const blender = warm;
  // start() spawns synchronously before its first await: the pid is known right away.
  const starting = blender.start();
  if (blender.pid !== null) {
    reportedPid = blender.pid;
    post({ t: 'spawned', pid: blender.pid });
  }
  const onAbort = () => blender.kill();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await starting;
  } catch (error) {
    reportExitIfDead(post);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) {
    blender.kill();
    throw new BlenderJobError('aborted', 'job aborted while Blender was starting');
  }
  post({ t: 'ready', pid: blender.pid ?? 0 });
  return blender;
}

async function runWarm(task: Extract<SlotTask, { kind: 'job' }>, post: (m: SlotMessage) => void, signal: AbortSignal): Promise<SlotResult> {
  try {
    const blender = await ensureWarm(task.config, post, signal);
    const reply = await blender.run(task.job, {
      timeoutMs: task.timeoutMs,
      signal,
      onProgress: (progress) => post({ t: 'progress', progress }),
      onLog: (line) => post({ t: 'log', line }),
    });
    post({ t: 'state', pid: blender.pid, jobsDone: blender.jobsDone, rssBytes: blender.rssBytes });
    return { ok: true, reply };
  } catch (error) {
    return failure(error);
  } finally {
    // run() rejects only after the process is reaped, so this sees crashes, timeouts and aborts.
    reportExitIfDead(post);
  }
}

async function runCold(task: Extract<SlotTask, { kind: 'job' }>, post: (m: SlotMessage) => void, signal: AbortSignal): Promise<SlotResult> {
  let pid: number | null = null;
  try {
    const { reply } = await runColdJob(task.config.binary, task.job, {
      timeoutMs: task.timeoutMs,
      signal,
      env: task.config.env,
      extraEnv: task.config.extraEnv,
      scriptsDir: task.config.scriptsDir,
      onSpawn: (spawned) => {
        pid = spawned;
        post({ t: 'spawned', pid: spawned });
      },
      // Cold output is read once Blender exits, so progress arrives in one burst at the end.
      onProgress: (progress) => post({ t: 'progress', progress }),
    });
    return { ok: true, reply };
  } catch (error) {
    return failure(error);
  } finally {
    // runColdJob resolves only after the child exited and its group was killed.
    if (pid !== null) post({ t: 'exited', pid });
    post({ t: 'state', pid: null, jobsDone: 0, rssBytes: null });
  }
}
