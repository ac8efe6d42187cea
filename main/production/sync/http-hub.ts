import type { SyncPullResult, SyncPushResult } from '../../../shared/sync/api';
import { createHttpClient } from '../../platform/transport/http-client';
import type { HubConnection } from './workstation-sync';

/** The hub's sync methods over its HTTP transport, as one person (their token). */
export function httpHub(url: string, token: string): HubConnection {
  const client = createHttpClient(url, token);
  return {
    pull: (input) => client.call<SyncPullResult>('sync.pull', input),
    push: (input) => client.call<SyncPushResult>('sync.push', input),
  };
}

/** The hub's address as sync keys its bookkeeping: no query (a copied ?token=), no fragment, no trailing slash. */
export function hubAddress(raw: string): URL {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`must be an http or https URL, not "${raw}"`);
  url.search = '';
  url.hash = '';
  return url;
}
export const hubKey = (url: URL) => url.href.replace(/\/$/, '');
