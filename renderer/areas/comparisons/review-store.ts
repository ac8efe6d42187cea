import { useEffect } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { ContractClient } from '../../../shared/contract';
import type { Notification } from '../../../shared/notifications/api';
import { useClient } from '../../app/services';

/** How many review groups await a decision (the badge, issue 22), and the review notifications received while the app is open. */
export interface ReviewState {
  pendingGroups: number | null;
  notices: Notification[];
  refresh: () => Promise<void>;
  dismiss: (id: string) => void;
}

const stores = new WeakMap<ContractClient, StoreApi<ReviewState>>();

/** One store per client: the count comes from comparisons.summary, refreshed on a `comparison.review` notification and after a review. */
export function reviewStore(client: ContractClient): StoreApi<ReviewState> {
  let store = stores.get(client);
  if (store) return store;
  const created = createStore<ReviewState>()((set) => ({
    pendingGroups: null,
    notices: [],
    refresh: async () => {
      try {
        // The count from its own query; the newest pending ones to keep the notices honest.
        const [{ pendingGroups }, { items: comparisons }] = await Promise.all([client.call('comparisons.summary', {}), client.call('comparisons.list', { review: 'pending', limit: 200 })]);
        // A notice whose comparison was reviewed meanwhile (here or elsewhere) is stale: it goes.
        const pendingIds = new Set(comparisons.map((c) => c.id));
        set((s) => ({ pendingGroups, notices: s.notices.filter((n) => typeof n.payload.comparisonId !== 'string' || pendingIds.has(n.payload.comparisonId)) }));
      } catch {
        // The badge keeps its last count; the comparisons page shows errors.
      }
    },
    dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  }));
  client.on('notifications.desktop', (notification) => {
    if (notification.event !== 'comparison.review') return;
    created.setState((s) => ({ notices: [notification, ...s.notices.filter((n) => n.id !== notification.id)].slice(0, 5) }));
    void created.getState().refresh();
  });
  stores.set(client, created);
  store = created;
  void store.getState().refresh();
  return store;
}

export function useReview<T>(select: (state: ReviewState) => T): T {
  const client = useClient();
  return useStore(reviewStore(client), select);
}

/** Refreshes the badge count when a page that shows comparisons opens. */
export function useRefreshPendingOnMount(): void {
  const client = useClient();
  useEffect(() => {
    void reviewStore(client).getState().refresh();
  }, [client]);
}
