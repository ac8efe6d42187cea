import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HARDENED_BLENDER_FLAGS, newReplyNonce, REPLY_NONCE_ENV } from './run-blender';
import { blenderEnvironment } from './blender-env';
import { defaultScriptsDir, JobProgress, JobReply, parseJob, PROGRESS_MARKER, READY_MARKER, REPLY_MARKER, type BlenderJobInput } from './job-spec';
import { killGroup, trackGroup, untrackGroup } from './process-groups';

/**
 * One warm Blender process running resources/blender/server.py, fed one JSON job per line.
 * Saves Blender's ~1.4 s start-up per job. One job at a time; a timeout, abort or crash kills
 * the whole process group and leaves this instance dead (start() it again, or make a new one).
 */

export interface WarmBlenderOptions {
  binary: string;
  /** Folder holding server.py and lightbox_jobs/; defaults to the source tree's resources/blender. */
  scriptsDir?: string;
  /** The caller's environment (default process.env); Blender gets blenderEnvironment of it. */
  env?: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  extraEnv?: Readonly<Record<string, string>>;
  /** How long Blender may take to start and print its ready line. */
  startTimeoutMs?: number;
  /** Log lines kept for error messages. */
  logTailLines?: number;
}

export interface WarmRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
  /** Every unmarked output line (Blender's own, e.g. Cycles "Sample i/n"). */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export type BlenderJobErrorCode = 'timeout' | 'aborted' | 'exited' | 'not_running' | 'busy' | 'start_failed' | 'bad_reply';

export class BlenderJobError extends Error {
  constructor(
    readonly code: BlenderJobErrorCode,
    message: string,
    readonly exitCode: number | null = null,
    readonly exitSignal: string | null = null,
    readonly logTail: string[] = [],
  ) {
    super(message);
    this.name = 'BlenderJobError';
  }
}


interface Pending {
  id: string;
  resolve: (reply: JobReply) => void;
  reject: (error: Error) => void;
  options: WarmRunOptions;
}

let nextId = 1;

export class WarmBlender {
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending | null = null;
  private readyWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private exited = true;
  private logTail: string[] = [];
  private _jobsDone = 0;
  private _rssBytes = 0;
  private _pid: number | null = null;
  private exitPromise: Promise<void> = Promise.resolve();
  /** This process's reply nonce: only marked lines carrying it are believed (see REPLY_NONCE_ENV). */
  private nonce = '';

  constructor(private readonly options: WarmBlenderOptions) {}

  get pid(): number | null {
    return this._pid;
  }
  /** Jobs answered by the current process (reset by start()). */
  get jobsDone(): number {
    return this._jobsDone;
  }
  /** Resident memory Blender reported in its last reply. */
  get rssBytes(): number {
    return this._rssBytes;
  }
  get running(): boolean {
    return this.child !== null && !this.exited;
  }
  get busy(): boolean {
    return this.pending !== null;
  }

  /** The exact argument list (logs, tests). */
  args(): string[] {
    const dir = this.options.scriptsDir ?? defaultScriptsDir();
    return [...HARDENED_BLENDER_FLAGS, '--python-exit-code', '1', '--python', path.join(dir, 'server.py')];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this._jobsDone = 0;
    this._rssBytes = 0;
    this.logTail = [];
    this.nonce = newReplyNonce();
    const child = spawn(this.options.binary, this.args(), {
      env: { ...blenderEnvironment(this.options.env ?? process.env, this.options.extraEnv), [REPLY_NONCE_ENV]: this.nonce },
      // Own process group: one kill(-pid) reaches Blender and anything it started.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.exited = false;
    let onExit!: () => void;
    this.exitPromise = new Promise<void>((r) => (onExit = r));
    const pid = child.pid ?? null;
    this._pid = pid;
    if (pid !== null) {
      trackGroup(pid);
    }
    child.stdin.on('error', () => {
      // EPIPE when Blender died: the exit handler reports it.
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line, 'stdout'));
    createInterface({ input: child.stderr }).on('line', (line) => this.onLine(line, 'stderr'));

    const ready = new Promise<void>((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    child.once('error', (error) => {
      this.onExit(null, null, `cannot start ${this.options.binary}: ${error.message}`);
      onExit();
    });
    child.once('exit', (code, signal) => {
      this.onExit(code, signal);
      onExit();
    });

    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      this.kill();
      this.readyWaiter?.reject(new BlenderJobError('start_failed', `Blender did not become ready within ${timeoutMs} ms`, null, null, [...this.logTail]));
      this.readyWaiter = null;
    }, timeoutMs);
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs one job; resolves with the reply (ok true or false), rejects when the process failed. */
  // async: a bad spec (ZodError) or a wrong state rejects instead of throwing synchronously.
  async run(job: BlenderJobInput, options: WarmRunOptions): Promise<JobReply> {
    if (!this.running || !this.child) throw new BlenderJobError('not_running', 'warm Blender is not running');
    if (this.pending) throw new BlenderJobError('busy', `warm Blender is busy with job ${this.pending.id}`);
    if (options.signal?.aborted) throw new BlenderJobError('aborted', `job ${job.id} aborted before it started`);
    const spec = parseJob(job);
    const id = spec.id || `job-${nextId++}`;
    const child = this.child;

    return new Promise<JobReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new BlenderJobError('timeout', `job ${id} exceeded its timeout of ${options.timeoutMs} ms; Blender (pid ${this._pid}) killed`, null, null, [...this.logTail]));
      }, options.timeoutMs);
      const onAbort = () => fail(new BlenderJobError('aborted', `job ${id} aborted; Blender (pid ${this._pid}) killed`, null, null, [...this.logTail]));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending = null;
      };
      const fail = (error: Error) => {
        if (this.pending?.id !== id) return;
        done();
        // After a timeout or abort the process state is unknown: it must not serve again.
        // Reject only once it has exited and been reaped, so callers never see it alive.
        this.kill();
        const gone = this.exitPromise;
        const cap = new Promise<void>((r) => setTimeout(r, 5000).unref());
        void Promise.race([gone, cap]).then(() => reject(error));
      };
      this.pending = {
        id,
        options,
        resolve: (reply) => {
          done();
          this._jobsDone += 1;
          resolve(reply);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      child.stdin.write(`${JSON.stringify({ ...spec, id })}\n`);
    });
  }

  /** Restarts when the process served maxJobs jobs or grew past maxRssBytes; true when it did. */
  async recycleIfNeeded(limits: { maxJobs?: number; maxRssBytes?: number }): Promise<boolean> {
    if (this.pending) return false;
    const tooMany = limits.maxJobs !== undefined && this._jobsDone >= limits.maxJobs;
    const tooBig = limits.maxRssBytes !== undefined && this._rssBytes > limits.maxRssBytes;
    if (!tooMany && !tooBig && this.running) return false;
    await this.stop();
    await this.start();
    return true;
  }

  /** Asks the server to quit, then kills the group if it has not exited within graceMs. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.child || this.exited) return;
    if (this.pending) {
      this.pending.reject(new BlenderJobError('aborted', `job ${this.pending.id} aborted: warm Blender stopped`));
    }
    try {
      this.child.stdin.write(`${JSON.stringify({ kind: 'quit', id: 'quit' })}\n`);
      this.child.stdin.end();
    } catch {
      // Already closed.
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** Kills the whole process group now. */
  kill(): void {
    if (this._pid !== null && !this.exited) killGroup(this._pid);
  }

  private remember(line: string): void {
    this.logTail.push(line);
    const limit = this.options.logTailLines ?? 40;
    if (this.logTail.length > limit) this.logTail.splice(0, this.logTail.length - limit);
  }

  private onLine(line: string, stream: 'stdout' | 'stderr'): void {
    // A marked line without this process's nonce is Blender's own output quoting one: a log line.
    const marked = (marker: string): string | null => {
      const prefix = `${marker} ${this.nonce} `;
      return stream === 'stdout' && line.startsWith(prefix) ? line.slice(prefix.length) : null;
    };
    const reply = marked(REPLY_MARKER);
    if (reply !== null) {
      this.onReply(reply);
      return;
    }
    const progress = marked(PROGRESS_MARKER);
    if (progress !== null) {
      const parsed = JobProgress.safeParse(safeJson(progress));
      if (parsed.success && this.pending && parsed.data.job === this.pending.id) this.pending.options.onProgress?.(parsed.data);
      return;
    }
    if (marked(READY_MARKER) !== null) {
      this.readyWaiter?.resolve();
      this.readyWaiter = null;
      return;
    }
    if (line === '') return;
    this.remember(line);
    this.pending?.options.onLog?.(line, stream);
  }

  private onReply(text: string): void {
    const parsed = JobReply.safeParse(safeJson(text));
    if (!parsed.success) {
      this.remember(`unparsable reply: ${text.slice(0, 200)}`);
      return;
    }
    const reply = parsed.data;
    this._rssBytes = reply.rssBytes;
    // Replies for other ids (a late reply to a killed job, the quit ack) are not this job's.
    if (this.pending && reply.id === this.pending.id) this.pending.resolve(reply);
  }

  private onExit(code: number | null, signal: string | null, reason?: string): void {
    if (this.exited) return;
    this.exited = true;
    if (this._pid !== null) {
      // Anything Blender left in its group goes with it.
      killGroup(this._pid);
      untrackGroup(this._pid);
    }
    const tail = [...this.logTail];
    const how = reason ?? (signal ? `was killed by ${signal}` : `exited with code ${code}`);
    const last = tail.length > 0 ? `; last output:\n${tail.slice(-10).join('\n')}` : '';
    if (this.readyWaiter) {
      this.readyWaiter.reject(new BlenderJobError('start_failed', `warm Blender ${how} before it was ready${last}`, code, signal, tail));
      this.readyWaiter = null;
    }
    if (this.pending) {
      this.pending.reject(new BlenderJobError('exited', `warm Blender (pid ${this._pid}) ${how} during job ${this.pending.id}${last}`, code, signal, tail));
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
