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

/**
 * Notices whose pending set was decided meanwhile (here or elsewhere): their group awaits nothing,
 * or was decided after the notice was raised. One small call per group with a notice, none without.
 */
async function staleNotices(client: ContractClient, notices: Notification[]): Promise<Set<string>> {
  const groupIds = [...new Set(notices.map((n) => n.payload.groupId).filter((g): g is string => typeof g === 'string'))];
  const groups = await Promise.all(groupIds.map(async (groupId) => (await client.call('review.groups', { groupId, limit: 1 })).groups[0]));
  const byId = new Map(groups.filter((g) => g !== undefined).map((g) => [g.id, g]));
  const stale = new Set<string>();
  for (const n of notices) {
    if (typeof n.payload.groupId !== 'string') continue;
    const group = byId.get(n.payload.groupId);
    if (!group || !group.awaitingDecision || (group.lastDecision !== null && group.lastDecision.createdAt > n.createdAt)) stale.add(n.id);
  }
  return stale;
}

const stores = new WeakMap<ContractClient, StoreApi<ReviewState>>();

/** One store per client: the count comes from comparisons.summary, refreshed on a `comparison.review` notification and after a review. */
export function reviewStore(client: ContractClient): StoreApi<ReviewState> {
  let store = stores.get(client);
  if (store) return store;
  const created = createStore<ReviewState>()((set, get) => ({
    pendingGroups: null,
    notices: [],
    refresh: async () => {
      try {
        // The count from its own query; the open notices (at most five) checked against their groups only.
        const [{ pendingGroups }, stale] = await Promise.all([client.call('comparisons.summary', {}), staleNotices(client, get().notices)]);
        set((s) => ({ pendingGroups, notices: s.notices.filter((n) => !stale.has(n.id)) }));
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
