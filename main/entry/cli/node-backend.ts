import { createBackend, type Backend } from '../app/backend';
import { JsonFileStore } from '../../platform/settings/json-file-store';
import type { StoredSettings } from '../../platform/settings/settings-service';
import { locationStore, resolveCliDataDir } from './data-dir-option';

/** The backend as plain Node runs it: JSON file stores instead of electron-store. */
export function createNodeBackend(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv, transport: 'http' | 'ipc' = 'http'): Backend {
  const choice = resolveCliDataDir(dataDirFlag, env);
  return createBackend({
    dataDir: choice.path,
    dataDirSource: choice.source,
    openSettingsStore: (dir) => new JsonFileStore<StoredSettings>({ cwd: dir, name: 'settings' }),
    locationStore: locationStore(env),
    transport,
    env,
  });
}
