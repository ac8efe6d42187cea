import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { z } from 'zod';
import type { ContractClient } from '../../../shared/contract';
import type { MethodInput } from '../../../shared/contract/methods';
import type { Notification } from '../../../shared/notifications/api';
import type { LineStatusCounts, Order, OrderLine, OrderProgressSchema, OrderSummary, OutputTypeSummary } from '../../../shared/orders/api';
import { useClient } from '../../app/services';
import { oneRoundAtATime } from '../../app/one-round-at-a-time';
import { errorText } from '../../transport/errors';

export type OrderProgress = z.infer<typeof OrderProgressSchema>;
export type LineStatus = OrderLine['status'];

/** The latest orders.progress of a line, numbered so a late answer never overwrites a newer event. */
export interface LineProgress extends OrderProgress {
  seq: number;
}

/** The lines of one order read so far (page by page, in line order). */
export interface LoadedLines {
  items: OrderLine[];
  cursor: string | null;
  loading: boolean;
}

export interface OrdersState {
  /** The orders read so far, newest first; more come page by page. */
  orders: OrderSummary[];
  ordersCursor: string | null;
  loadingMore: boolean;
  /** Lines per order, for the orders on screen. */
  lines: Record<string, LoadedLines>;
  /** Counts over every open order (orders.summary, archived ones left out: their lines are not dispatched), for the page's header. */
  summary: { orders: number; lines: LineStatusCounts } | null;
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
  /** The text search of the list (orders.list `q`: order name or id); '' lists every order. */
  query: string;
}

export interface OrdersModel {
  store: StoreApi<OrdersState>;
  refresh(): Promise<void>;
  /** The next page of orders. */
  loadMore(): Promise<void>;
  /** The first (more: the next) page of an order's lines. */
  loadLines(orderId: string, more?: boolean): Promise<void>;
  /** Every queued line id (of one order, or of every open order), read page by page. */
  queuedLineIds(orderId?: string): Promise<string[]>;
  refreshOutputTypes(): Promise<void>;
  create(input: MethodInput<'orders.create'>): Promise<Order>;
  dispatch(orderLineId: string): Promise<void>;
  dispatchAll(orderLineIds: readonly string[]): Promise<void>;
  cancel(orderLineId: string): Promise<void>;
  /** Archives (or brings back) an order; answers the error text when refused. */
  setArchived(orderId: string, archived: boolean): Promise<string | null>;
  setShowArchived(show: boolean): void;
  /** Searches the list (trimmed, '' for none): a different text starts it over from the first page. */
  setQuery(query: string): void;
}

export const TERMINAL: ReadonlySet<LineStatus> = new Set(['succeeded', 'failed', 'cancelled']);
const MAX_DESKTOP = 20;
const REFRESH_DELAY_MS = 150;
/** Lines per page when an order is opened or scrolled. */
export const LINES_PAGE = 50;

/** A loaded line changed in place, with its order's counts moved from its old status to its new one. */
function patchLine(state: Pick<OrdersState, 'lines' | 'orders'>, lineId: string, patch: Partial<OrderLine>): Pick<OrdersState, 'lines' | 'orders'> {
  for (const [orderId, loaded] of Object.entries(state.lines)) {
    const at = loaded.items.findIndex((l) => l.id === lineId);
    if (at < 0) continue;
    const before = loaded.items[at] as OrderLine;
    const after = { ...before, ...patch };
    const items = loaded.items.slice();
    items[at] = after;
    const orders =
      before.status === after.status
        ? state.orders
        : state.orders.map((o) => (o.id === orderId ? { ...o, lineCounts: { ...o.lineCounts, [before.status]: Math.max(0, o.lineCounts[before.status] - 1), [after.status]: o.lineCounts[after.status] + 1 } } : o));
    return { lines: { ...state.lines, [orderId]: { ...loaded, items } }, orders };
  }
  return state;
}

export function findLine(state: Pick<OrdersState, 'lines'>, lineId: string): OrderLine | undefined {
  for (const loaded of Object.values(state.lines)) {
    const line = loaded.items.find((l) => l.id === lineId);
    if (line) return line;
  }
  return undefined;
}

const summaryOf = (order: Order): OrderSummary => {
  const lineCounts: LineStatusCounts = { queued: 0, rendering: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const line of order.lines) lineCounts[line.status] += 1;
  return { id: order.id, name: order.name, createdAt: order.createdAt, archivedAt: order.archivedAt, lineCount: order.lines.length, lineCounts };
};

/**
 * Orders, output types and live dispatch progress, outside the page so a dispatch stays
 * visible across navigation. orders.progress events move lines on at once; the full rows
 * (mode used, attempts, times) are read again when a line changes status.
 */
export function createOrdersModel(client: ContractClient): OrdersModel {
  const store = createStore<OrdersState>(() => ({
    orders: [],
    ordersCursor: null,
    loadingMore: false,
    lines: {},
    summary: null,
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
    query: '',
  }));
  let seq = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  const bump = (lineId: string) => store.setState((s) => ({ lineVersions: { ...s.lineVersions, [lineId]: (s.lineVersions[lineId] ?? 0) + 1 } }));

  /**
   * What the list is read under (archived or not, the search): bumped when it changes, so a page
   * read under the previous one is dropped instead of mixed into the new list.
   */
  let listGeneration = 0;
  const listQuery = () => {
    const { showArchived, query } = store.getState();
    return { includeArchived: showArchived, ...(query ? { q: query } : {}) };
  };

  /**
   * The first page of orders and the counts: on open, after a reconnect, and (throttled) when a line
   * changes status. Orders already read keep their place; their counts and lines are patched.
   */
  const refresh = oneRoundAtATime(async () => {
    try {
      const generation = listGeneration;
      const { includeArchived, ...search } = listQuery();
      const [page, summary] = await Promise.all([client.call('orders.list', { includeArchived, ...search }), client.call('orders.summary', {})]);
      // The list was started over meanwhile (archived shown, another search): that start reads it again.
      if (generation !== listGeneration) {
        store.setState({ summary });
        return true;
      }
      store.setState((s) => {
        const fresh = new Map(page.items.map((o) => [o.id, o]));
        const kept = s.loaded ? s.orders.filter((o) => !fresh.has(o.id) && (includeArchived || o.archivedAt === null)) : [];
        const firstPage = page.items;
        // Older orders read by scrolling stay, after the first page; the cursor goes on from where it was.
        const older = kept.filter((o) => firstPage.length === 0 || o.createdAt <= (firstPage.at(-1) as OrderSummary).createdAt);
        return { orders: [...firstPage, ...older], ordersCursor: s.loaded && older.length > 0 ? s.ordersCursor : page.nextCursor, summary, loaded: true, error: null };
      });
    } catch (error) {
      store.setState({ error: `The orders could not be read: ${errorText(error)}` });
    }
    return false;
  });

  const loadMore = async (): Promise<void> => {
    const { ordersCursor, loadingMore } = store.getState();
    if (!ordersCursor || loadingMore) return;
    store.setState({ loadingMore: true });
    const generation = listGeneration;
    try {
      const page = await client.call('orders.list', { ...listQuery(), cursor: ordersCursor });
      if (generation !== listGeneration) return;
      store.setState((s) => {
        const have = new Set(s.orders.map((o) => o.id));
        return { orders: [...s.orders, ...page.items.filter((o) => !have.has(o.id))], ordersCursor: page.nextCursor, loadingMore: false };
      });
    } catch (error) {
      if (generation === listGeneration) store.setState({ loadingMore: false, error: `More orders could not be read: ${errorText(error)}` });
    }
  };

  const loadLines = async (orderId: string, more = false): Promise<void> => {
    const held = store.getState().lines[orderId];
    if (held?.loading || (more && !held?.cursor)) return;
    const seqAtCall = seq;
    store.setState((s) => ({ lines: { ...s.lines, [orderId]: { items: held?.items ?? [], cursor: held?.cursor ?? null, loading: true } } }));
    try {
      const page = await client.call('orders.lines', { orderId, limit: LINES_PAGE, ...(more && held?.cursor ? { cursor: held.cursor } : {}) });
      store.setState((s) => {
        // An event that arrived while the page was being read is newer than the page.
        const items = page.items.map((line) => {
          const live = s.progress[line.id];
          return live && live.seq > seqAtCall ? { ...line, status: live.status } : line;
        });
        const before = more ? (s.lines[orderId]?.items ?? []) : [];
        return { lines: { ...s.lines, [orderId]: { items: [...before, ...items], cursor: page.nextCursor, loading: false } } };
      });
    } catch (error) {
      store.setState((s) => ({ lines: { ...s.lines, [orderId]: { items: held?.items ?? [], cursor: held?.cursor ?? null, loading: false } }, error: `The lines could not be read: ${errorText(error)}` }));
    }
  };

  const queuedLineIds = async (orderId?: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.call('orders.lines', { ...(orderId ? { orderId } : {}), status: 'queued', limit: 500, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.filter((l) => !l.cancelledAt).map((l) => l.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  };

  /** Lines whose status changed: each read again (mode used, attempts, times) and patched in place. */
  const changedLines = new Set<string>();
  const rereadLines = async () => {
    const ids = [...changedLines];
    changedLines.clear();
    await Promise.all(
      ids.map((id) =>
        client.call('orders.line', { id }).then(
          ({ line }) => {
            const live = store.getState().progress[id];
            store.setState((s) => patchLine(s, id, live && live.status !== line.status && !TERMINAL.has(line.status) ? { ...line, status: live.status } : line));
          },
          () => undefined,
        ),
      ),
    );
  };

  const scheduleRefresh = (lineId?: string) => {
    if (lineId) changedLines.add(lineId);
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void rereadLines();
      void client.call('orders.summary', {}).then((summary) => store.setState({ summary }), () => undefined);
    }, REFRESH_DELAY_MS);
  };

  client.on('orders.progress', (event) => {
    seq += 1;
    const before = store.getState().progress[event.orderLineId];
    const line = findLine(store.getState(), event.orderLineId);
    store.setState((s) => {
      let cancelling = s.cancelling;
      if (TERMINAL.has(event.status) && cancelling[event.orderLineId]) {
        cancelling = { ...cancelling };
        delete cancelling[event.orderLineId];
      }
      return {
        progress: { ...s.progress, [event.orderLineId]: { ...event, seq } },
        ...patchLine(s, event.orderLineId, { status: event.status }),
        cancelling,
      };
    });
    const statusChanged = !line || line.status !== event.status || before?.status !== event.status;
    if (statusChanged || before?.step !== event.step) bump(event.orderLineId);
    if (statusChanged) scheduleRefresh(event.orderLineId);
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
    // The new order opens on its first page of lines, like any other.
    store.setState((s) => ({
      // A searched list is not told what matches here: the backend answers its first page again, with the new order if it matches.
      ...(s.query ? {} : { orders: [summaryOf(order), ...s.orders.filter((o) => o.id !== order.id)] }),
      lines: { ...s.lines, [order.id]: { items: order.lines.slice(0, LINES_PAGE), cursor: null, loading: false } },
    }));
    if (order.lines.length > LINES_PAGE) void loadLines(order.id);
    if (store.getState().query) void refresh();
    scheduleRefresh();
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
          ...patchLine(s, orderLineId, { status: 'rendering' }),
        }));
      }
      bump(orderLineId);
      scheduleRefresh(orderLineId);
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
      const before = findLine(store.getState(), orderLineId);
      const { cancelled, line } = await client.call('orders.cancel', { orderLineId });
      // A line that was waiting is cancelled for good at once; a rendering one ends by events.
      if (line && before?.status !== 'rendering') store.setState((s) => patchLine(s, orderLineId, line));
      else if (!cancelled) store.setState((s) => ({ lineErrors: { ...s.lineErrors, [orderLineId]: 'Nothing to cancel: the line is not rendering.' } }));
      else if (!TERMINAL.has(findLine(store.getState(), orderLineId)?.status ?? 'queued')) {
        store.setState((s) => ({ cancelling: { ...s.cancelling, [orderLineId]: true } }));
      }
      bump(orderLineId);
      scheduleRefresh(orderLineId);
    } catch (error) {
      store.setState((s) => ({ lineErrors: { ...s.lineErrors, [orderLineId]: `Cancel failed: ${errorText(error)}` } }));
    } finally {
      setBusy(orderLineId, false);
    }
  };

  const setArchived = async (orderId: string, archived: boolean): Promise<string | null> => {
    try {
      const order = summaryOf(await client.call(archived ? 'orders.archive' : 'orders.unarchive', { orderId }));
      store.setState((s) => ({
        orders: archived && !s.showArchived ? s.orders.filter((o) => o.id !== orderId) : s.orders.map((o) => (o.id === orderId ? order : o)),
      }));
      scheduleRefresh();
      return null;
    } catch (error) {
      return errorText(error);
    }
  };

  /** The list read again from its first page, under what it is now read with. */
  const startOver = (patch: Partial<OrdersState>) => {
    listGeneration += 1;
    store.setState({ ...patch, loaded: false, loadingMore: false, error: null, orders: [], ordersCursor: null });
    void refresh();
  };

  const setShowArchived = (show: boolean) => startOver({ showArchived: show });

  const setQuery = (query: string) => {
    const q = query.trim().slice(0, 200);
    if (q !== store.getState().query) startOver({ query: q });
  };

  return { store, refresh, loadMore, loadLines, queuedLineIds, refreshOutputTypes, create, dispatch, dispatchAll, cancel, setArchived, setShowArchived, setQuery };
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
