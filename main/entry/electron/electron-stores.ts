import ElectronStore from 'electron-store';
import type { KeyValueStore } from '../../platform/settings/key-value-store';
import type { StoredSettings } from '../../platform/settings/settings-service';
import type { LocationSettings } from '../app/backend';

// electron-store already has the KeyValueStore interface; these only pin where each file lives.

export function openSettingsStore(dataDir: string): KeyValueStore<StoredSettings> {
  return new ElectronStore<StoredSettings>({ cwd: dataDir, name: 'settings', clearInvalidConfig: false });
}

export function openLocationStore(): KeyValueStore<LocationSettings> {
  return new ElectronStore<LocationSettings>({ name: 'location', clearInvalidConfig: false });
}
