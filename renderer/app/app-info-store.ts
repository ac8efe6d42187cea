import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, ContractClient } from '../../shared/contract';
import { errorText } from '../transport/errors';

export interface AppInfoState {
  info: AppInfo | null;
  error: string | null;
}

export interface AppInfoModel {
  store: StoreApi<AppInfoState>;
  refresh(): Promise<void>;
  /** settings.setDataDir answers the new info; store it without another call. */
  set(info: AppInfo): void;
}

export function createAppInfoModel(client: ContractClient): AppInfoModel {
  const store = createStore<AppInfoState>(() => ({ info: null, error: null }));
  return {
    store,
    async refresh() {
      try {
        store.setState({ info: await client.call('app.info', {}), error: null });
      } catch (error) {
        store.setState({ error: errorText(error) });
      }
    },
    set: (info) => store.setState({ info, error: null }),
  };
}
