import { useEffect, useState } from 'react';
import type { MethodInput } from '../../../shared/contract/methods';
import type { RunListItem } from '../../../shared/runs/api';
import { useClient, useConnection } from '../../app/services';
import { errorText } from '../../transport/errors';

export type RunsFilter = Omit<MethodInput<'runs.list'>, 'limit'>;

const REFRESH_DELAY_MS = 300;

/**
 * runs.list under a filter, read again (throttled) whenever a runs.node event says a run moved on
 * and after every reconnect. Render progress events (done/total) alone do not change the list.
 */
export function useRunsList(filter: RunsFilter): { runs: RunListItem[]; loaded: boolean; error: string | null } {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const [runs, setRuns] = useState<RunListItem[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const key = JSON.stringify(filter);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = client.on('runs.node', (event) => {
      if (event.done !== undefined && event.status === 'running') return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, REFRESH_DELAY_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [client]);

  useEffect(() => {
    if (epoch === 0) return;
    let live = true;
    client.call('runs.list', { ...(JSON.parse(key) as RunsFilter), limit: 200 }).then(
      ({ runs: next }) => {
        if (!live) return;
        setRuns(next);
        setLoaded(true);
        setError(null);
      },
      (e: unknown) => {
        if (!live) return;
        setError(`The runs could not be read: ${errorText(e)}`);
        setLoaded(true);
      },
    );
    return () => {
      live = false;
    };
  }, [client, epoch, key, version]);

  return { runs, loaded, error };
}
