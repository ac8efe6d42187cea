import { spawn } from 'node:child_process';
import { killGroup, trackGroup, untrackGroup } from './process-groups';

/**
 * Runs a child process in its own process group and kills the whole group when it is done,
 * times out or is aborted: Blender (and ffmpeg) can leave helper processes behind, and a
 * hung render must never outlive the job that started it.
 */

export interface RunProcessOptions {
  timeoutMs: number;
  /** Full environment of the child; defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Bytes kept per stream (the newest); default 1 MiB. */
  maxOutputBytes?: number;
  /** Called once the child has a pid, e.g. to show or track it. */
  onSpawn?: (pid: number) => void;
}

export interface RunProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  pid: number | null;
}

/** The executable could not be started at all (missing, not executable, ...). */
export class SpawnError extends Error {
  constructor(
    readonly binary: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`cannot start ${binary}: ${message}`);
    this.name = 'SpawnError';
  }
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;


/** Keeps the newest `limit` bytes of a stream without holding everything it printed. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** After exit, how long to wait for the output pipes to drain before giving up on them. */
const DRAIN_GRACE_MS = 2000;

export function runProcess(binary: string, args: readonly string[], options: RunProcessOptions): Promise<RunProcessResult> {
  const started = Date.now();
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;

  if (options.signal?.aborted) {
    return Promise.resolve({
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      aborted: true,
      durationMs: 0,
      pid: null,
    });
  }

  return new Promise<RunProcessResult>((resolve, reject) => {
    const stdout = new TailBuffer(limit);
    const stderr = new TailBuffer(limit);
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let exited = false;
    let settled = false;

    const child = spawn(binary, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const pid = child.pid ?? null;
    if (pid !== null) trackGroup(pid);

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    // Once exited and reaped, the pid may in principle be reused: never signal it again.
    const kill = () => {
      if (pid !== null && !exited) killGroup(pid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    let drainTimer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (pid !== null) untrackGroup(pid);
    };

    const finish = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({
        exitCode,
        signal: exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        aborted,
        durationMs: Date.now() - started,
        pid,
      });
    };

    child.once('error', (error: NodeJS.ErrnoException) => {
      if (exited || settled) return;
      settled = true;
      cleanup();
      reject(new SpawnError(binary, error.code, error.message));
    });

    child.once('exit', (code, sig) => {
      exitCode = code;
      exitSignal = sig;
      // Normal exit too: anything the child left in its group goes with it. The group id
      // cannot be reused while a member is alive, so this cannot hit an unrelated process.
      kill();
      exited = true;
      // A process that escaped the group may still hold the pipes open; do not wait forever.
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, DRAIN_GRACE_MS);
    });
    child.once('close', () => {
      if (exited) finish();
    });

    if (pid !== null) options.onSpawn?.(pid);
  });
}
