import os from 'node:os';
import path from 'node:path';
import type { DataDirSource } from '../../../shared/settings/schema';

export interface DataDirChoice {
  path: string;
  source: DataDirSource;
}

export interface DataDirInputs {
  flag?: string | undefined;
  env?: string | undefined;
  setting?: string | null | undefined;
  /** The platform default (the app's userData in Electron, XDG data home in plain Node). */
  fallback: string;
}

/** Precedence: --data-dir, then LIGHTBOX_DATA_DIR, then the saved setting, then the default. */
export function chooseDataDir(inputs: DataDirInputs): DataDirChoice {
  const candidates: [string | null | undefined, DataDirSource][] = [
    [inputs.flag, 'flag'],
    [inputs.env, 'env'],
    [inputs.setting, 'setting'],
  ];
  for (const [value, source] of candidates) {
    if (value && value.trim() !== '') return { path: path.resolve(value.trim()), source };
  }
  return { path: path.resolve(inputs.fallback), source: 'default' };
}

/** Where plain Node keeps the one setting that cannot live in the data directory: its location. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIGHTBOX_CONFIG_DIR) return path.resolve(env.LIGHTBOX_CONFIG_DIR);
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Lightbox');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Lightbox');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'lightbox');
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32' || process.platform === 'darwin') return path.join(defaultConfigDir(env), 'data');
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'lightbox');
}
