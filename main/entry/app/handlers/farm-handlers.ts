import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { FarmRunContext, FarmService } from '../../../execution/farm/farm-service';
import type { Production } from '../production';

export function farmHandlers(farm: FarmService): HandlerGroup<'farm.status' | 'farm.cancel'> {
  return {
    // Never starts the farm: asking how it is doing must not launch Blender.
    'farm.status': () => farm.status(),
    'farm.cancel': (target) => farm.cancel(target),
  };
}

/** A farm task's run in the farm's words: the order line it renders for, the CAD file by name. */
export function farmRunContext(production: Pick<Production, 'runs' | 'cad'>, runId: string): FarmRunContext | null {
  const run = production.runs.get(runId);
  if (!run) return null;
  let cadFileName: string | null = null;
  if (run.cadFileId) {
    try {
      cadFileName = production.cad.get(run.cadFileId).name;
    } catch {
      // Deleted from the library since: the id still says which file it was.
    }
  }
  return { orderLineId: run.orderLineId, cadFileId: run.cadFileId, cadFileName };
}
