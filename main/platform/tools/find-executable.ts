import fs from 'node:fs';
import path from 'node:path';
import type { ExecutableSource } from '../../../shared/preflight/report';

export type ExecutableLookup =
  | { found: true; path: string; source: ExecutableSource }
  | {
      found: false;
      /** Where the (bad) value came from; null when nothing was configured and PATH had none. */
      source: ExecutableSource | null;
      path: string | null;
      problem: string;
      fix: string;
    };

export interface FindExecutableInput {
  /** Human name for messages: "Blender", "ffmpeg". */
  label: string;
  /** Command name searched on PATH: "blender", "ffmpeg". */
  command: string;
  /** The saved setting (absolute path) or null. */
  setting: string | null;
  /** Environment variable consulted after the setting: "BLENDER_PATH". */
  envVar: string;
  env: NodeJS.ProcessEnv;
  /** Settings field named in fixes: "Blender path". */
  settingName: string;
}

/** Why a file cannot be run, or null when it can. */
async function unusable(file: string): Promise<string | null> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    return `cannot be read (${code ?? (error as Error).message})`;
  }
  if (stat.isDirectory()) return 'is a directory, not an executable';
  if (!stat.isFile()) return 'is not a regular file';
  try {
    await fs.promises.access(file, fs.constants.X_OK);
  } catch {
    return 'is not executable';
  }
  return null;
}

function candidateNames(command: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform !== 'win32') return [command];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean);
  return [command, ...exts.map((ext) => command + ext.toLowerCase())];
}

/** First executable `command` on the PATH in `env`, like `which`. */
export async function searchPath(command: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const pathVar = env.PATH ?? env.Path ?? '';
  for (const dir of pathVar.split(path.delimiter)) {
    // An empty entry means the current directory; never run a binary from there by accident.
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const name of candidateNames(command, env)) {
      const candidate = path.join(dir, name);
      if ((await unusable(candidate)) === null) return candidate;
    }
  }
  return null;
}

/**
 * Setting, then environment variable, then PATH. A configured value that does not work is
 * reported as such: silently falling back to another binary would hide the user's mistake.
 */
export async function findExecutable(input: FindExecutableInput): Promise<ExecutableLookup> {
  const { label, command, setting, envVar, env, settingName } = input;
  const clearFix = `or clear the setting to detect ${label} automatically`;

  if (setting !== null && setting.trim() !== '') {
    const value = setting.trim();
    if (!path.isAbsolute(value)) {
      return {
        found: false,
        source: 'setting',
        path: value,
        problem: `The ${settingName} setting "${value}" is not an absolute path.`,
        fix: `Set ${settingName} in Settings to the full path of the ${label} executable, ${clearFix}.`,
      };
    }
    const why = await unusable(value);
    if (why) {
      return {
        found: false,
        source: 'setting',
        path: value,
        problem: `The ${settingName} setting points to ${value}, which ${why}.`,
        fix: `Install ${label} there, or set ${settingName} in Settings to the full path of the ${label} executable, ${clearFix}.`,
      };
    }
    return { found: true, path: value, source: 'setting' };
  }

  const fromEnv = env[envVar]?.trim();
  if (fromEnv) {
    // A bare name ("blender-4.2") is looked up on PATH; anything with a slash is a path.
    const looksLikePath = fromEnv.includes('/') || fromEnv.includes(path.sep);
    const resolved = looksLikePath ? path.resolve(fromEnv) : await searchPath(fromEnv, env);
    const why = resolved === null ? 'was not found on PATH' : await unusable(resolved);
    if (why || resolved === null) {
      return {
        found: false,
        source: 'env',
        path: resolved ?? fromEnv,
        problem: `${envVar} is set to ${fromEnv}, which ${why}.`,
        fix: `Point ${envVar} at the ${label} executable or unset it; or set ${settingName} in Settings (it takes precedence).`,
      };
    }
    return { found: true, path: resolved, source: 'env' };
  }

  const onPath = await searchPath(command, env);
  if (onPath) return { found: true, path: onPath, source: 'path' };
  return {
    found: false,
    source: null,
    path: null,
    problem: `${label} was not found: ${settingName} is not set, ${envVar} is not set, and no "${command}" is on PATH.`,
    fix: `Install ${label}, or set ${settingName} in Settings (or ${envVar}) to the full path of the executable.`,
  };
}

/** The executables Lightbox runs, each with its one lookup: the setting, its variable, its command. */
const TOOLS = {
  blender: { label: 'Blender', command: 'blender', envVar: 'BLENDER_PATH', settingName: 'Blender path' },
  ffmpeg: { label: 'ffmpeg', command: 'ffmpeg', envVar: 'FFMPEG_PATH', settingName: 'ffmpeg path' },
} as const;

/** Blender or ffmpeg, found the one way every caller finds it (the setting's value, or null to detect). */
export function findTool(tool: keyof typeof TOOLS, setting: string | null, env: NodeJS.ProcessEnv): Promise<ExecutableLookup> {
  return findExecutable({ ...TOOLS[tool], setting, env });
}
