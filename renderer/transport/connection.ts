import { createStore, type StoreApi } from 'zustand/vanilla';

export type ConnectionPhase =
  /** First attempt; calls wait. */
  | 'connecting'
  | 'open'
  /** The socket dropped or could not open; retrying with backoff, calls wait. */
  | 'reconnecting'
  /** The host answered 401: the token is wrong or from an earlier start. Terminal. */
  | 'refused';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** Failed attempts in a row since the last open socket. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt: number | null;
  /** Increments on every successful open, so views can refetch after a reconnect. */
  epoch: number;
}

export type ConnectionStore = StoreApi<ConnectionState>;

export function createConnectionStore(initial: Partial<ConnectionState> = {}): ConnectionStore {
  return createStore<ConnectionState>(() => ({ phase: 'connecting', attempt: 0, retryAt: null, epoch: 0, ...initial }));
}
