import { useEffect } from 'react';
import { Badge } from '@mantine/core';
import { useClient, useConnection } from '../../app/services';
import { syncStore, useSync } from './sync-store';

/** Local saves add to what waits and send no event, so the count is read again now and then. */
const RECHECK_MS = 30_000;

/**
 * Beside the Sync link (outside it, so the link keeps its name): open conflicts, or else the changes
 * waiting to be pushed to the hub; nothing when all is in step or no hub was ever used.
 */
export function SyncBadge() {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const status = useSync((s) => s.status);
  useEffect(() => {
    const store = syncStore(client);
    if (epoch > 1) void store.getState().refresh();
    const timer = setInterval(() => void store.getState().refresh(), RECHECK_MS);
    return () => clearInterval(timer);
  }, [client, epoch]);
  // A machine that never synced has nothing "waiting": only a workstation of a hub counts its outbox.
  if (!status || (status.conflicts === 0 && (status.pending === 0 || status.hubUrl === null))) return null;
  const conflicts = status.conflicts > 0;
  const count = conflicts ? status.conflicts : status.pending;
  const label = conflicts
    ? `${count} sync conflict${count === 1 ? '' : 's'} open, ${status.pending} change${status.pending === 1 ? '' : 's'} waiting`
    : `${count} change${count === 1 ? '' : 's'} waiting to sync`;
  return (
    <Badge className="nav-badge" variant={conflicts ? 'filled' : 'light'} color={conflicts ? 'red' : undefined} size="sm" circle={count < 10} role="status" aria-label={label} title={label}>
      {count}
    </Badge>
  );
}
