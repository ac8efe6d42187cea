import crypto from 'node:crypto';
import { runProcess, SpawnError, type RunProcessOptions, type RunProcessResult } from './run-process';
import { blenderEnvironment } from './blender-env';

export { SpawnError } from './run-process';

/**
 * Flags every Blender run gets: no UI, no user preferences or add-ons (reproducible), no
 * audio device, and no Python embedded in .blend files (CAD-derived files are untrusted).
 */
export const HARDENED_BLENDER_FLAGS = ['-b', '--factory-startup', '-noaudio', '--disable-autoexec'] as const;

/**
 * Blender is started with a fresh random nonce in this variable; the scripts put it after the
 * marker (`LIGHTBOX_REPLY <nonce> {json}`, resources/blender/lightbox_jobs/nonce.py) and only
 * such lines are believed, so nothing Blender prints by itself (a traceback quoting a file name,
 * a part name) can pass for a reply.
 */
export const REPLY_NONCE_ENV = 'LIGHTBOX_REPLY_NONCE';
export function newReplyNonce(): string {
  return crypto.randomBytes(16).toString('hex');
}

export interface RunBlenderOptions extends RunProcessOptions {
  binary: string;
  /**
   * `env` is the caller's environment (default process.env): Blender gets only what
   * blenderEnvironment keeps of it, plus these extra variables (Settings → blenderEnv).
   */
  extraEnv?: Readonly<Record<string, string>>;
  /** Python file run after startup; its failure makes Blender exit with code 1. */
  pythonScript?: string;
  /** Passed to the script after `--`, where Blender ignores them (read via sys.argv). */
  scriptArgs?: string[];
  /**
   * More Blender arguments, placed after the hardened flags and before the script. Blender
   * handles arguments in order, so a .blend file here is loaded before the script runs.
   */
  extraArgs?: string[];
}

/** `nonce`: what this run's marked lines carry after the marker (see REPLY_NONCE_ENV). */
export type RunBlenderResult = RunProcessResult & { nonce: string };

/** The argument list runBlender uses; exported so logs and tests can show the exact command. */
export function blenderArgs(options: Pick<RunBlenderOptions, 'pythonScript' | 'scriptArgs' | 'extraArgs'>): string[] {
  const args: string[] = [...HARDENED_BLENDER_FLAGS, ...(options.extraArgs ?? [])];
  // --python-exit-code must precede --python: Blender applies it to scripts that follow.
  args.push('--python-exit-code', '1');
  if (options.pythonScript !== undefined) args.push('--python', options.pythonScript);
  if (options.scriptArgs && options.scriptArgs.length > 0) args.push('--', ...options.scriptArgs);
  return args;
}

/**
 * Runs Blender headless and waits for it. Resolves with whatever happened (exit code, signal,
 * timeout); rejects only with SpawnError when the binary cannot be started at all.
 */
export async function runBlender(options: RunBlenderOptions): Promise<RunBlenderResult> {
  const { binary, pythonScript: _script, scriptArgs: _args, extraArgs: _extra, extraEnv, ...processOptions } = options;
  const nonce = newReplyNonce();
  const env = { ...blenderEnvironment(processOptions.env ?? process.env, extraEnv), [REPLY_NONCE_ENV]: nonce };
  return { ...(await runProcess(binary, blenderArgs(options), { ...processOptions, env })), nonce };
}

export interface BlenderVersionInfo {
  ok: true;
  /** As printed, e.g. "3.4.1" or "4.2.0". */
  version: string;
  major: number;
  minor: number;
  patch: number;
}

export interface BlenderVersionError {
  ok: false;
  /** Why: cannot start, timed out, or not Blender at all. */
  error: string;
  /** The start of what the binary printed, for the user to see. */
  output: string;
}

/** Finds "Blender X.Y[.Z]" at the start of a line; 3.x and 4.x print it first, but builds may log before it. */
export function parseBlenderVersion(output: string): Omit<BlenderVersionInfo, 'ok'> | null {
  for (const line of output.split(/\r?\n/)) {
    const match = /^Blender (\d+)\.(\d+)(?:\.(\d+))?\b/.exec(line.trim());
    if (match) {
      const major = Number(match[1]);
      const minor = Number(match[2]);
      const patch = Number(match[3] ?? 0);
      return { version: `${major}.${minor}.${patch}`, major, minor, patch };
    }
  }
  return null;
}

function excerpt(text: string, max = 300): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max)}…` : trimmed;
}

/** Runs `binary --version`; never throws, a binary that is not Blender is an error result. */
export async function blenderVersion(
  binary: string,
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
  extraEnv?: Readonly<Record<string, string>>,
): Promise<BlenderVersionInfo | BlenderVersionError> {
  let result: RunProcessResult;
  try {
    // --version alone: it exits before loading anything, so no hardened flags are needed.
    result = await runProcess(binary, ['--version'], { timeoutMs, env: blenderEnvironment(env ?? process.env, extraEnv), maxOutputBytes: 64 * 1024 });
  } catch (error) {
    const message = error instanceof SpawnError ? error.message : `cannot start ${binary}: ${(error as Error).message}`;
    return { ok: false, error: message, output: '' };
  }
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.timedOut) {
    return { ok: false, error: `${binary} --version did not finish within ${Math.round(timeoutMs / 1000)} s`, output: excerpt(output) };
  }
  const parsed = parseBlenderVersion(result.stdout) ?? parseBlenderVersion(result.stderr);
  if (!parsed) {
    const printed = excerpt(output);
    const firstLine = printed.split(/\r?\n/)[0] ?? '';
    const said = firstLine ? `its --version printed "${excerpt(firstLine, 120)}"` : 'its --version printed nothing';
    return { ok: false, error: `${binary} is not Blender: ${said}`, output: printed };
  }
  return { ok: true, ...parsed };
}

/**
 * Replies a Blender-side script printed as `MARKER {json}` lines. Blender prints plenty of its
 * own output on the same streams, so only lines starting with the marker count; lines whose
 * JSON does not parse are skipped.
 */
export function parseMarkedLines(output: string, marker = 'LIGHTBOX_RESULT', nonce?: string): unknown[] {
  const prefix = nonce ? `${marker} ${nonce} ` : `${marker} `;
  const replies: unknown[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith(prefix)) continue;
    try {
      replies.push(JSON.parse(line.slice(prefix.length)));
    } catch {
      // A truncated or interleaved line is not a reply.
    }
  }
  return replies;
}

/** The last marked reply, or null when the script printed none. */
export function lastMarkedLine(output: string, marker = 'LIGHTBOX_RESULT', nonce?: string): unknown {
  return parseMarkedLines(output, marker, nonce).at(-1) ?? null;
}
