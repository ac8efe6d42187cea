import { BRIDGE_GLOBAL, type ContractClient } from '../../shared/contract';
import { createConnectionStore, type ConnectionStore } from './connection';
import { HostClient, probeToken, socketUrlFor } from './host-client';
import { IpcClient, findBridge } from './ipc-client';
import { forgetToken, takeToken } from './token';

export type TransportChoice =
  | { kind: 'ipc'; client: ContractClient; connection: ConnectionStore; reconnectNow: null }
  | { kind: 'host'; client: ContractClient; connection: ConnectionStore; reconnectNow: () => void }
  /** Opened in a browser without the token-carrying link: nothing can be called. */
  | { kind: 'no-token' };

/** Picks the transport once at start: the Electron bridge when present, otherwise the headless host. */
export function selectTransport(win: Window = window): TransportChoice {
  const bridge = findBridge(win, BRIDGE_GLOBAL);
  if (bridge) {
    // IPC has no connection to lose; the store stays "open" so views need no special case.
    const connection = createConnectionStore({ phase: 'open', epoch: 1 });
    return { kind: 'ipc', client: new IpcClient(bridge), connection, reconnectNow: null };
  }
  const token = takeToken(win);
  if (!token) return { kind: 'no-token' };
  const connection = createConnectionStore();
  const client = new HostClient({
    socketUrl: socketUrlFor(win.location, token),
    connection,
    probe: () => probeToken(token),
    onRefused: () => forgetToken(win),
  });
  return { kind: 'host', client, connection, reconnectNow: () => client.reconnectNow() };
}
