import { createStore, useStore, type StoreApi } from 'zustand';
import { ContractError, type ContractClient } from '../../../shared/contract';
import type { SyncConflict, SyncResolveResult, SyncRunResult, SyncStatus } from '../../../shared/sync/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';

/** The outcome of the last "Sync now" in this window (the backend keeps only the time). */
export interface LastRun {
  at: string;
  result: SyncRunResult;
}

/** What the last Apply of one workflow's choices came to. */
export interface ApplyOutcome {
  workflowId: string;
  result: SyncResolveResult | null;
  error: string | null;
}

export interface SyncState {
  status: SyncStatus | null;
  conflicts: SyncConflict[];
  loadError: string | null;
  /**
   * The person's hub token for this window only: sync.run never stores it (shared/sync/api.ts), so
   * the app holds it in memory and never puts it back in a field; a new window asks again.
   */
  token: string | null;
  running: boolean;
  lastRun: LastRun | null;
  /** The hub could not be reached: the backend's sentence (it counts the waiting changes). */
  unreachable: string | null;
  runError: string | null;
  applying: string | null;
  applied: ApplyOutcome | null;
  refresh(): Promise<void>;
  run(hubUrl: string, token: string | null): Promise<void>;
  forgetToken(): void;
  /** Records each choice through sync.resolve; the last one applies them, validates and saves the merge. */
  apply(workflowId: string, choices: { id: string; take: 'mine' | 'theirs' }[]): Promise<void>;
}

const stores = new WeakMap<ContractClient, StoreApi<SyncState>>();

/** One store per client, shared by the Sync page and the sidebar's count, so a sync keeps going when the page is left. */
export function syncStore(client: ContractClient): StoreApi<SyncState> {
  const known = stores.get(client);
  if (known) return known;
  const store = createStore<SyncState>()((set, get) => ({
    status: null,
    conflicts: [],
    loadError: null,
    token: null,
    running: false,
    lastRun: null,
    unreachable: null,
    runError: null,
    applying: null,
    applied: null,
    refresh: async () => {
      try {
        const [status, { conflicts }] = await Promise.all([client.call('sync.status', {}), client.call('sync.conflicts', {})]);
        set({ status, conflicts, loadError: null });
      } catch (error) {
        set({ loadError: errorText(error) });
      }
    },
    run: async (hubUrl, typed) => {
      const token = typed || get().token;
      if (get().running || !token) return;
      set({ running: true, unreachable: null, runError: null, applied: null });
      try {
        const result = await client.call('sync.run', { hubUrl, token });
        set({ lastRun: { at: new Date().toISOString(), result }, token });
      } catch (error) {
        if (error instanceof ContractError && error.code === 'hub_unreachable') set({ unreachable: error.message, token });
        else set({ runError: errorText(error) });
      } finally {
        set({ running: false });
        await get().refresh();
      }
    },
    forgetToken: () => set({ token: null }),
    apply: async (workflowId, choices) => {
      if (get().applying) return;
      set({ applying: workflowId, applied: null });
      let result: SyncResolveResult | null = null;
      try {
        for (const choice of choices) result = await client.call('sync.resolve', choice);
        set({ applied: { workflowId, result, error: null } });
      } catch (error) {
        set({ applied: { workflowId, result, error: errorText(error) } });
      } finally {
        set({ applying: null });
        await get().refresh();
      }
    },
  }));
  stores.set(client, store);
  void store.getState().refresh();
  return store;
}

export function useSync<T>(select: (state: SyncState) => T): T {
  return useStore(syncStore(useClient()), select);
}
