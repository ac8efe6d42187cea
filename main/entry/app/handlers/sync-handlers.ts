import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { HubSync } from '../../../production/sync/hub-sync';
import type { WorkstationSync } from '../../../production/sync/workstation-sync';

export type SyncMethod = 'sync.pull' | 'sync.push' | 'sync.status' | 'sync.conflicts' | 'sync.resolve';

/** sync.*: pull and push are what a hub answers; status, conflicts and resolve are this workstation's own. */
export function syncHandlers(hub: HubSync, workstation: WorkstationSync): HandlerGroup<SyncMethod> {
  return {
    'sync.pull': (input) => hub.pull(input),
    'sync.push': (input) => hub.push(input),
    'sync.status': () => workstation.status(),
    'sync.conflicts': () => ({ conflicts: workstation.conflicts() }),
    'sync.resolve': ({ id, take }) => workstation.resolve(id, take),
  };
}
