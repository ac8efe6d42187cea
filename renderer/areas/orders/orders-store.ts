import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { z } from 'zod';
import type { ContractClient } from '../../../shared/contract';
import type { MethodInput } from '../../../shared/contract/methods';
import type { Notification } from '../../../shared/notifications/api';
import type { Order, OrderLine, OrderProgressSchema, OutputTypeSummary } from '../../../shared/orders/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';

export type OrderProgress = z.infer<typeof OrderProgressSchema>;
export type LineStatus = OrderLine['status'];

/** The latest orders.progress of a line, numbered so a late answer never overwrites a newer event. */
export interface LineProgress extends OrderProgress {
  seq: number;
}

export interface OrdersState {
  orders: Order[];
  loaded: boolean;
  error: string | null;
  outputTypes: OutputTypeSummary[];
  outputTypesLoaded: boolean;
  outputTypesError: string | null;
  progress: Record<string, LineProgress>;
  /** A failed dispatch or cancel, per line, with the backend's message. */
  lineErrors: Record<string, string>;
  /** Lines whose dispatch or cancel call is out. */
  busy: Record<string, boolean>;
  /** Lines asked to cancel, until their dispatch reports its end. */
  cancelling: Record<string, boolean>;
  /** Bumped whenever a line moves on, so an open detail panel reads it again. */
  lineVersions: Record<string, number>;
  /** Desktop notifications received while the app is open, newest first. */
  desktop: Notification[];
  /** Archived orders are listed too ("Show archived"). */
  showArchived: boolean;
}

export interface OrdersModel {
  store: StoreApi<OrdersState>;
  refresh(): Promise<void>;
  refreshOutputTypes(): Promise<void>;
  create(input: MethodInput<'orders.create'>): Promise<Order>;
  dispatch(orderLineId: string): Promise<void>;
  dispatchAll(orderLineIds: readonly string[]): Promise<void>;
  cancel(orderLineId: string): Promise<void>;
  /** Archives (or brings back) an order; answers the error text when refused. */
  setArchived(orderId: string, archived: boolean): Promise<string | null>;
  setShowArchived(show: boolean): void;
}

export const TERMINAL: ReadonlySet<LineStatus> = new Set(['succeeded', 'failed', 'cancelled']);
const MAX_DESKTOP = 20;
const REFRESH_DELAY_MS = 150;

function patchLine(orders: Order[], lineId: string, patch: Partial<OrderLine>): Order[] {
  let changed = false;
  const next = orders.map((order) => {
    if (!order.lines.some((l) => l.id === lineId)) return order;
    changed = true;
    return { ...order, lines: order.lines.map((l) => (l.id === lineId ? { ...l, ...patch } : l)) };
  });
  return changed ? next : orders;
}

function findLine(orders: Order[], lineId: string): OrderLine | undefined {
  for (const order of orders) {
    const line = order.lines.find((l) => l.id === lineId);
    if (line) return line;
  }
  return undefined;
}

/**
 * Orders, output types and live dispatch progress, outside the page so a dispatch stays
 * visible across navigation. orders.progress events move lines on at once; the full rows
 * (mode used, attempts, times) are read again when a line changes status.
 */
export function createOrdersModel(client: ContractClient): OrdersModel {
  const store = createStore<OrdersState>(() => ({
    orders: [],
    loaded: false,
    error: null,
    outputTypes: [],
    outputTypesLoaded: false,
    outputTypesError: null,
    progress: {},
    lineErrors: {},
    busy: {},
    cancelling: {},
    lineVersions: {},
    desktop: [],
    showArchived: false,
  }));
  let seq = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  const bump = (lineId: string) => store.setState((s) => ({ lineVersions: { ...s.lineVersions, [lineId]: (s.lineVersions[lineId] ?? 0) + 1 } }));

  let refreshing: Promise<void> | null = null;
  let again = false;
  const refresh = (): Promise<void> => {
    if (refreshing) {
      // Something changed while the list was being read: read it once more afterwards.
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        do {
          again = false;
          const seqAtCall = seq;
          const { orders } = await client.call('orders.list', { includeArchived: store.getState().showArchived });
          // An event that arrived while the list was being read is newer than the list.
          const { progress } = store.getState();
          const merged = orders.map((order) => ({
            ...order,
            lines: order.lines.map((line) => {
              const live = progress[line.id];
              return live && live.seq > seqAtCall ? { ...line, status: live.status } : line;
            }),
          }));
          store.setState({ orders: merged, loaded: true, error: null });
        } while (again);
      } catch (error) {
        store.setState({ error: `The orders could not be read: ${errorText(error)}` });
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  const scheduleRefresh = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
    }, REFRESH_DELAY_MS);
  };

  client.on('orders.progress', (event) => {
    seq += 1;
    const before = store.getState().progress[event.orderLineId];
    const line = findLine(store.getState().orders, event.orderLineId);
    store.setState((s) => {
      let cancelling = s.cancelling;
      if (TERMINAL.has(event.status) && cancelling[event.orderLineId]) {
        cancelling = { ...cancelling };
        delete cancelling[event.orderLineId];
      }
      return {
        progress: { ...s.progress, [event.orderLineId]: { ...event, seq } },
        orders: patchLine(s.orders, event.orderLineId, { status: event.status }),
        cancelling,
      };
    });
    const statusChanged = !line || line.status !== event.status || before?.status !== event.status;
    if (statusChanged || before?.step !== event.step) bump(event.orderLineId);
    if (statusChanged) scheduleRefresh();
  });

  client.on('notifications.desktop', (notification) => {
    store.setState((s) => ({ desktop: [notification, ...s.desktop.filter((n) => n.id !== notification.id)].slice(0, MAX_DESKTOP) }));
    if (notification.orderLineId) bump(notification.orderLineId);
  });

  let typesLoading: Promise<void> | null = null;
  const refreshOutputTypes = (): Promise<void> => {
    typesLoading ??= client
      .call('outputTypes.list', {})
      .then(
        ({ outputTypes }) => store.setState({ outputTypes, outputTypesLoaded: true, outputTypesError: null }),
        (error: unknown) => store.setState({ outputTypesError: `The output types could not be read: ${errorText(error)}` }),
      )
      .finally(() => {
        typesLoading = null;
      });
    return typesLoading;
  };

  const create = async (input: MethodInput<'orders.create'>): Promise<Order> => {
    const order = await client.call('orders.create', input);
    store.setState((s) => ({ orders: [order, ...s.orders.filter((o) => o.id !== order.id)] }));
    return order;
  };

  const setBusy = (lineId: string, busy: boolean) =>
    store.setState((s) => {
      const next = { ...s.busy };
      if (busy) next[lineId] = true;
      else delete next[lineId];
      return { busy: next };
    });

  const clearError = (lineId: string) =>
    store.setState((s) => {
      if (!(lineId in s.lineErrors)) return {};
      const next = { ...s.lineErrors };
      delete next[lineId];
      return { lineErrors: next };
    });

  const dispatch = async (orderLineId: string): Promise<void> => {
    clearError(orderLineId);
    setBusy(orderLineId, true);
    const seqAtCall = seq;
    try {
      const started = await client.call('orders.dispatch', { orderLineId });
      const live = store.getState().progress[orderLineId];
      // Only when no event has told more since the call went out.
      if (!started.alreadyDone && (!live || live.seq <= seqAtCall)) {
        seq += 1;
        store.setState((s) => ({
          progress: { ...s.progress, [orderLineId]: { orderLineId, runId: started.runId, status: 'rendering', step: null, seq } },
          orders: patchLine(s.orders, orderLineId, { status: 'rendering' }),
        }));
      }
      bump(orderLineId);
      scheduleRefresh();
    } catch (error) {
      store.setState((s) => ({ lineErrors: { ...s.lineErrors, [orderLineId]: `Dispatch failed: ${errorText(error)}` } }));
    } finally {
      setBusy(orderLineId, false);
    }
  };

  const dispatchAll = async (orderLineIds: readonly string[]): Promise<void> => {
    // Each call returns at once (the farm queues the work), so one after the other keeps order.
    for (const id of orderLineIds) await dispatch(id);
  };

  const cancel = async (orderLineId: string): Promise<void> => {
    clearError(orderLineId);
    setBusy(orderLineId, true);
    try {
      const before = findLine(store.getState().orders, orderLineId);
      const { cancelled, line } = await client.call('orders.cancel', { orderLineId });
      // A line that was waiting is cancelled for good at once; a rendering one ends by events.
      if (line && before?.status !== 'rendering') store.setState((s) => ({ orders: patchLine(s.orders, orderLineId, line) }));
      else if (!cancelled) store.setState((s) => ({ lineErrors: { ...s.lineErrors, [orderLineId]: 'Nothing to cancel: the line is not rendering.' } }));
      else if (!TERMINAL.has(findLine(store.getState().orders, orderLineId)?.status ?? 'queued')) {
        store.setState((s) => ({ cancelling: { ...s.cancelling, [orderLineId]: true } }));
      }
      bump(orderLineId);
      scheduleRefresh();
    } catch (error) {
      store.setState((s) => ({ lineErrors: { ...s.lineErrors, [orderLineId]: `Cancel failed: ${errorText(error)}` } }));
    } finally {
      setBusy(orderLineId, false);
    }
  };

  const setArchived = async (orderId: string, archived: boolean): Promise<string | null> => {
    try {
      const order = await client.call(archived ? 'orders.archive' : 'orders.unarchive', { orderId });
      store.setState((s) => ({
        orders: archived && !s.showArchived ? s.orders.filter((o) => o.id !== orderId) : s.orders.map((o) => (o.id === orderId ? order : o)),
      }));
      return null;
    } catch (error) {
      return errorText(error);
    }
  };

  const setShowArchived = (show: boolean) => {
    store.setState({ showArchived: show });
    void refresh();
  };

  return { store, refresh, refreshOutputTypes, create, dispatch, dispatchAll, cancel, setArchived, setShowArchived };
}

const models = new WeakMap<ContractClient, OrdersModel>();

export function useOrdersModel(): OrdersModel {
  const client = useClient();
  let model = models.get(client);
  if (!model) {
    model = createOrdersModel(client);
    models.set(client, model);
  }
  return model;
}

export function useOrders<T>(select: (state: OrdersState) => T): T {
  return useStore(useOrdersModel().store, select);
}
