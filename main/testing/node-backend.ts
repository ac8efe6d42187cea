import path from 'node:path';
import { createBackend, type Backend } from '../entry/app/backend';
import { JsonFileStore } from '../platform/settings/json-file-store';
import type { StoredSettings } from '../platform/settings/settings-service';
import type { LocationSettings } from '../entry/app/backend';

/** A real backend on a temp data directory, with its location file kept beside it. */
export function testBackend(dataDir: string, env: NodeJS.ProcessEnv = process.env): Backend {
  return createBackend({
    dataDir,
    dataDirSource: 'flag',
    openSettingsStore: (dir) => new JsonFileStore<StoredSettings>({ cwd: dir, name: 'settings' }),
    locationStore: new JsonFileStore<LocationSettings>({ cwd: path.join(dataDir, '..', 'config'), name: 'location' }),
    transport: 'http',
    env,
  });
}
