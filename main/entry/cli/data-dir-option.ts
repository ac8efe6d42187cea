import { JsonFileStore } from '../../platform/settings/json-file-store';
import { chooseDataDir, defaultConfigDir, defaultDataDir, type DataDirChoice } from '../../platform/data-dir/resolve';
import type { LocationSettings } from '../app/backend';
import type { CliOptions } from './verb';

export const dataDirOption: CliOptions = { 'data-dir': { type: 'string' } };
export const dataDirHelp: [string, string] = [
  '--data-dir DIR',
  'data directory (else LIGHTBOX_DATA_DIR, else the saved setting, else the default)',
];

export function locationStore(env: NodeJS.ProcessEnv): JsonFileStore<LocationSettings> {
  return new JsonFileStore<LocationSettings>({ cwd: defaultConfigDir(env), name: 'location' });
}

export function resolveCliDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): DataDirChoice {
  // Only read the location file when neither flag nor env decide, so a broken file cannot
  // stop a run that names its data directory explicitly.
  const setting = flag || env.LIGHTBOX_DATA_DIR ? undefined : locationStore(env).get('dataDir');
  return chooseDataDir({ flag, env: env.LIGHTBOX_DATA_DIR, setting, fallback: defaultDataDir(env) });
}
