import { Navigate, createHashRouter } from 'react-router';
import { PlaceholderPage } from '../areas/placeholder/PlaceholderPage';
import { PreflightPage } from '../areas/preflight/PreflightPage';
import { SettingsPage } from '../areas/settings/SettingsPage';
import { FarmPage } from '../areas/farm/FarmPage';
import { CadLibraryPage } from '../areas/cad-library/CadLibraryPage';
import { OrdersPage } from '../areas/orders/OrdersPage';
import { RunPage } from '../areas/runs/RunPage';
import { RunsListPage } from '../areas/runs/RunsListPage';
import { WorkflowsPage } from '../areas/workflows/WorkflowsPage';
import { WorkflowEditorPage } from '../areas/workflows/WorkflowEditorPage';
import { OutputTypesPage } from '../areas/output-types/OutputTypesPage';
import { RolloutPage } from '../areas/output-types/RolloutPage';
import { ComparisonsPage } from '../areas/comparisons/ComparisonsPage';
import { ComparisonViewerPage } from '../areas/comparisons/ComparisonViewerPage';
import { SyncPage } from '../areas/sync/SyncPage';
import { WORK_AREAS } from '../shell/areas';
import { Layout } from '../shell/Layout';
import { NotFoundPage } from '../shell/NotFoundPage';

/**
 * Hash routing: the renderer is loaded from disk by Electron and from "/" by the headless host,
 * neither of which can serve deep paths. A data router is used for useBlocker (unsaved changes).
 */
export function createAppRouter() {
  return createHashRouter([
    {
      path: '/',
      element: <Layout />,
      children: [
        { index: true, element: <Navigate to="/preflight" replace /> },
        { path: 'preflight', element: <PreflightPage /> },
        { path: 'settings', element: <SettingsPage /> },
        { path: 'farm', element: <FarmPage /> },
        { path: 'orders', element: <OrdersPage /> },
        { path: 'cad-library', element: <CadLibraryPage /> },
        { path: 'workflows', element: <WorkflowsPage /> },
        { path: 'workflows/:id', element: <WorkflowEditorPage /> },
        { path: 'runs', element: <RunsListPage /> },
        { path: 'runs/:runId', element: <RunPage /> },
        { path: 'output-types', element: <OutputTypesPage /> },
        { path: 'output-types/:key/rollout', element: <RolloutPage /> },
        { path: 'comparisons', element: <ComparisonsPage /> },
        { path: 'comparisons/:id', element: <ComparisonViewerPage /> },
        { path: 'sync', element: <SyncPage /> },
        ...WORK_AREAS.filter((area) => area.planned).map((area) => ({ path: area.path.slice(1), element: <PlaceholderPage area={area} /> })),
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
