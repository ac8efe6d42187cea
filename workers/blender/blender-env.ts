/**
 * The one environment every Blender start gets. Blender is not started with the user's whole
 * environment: a PYTHONHOME or PYTHONPATH (pyenv, conda, a virtualenv) becomes Blender's Python
 * setup, and a `python3.11` first on PATH becomes its sys.executable, so renders fail with
 * "No module named 'numpy'" while the shell looks fine. Kept: the system PATH, HOME and the
 * user's identity, the temp folder, locale and time zone, what a GPU context needs (display,
 * runtime dir), the Windows essentials, what Lightbox passes (LIGHTBOX_*), and the extra
 * variables a studio set in Settings (`blenderEnv`), which override any of those (PATH too).
 */

/** Names kept from the caller's environment when set (case-insensitive on Windows). */
const KEPT = [
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  // A GPU context for Eevee and Workbench: X11, Wayland, EGL.
  'DISPLAY',
  'XAUTHORITY',
  'WAYLAND_DISPLAY',
  'XDG_RUNTIME_DIR',
  // Windows: processes misbehave without these.
  'SYSTEMROOT',
  'WINDIR',
  'SYSTEMDRIVE',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
] as const;

/** The system's own PATH, without anything a user or a Python manager put first. */
export function systemPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') {
    const root = getVar(env, 'SYSTEMROOT', platform) ?? 'C:\\Windows';
    return [`${root}\\System32`, root, `${root}\\System32\\Wbem`, `${root}\\System32\\WindowsPowerShell\\v1.0`].join(';');
  }
  if (platform === 'darwin') return '/usr/bin:/bin:/usr/sbin:/sbin';
  return '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
}

/** A variable name Settings may add: a plain identifier. */
export const BLENDER_ENV_NAME = /^[A-Z_][A-Z0-9_]*$/i;

function getVar(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  for (const [key, value] of Object.entries(env)) if (key.toUpperCase() === name) return value;
  return undefined;
}

/**
 * Builds Blender's environment from the caller's (`base`, usually process.env) and the extra
 * variables from Settings. Never returns anything from `base` that is not in the kept list or
 * LIGHTBOX_*; so no PYTHON* variable, no user PATH, no LD_PRELOAD.
 */
export function blenderEnvironment(
  base: NodeJS.ProcessEnv = process.env,
  extra: Readonly<Record<string, string>> = {},
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = platform === 'win32' ? key.toUpperCase() : key;
    if ((KEPT as readonly string[]).includes(upper) || upper.startsWith('LC_') || upper.startsWith('LIGHTBOX_')) env[key] = value;
  }
  env[platform === 'win32' ? 'Path' : 'PATH'] = systemPath(platform, base);
  for (const [key, value] of Object.entries(extra)) {
    // Settings validated these; a hand-edited file is checked again here, never trusted.
    if (!BLENDER_ENV_NAME.test(key) || value.includes('\0')) continue;
    env[key] = value;
  }
  return env;
}
