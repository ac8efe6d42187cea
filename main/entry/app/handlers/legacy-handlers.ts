import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { LegacyService } from '../../../catalog/legacy/legacy-service';

export function legacyHandlers(legacy: LegacyService): HandlerGroup<'legacy.import' | 'legacy.migrate'> {
  return {
    'legacy.import': ({ documents }) => legacy.import(documents),
    'legacy.migrate': (input) => legacy.migrate(input),
  };
}
