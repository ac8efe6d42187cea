import { ApiFailure, ErrorCodes } from '../../../../shared/contract/errors';
import type { HandlerGroup } from '../../../platform/transport/dispatch';
import { ServerUnreachable } from '../../../platform/transport/http-client';
import type { HubSync } from '../../../production/sync/hub-sync';
import { httpHub, hubAddress, hubKey } from '../../../production/sync/http-hub';
import type { WorkstationSync } from '../../../production/sync/workstation-sync';

export type SyncMethod = 'sync.pull' | 'sync.push' | 'sync.run' | 'sync.status' | 'sync.conflicts' | 'sync.resolve';

/** sync.*: pull and push are what a hub answers; run, status, conflicts and resolve are this workstation's own. */
export function syncHandlers(hub: HubSync, workstation: WorkstationSync): HandlerGroup<SyncMethod> {
  return {
    'sync.pull': (input) => hub.pull(input),
    'sync.push': (input) => hub.push(input),
    'sync.run': async ({ hubUrl, token }, ctx) => {
      // Only this machine's own app or a loopback client makes it call out to a hub with a token.
      if (ctx.loopback === false) throw new ApiFailure(ErrorCodes.forbidden, 'syncing with a hub is started on this machine (the app or lightbox sync), not by a remote client', 'hubUrl');
      const url = hubKey(hubAddress(hubUrl));
      try {
        return await workstation.run(httpHub(url, token), url);
      } catch (error) {
        if (!(error instanceof ServerUnreachable)) throw error;
        const pending = workstation.pendingFor(url);
        throw new ApiFailure('hub_unreachable', `the hub could not be reached: ${error.message}; ${pending} local change${pending === 1 ? '' : 's'} wait${pending === 1 ? 's' : ''} and will be pushed at the next sync`, 'hubUrl');
      }
    },
    'sync.status': () => workstation.status(),
    'sync.conflicts': () => ({ conflicts: workstation.conflicts() }),
    'sync.resolve': ({ id, take }) => workstation.resolve(id, take),
  };
}
