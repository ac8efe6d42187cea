import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A list page's search as the address holds it (?q=), so a searched list can be linked and
 * survives reloads: the text as typed (for the box), the query the list reads (trimmed, at most
 * 200 characters, as the contract takes it), and a setter that replaces the entry.
 */
export function useSearchQuery(): { text: string; query: string; setQuery: (value: string) => void } {
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const setQuery = useCallback(
    (value: string) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value.trim()) next.set('q', value);
          else next.delete('q');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return { text, query: text.trim().slice(0, 200), setQuery };
}
