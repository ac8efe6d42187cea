import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { FarmService } from '../../../execution/farm/farm-service';

export function farmHandlers(farm: FarmService): HandlerGroup<'farm.status' | 'farm.cancel'> {
  return {
    // Never starts the farm: asking how it is doing must not launch Blender.
    'farm.status': () => farm.status(),
    'farm.cancel': (target) => farm.cancel(target),
  };
}
