import { useCallback, useEffect, useRef } from 'react';
import type { MethodInput } from '../../../shared/contract/methods';
import type { RunListItem } from '../../../shared/runs/api';
import { useClient, useConnection } from '../../app/services';
import { usePagedList } from '../../ui/paged/use-paged-list';

export type RunsFilter = Omit<MethodInput<'runs.list'>, 'limit' | 'cursor'>;

const REFRESH_DELAY_MS = 300;

export interface RunsList {
  runs: RunListItem[];
  loaded: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * runs.list under a filter, page by page. A runs.node event patches the row on screen (that run
 * read again by id) or, for a run not listed yet, puts the newer runs of the first page on top;
 * render progress events (done/total) alone do not change the list.
 */
export function useRunsList(filter: RunsFilter): RunsList {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const key = JSON.stringify(filter);
  const load = useCallback((cursor: string | undefined) => client.call('runs.list', { ...(JSON.parse(key) as RunsFilter), ...(cursor ? { cursor } : {}) }), [client, key]);
  const list = usePagedList(load, `${key}|${epoch}`, 'The runs');
  const items = useRef(list.items);
  items.current = list.items;
  const { patch } = list;

  useEffect(() => {
    if (epoch === 0) return;
    const changed = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const ids = [...changed];
      changed.clear();
      const base = JSON.parse(key) as RunsFilter;
      const listed = new Set(items.current.map((r) => r.id));
      for (const id of ids.filter((i) => listed.has(i))) {
        // The run by its id, under the same filter: gone from the answer means it no longer matches.
        void client.call('runs.list', { ...base, q: id, limit: 1 }).then(
          ({ items: found }) => patch((rows) => (found[0] ? rows.map((r) => (r.id === id ? (found[0] as RunListItem) : r)) : rows.filter((r) => r.id !== id))),
          () => undefined,
        );
      }
      if (ids.some((i) => !listed.has(i))) {
        void client.call('runs.list', base).then(
          ({ items: first }) =>
            patch((rows) => {
              const have = new Set(rows.map((r) => r.id));
              const newest = rows[0]?.startedAt ?? '';
              return [...first.filter((r) => !have.has(r.id) && r.startedAt >= newest), ...rows];
            }),
          () => undefined,
        );
      }
    };
    const off = client.on('runs.node', (event) => {
      if (event.done !== undefined && event.status === 'running') return;
      changed.add(event.runId);
      timer ??= setTimeout(flush, REFRESH_DELAY_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [client, epoch, key, patch]);

  return { runs: list.items, loaded: list.loaded, error: list.error, hasMore: list.hasMore, loadMore: list.loadMore };
}
