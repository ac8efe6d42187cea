import type { LegacyService } from '../../catalog/legacy/legacy-service';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { OrderDispatcher } from '../../execution/dispatch/order-dispatcher';
import type { PreflightService } from '../../execution/preflight/types';
import type { CadLibrary } from '../../production/cad-library/cad-library';
import type { NotificationOutbox } from '../../production/notifications';
import type { OrderStore } from '../../production/orders/order-store';
import type { RunStore } from '../../production/runs/run-store';
import type { ComparisonStore } from '../comparison/comparison-store';

/**
 * The services the golden suite and the smoke test drive, as the composition root (entry/app)
 * wires them: named here so review/ depends on the services, not on the wiring.
 */
export interface Studio {
  legacy: LegacyService;
  workflows: WorkflowStore;
  preflight: PreflightService;
  production: { dispatcher: OrderDispatcher; orders: OrderStore; cad: CadLibrary; runs: RunStore; comparisons: ComparisonStore; outbox: NotificationOutbox };
}
