import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBlender, type RunBlenderResult } from './run-blender';
import { defaultScriptsDir, JobProgress, JobReply, parseJob, PROGRESS_MARKER, REPLY_MARKER, type BlenderJobInput } from './job-spec';
import { parseMarkedLines } from './run-blender';
import { BlenderJobError } from './warm-blender';

/**
 * Cold mode: one fresh Blender per job (resources/blender/run_job.py), the same Python code and
 * reply shape as the warm server. The fallback when a warm process cannot be used.
 */

export interface ColdJobOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  extraEnv?: Readonly<Record<string, string>>;
  scriptsDir?: string;
  /** Called after the run, once per progress line (cold output is read when Blender exits). */
  onProgress?: (progress: JobProgress) => void;
  onSpawn?: (pid: number) => void;
}

export interface ColdJobResult {
  reply: JobReply;
  process: Pick<RunBlenderResult, 'exitCode' | 'signal' | 'durationMs' | 'pid'>;
}

function tail(text: string, lines = 10): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(REPLY_MARKER)).slice(-lines);
}

/** Runs one job cold. Resolves with the job's reply (ok true or false); rejects when Blender gave none. */
export async function runColdJob(binary: string, job: BlenderJobInput, options: ColdJobOptions): Promise<ColdJobResult> {
  const spec = parseJob(job);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-job-'));
  const jobFile = path.join(dir, 'job.json');
  try {
    fs.writeFileSync(jobFile, JSON.stringify(spec));
    const result = await runBlender({
      binary,
      pythonScript: path.join(options.scriptsDir ?? defaultScriptsDir(), 'run_job.py'),
      scriptArgs: [jobFile],
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      env: options.env,
      extraEnv: options.extraEnv,
      onSpawn: options.onSpawn,
    });
    for (const p of parseMarkedLines(result.stdout, PROGRESS_MARKER, result.nonce)) {
      const parsed = JobProgress.safeParse(p);
      if (parsed.success) options.onProgress?.(parsed.data);
    }
    const last = tail(`${result.stdout}\n${result.stderr}`);
    if (result.timedOut) throw new BlenderJobError('timeout', `job ${spec.id} exceeded its timeout of ${options.timeoutMs} ms; Blender killed`, result.exitCode, result.signal, last);
    if (result.aborted) throw new BlenderJobError('aborted', `job ${spec.id} aborted; Blender killed`, result.exitCode, result.signal, last);
    const replies = parseMarkedLines(result.stdout, REPLY_MARKER, result.nonce);
    const parsed = JobReply.safeParse(replies.at(-1));
    if (!parsed.success) {
      const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      throw new BlenderJobError('exited', `Blender ${how} without a reply to job ${spec.id}; last output:\n${last.join('\n')}`, result.exitCode, result.signal, last);
    }
    return { reply: parsed.data, process: { exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, pid: result.pid } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
