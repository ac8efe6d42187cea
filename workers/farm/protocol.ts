import type { MessagePort } from 'node:worker_threads';
import type { BlenderJob, JobProgress, JobReply } from '../blender/job-spec';
import type { FarmMode } from '../../shared/farm/status';

/**
 * Messages between the farm controller (main thread) and one slot worker thread
 * (blender-slot.worker.ts). Each piscina task carries a MessagePort; the worker reports on it
 * as things happen, so the controller learns a Blender pid the moment it is spawned and can
 * kill that process group itself, whatever state the worker thread is in.
 */

export interface SlotConfig {
  binary: string;
  mode: FarmMode;
  /** Folder holding server.py / run_job.py; resolved by the main thread (the bundle's location differs). */
  scriptsDir: string;
  /** A warm process is replaced before a job once it has served this many jobs... */
  maxJobsPerProcess: number;
  /** ...or once its last reply reported more resident memory than this. */
  maxRssBytes: number;
  env?: Record<string, string | undefined>;
  /** Extra variables for Blender (Settings → blenderEnv); Blender gets blenderEnvironment(env, extraEnv). */
  extraEnv?: Record<string, string>;
  startTimeoutMs?: number;
}

export type SlotTask =
  | { kind: 'job'; config: SlotConfig; job: BlenderJob; timeoutMs: number; port: MessagePort }
  /** Stops this thread's warm Blender gracefully (quit command, then group kill). */
  | { kind: 'stop'; port: MessagePort };

export type SlotFailureCode = 'timeout' | 'aborted' | 'exited' | 'not_running' | 'busy' | 'start_failed' | 'bad_reply';

/** Plain data: Error subclasses lose their fields crossing threads. */
export type SlotResult =
  | { ok: true; reply: JobReply | null }
  | { ok: false; code: SlotFailureCode; message: string; logTail: string[] };

/** Worker → main. `done` is always the last message of a task. */
export type SlotMessage =
  | { t: 'spawned'; pid: number }
  | { t: 'ready'; pid: number }
  | { t: 'exited'; pid: number }
  | { t: 'progress'; progress: JobProgress }
  | { t: 'log'; line: string }
  | { t: 'state'; pid: number | null; jobsDone: number; rssBytes: number | null }
  | { t: 'done' };

/** Main → worker. */
export type SlotCommand = { t: 'abort' };
