import { useEffect, useState } from 'react';
import { Alert, Button } from '@mantine/core';
import type { ConnectionState } from '../transport/connection';
import { useConnection, useServices } from '../app/services';

function describe(state: ConnectionState, now: number): string {
  switch (state.phase) {
    case 'open':
      return 'Connected';
    case 'connecting':
      return 'Connecting to the host…';
    case 'refused':
      return 'Access token refused';
    case 'reconnecting': {
      if (state.retryAt === null) return 'Reconnecting…';
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return `Connection lost; retrying in ${seconds} s (attempt ${state.attempt})`;
    }
  }
}

/** Sidebar line showing whether calls can reach the backend right now. */
export function ConnectionStatus() {
  const state = useConnection((s) => s);
  const { reconnectNow } = useServices();
  const [now, setNow] = useState(() => Date.now());

  // Tick only while a countdown is shown.
  useEffect(() => {
    if (state.phase !== 'reconnecting' || state.retryAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [state.phase, state.retryAt]);

  return (
    <div className={`connection connection-${state.phase}`}>
      <span className="connection-line">
        <span className="connection-dot" aria-hidden="true" />
        <span role="status">{describe(state, now)}</span>
      </span>
      {state.phase === 'reconnecting' && state.retryAt !== null && reconnectNow && (
        <Button variant="subtle" size="compact-xs" onClick={reconnectNow}>
          Retry now
        </Button>
      )}
    </div>
  );
}

/**
 * Banner above the page while the host is unreachable, so waiting actions are explained. It is
 * drawn from the connection's live phase, so it goes the moment the socket is open again.
 */
export function ConnectionBanner() {
  const phase = useConnection((s) => s.phase);
  const everOpen = useConnection((s) => s.epoch > 0);
  if (phase !== 'reconnecting' || !everOpen) return null;
  return (
    <Alert color="yellow" variant="light" radius={0} py={6} title="Connection lost" role="alert" aria-label="Connection lost">
      Lost the connection to the Lightbox host. Reconnecting; actions you start now wait until it is back.
    </Alert>
  );
}
