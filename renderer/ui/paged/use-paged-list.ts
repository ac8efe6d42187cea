import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../../../shared/paging/page';
import { errorText } from '../../transport/errors';

export interface PagedList<T> {
  items: T[];
  /** More pages wait on the backend. */
  hasMore: boolean;
  loaded: boolean;
  loading: boolean;
  error: string | null;
  /** Reads the next page (once at a time; nothing when there is none). */
  loadMore: () => void;
  /** Changes loaded rows in place (live updates); rows not loaded are left to later pages. */
  patch: (update: (items: T[]) => T[]) => void;
}

/**
 * A list read page by page through `load(cursor)`; `key` (the filter, the connection epoch)
 * starts it over from the first page. A page answered after the key changed is dropped.
 */
export function usePagedList<T>(load: (cursor: string | undefined) => Promise<Page<T>>, key: string, what: string): PagedList<T> {
  const [state, setState] = useState<{ items: T[]; cursor: string | null; loaded: boolean; error: string | null }>({ items: [], cursor: null, loaded: false, error: null });
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const busy = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  const read = useCallback(
    (cursor: string | undefined, gen: number) => {
      busy.current = true;
      setLoading(true);
      let goesOn = false;
      loadRef.current(cursor).then(
        (page) => {
          if (gen !== generation.current) return;
          // A page that checked its share of rows and found nothing (a short search, keyset-page.ts) but says there is more: read on.
          const empty = page.items.length === 0 && page.nextCursor !== null;
          setState((s) => ({ items: cursor ? [...s.items, ...page.items] : page.items, cursor: page.nextCursor, loaded: s.loaded || !empty, error: null }));
          if (empty && page.nextCursor !== null) {
            goesOn = true;
            read(page.nextCursor, gen);
          }
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          setState((s) => ({ ...s, loaded: true, error: `${what} could not be read: ${errorText(e)}` }));
        },
      ).finally(() => {
        if (gen !== generation.current || goesOn) return;
        busy.current = false;
        setLoading(false);
      });
    },
    [what],
  );

  useEffect(() => {
    generation.current += 1;
    busy.current = false;
    read(undefined, generation.current);
  }, [key, read]);

  const cursor = state.cursor;
  const loadMore = useCallback(() => {
    if (busy.current || !cursor) return;
    read(cursor, generation.current);
  }, [cursor, read]);
  const patch = useCallback((update: (items: T[]) => T[]) => setState((s) => ({ ...s, items: update(s.items) })), []);

  return { items: state.items, hasMore: cursor !== null, loaded: state.loaded, loading, error: state.error, loadMore, patch };
}
