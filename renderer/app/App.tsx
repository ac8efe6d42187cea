import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { NeedsLinkScreen, TokenRefusedScreen } from '../shell/GateScreens';
import type { TransportChoice } from '../transport/select';
import { createPreflightModel } from '../areas/preflight/preflight-store';
import { createAppInfoModel } from './app-info-store';
import { createAppRouter } from './router';
import { ServicesProvider, useConnection, useServices, type Services } from './services';

/** Built once at start, outside React, so StrictMode's double renders do not duplicate listeners. */
export function buildServices(choice: TransportChoice): Services | null {
  if (choice.kind === 'no-token') return null;
  return {
    client: choice.client,
    connection: choice.connection,
    reconnectNow: choice.reconnectNow,
    appInfo: createAppInfoModel(choice.client),
    preflight: createPreflightModel(choice.client),
  };
}

/** Refreshes app.info on every (re)connect: a restarted host may run another version or data dir. */
function AppInfoLoader() {
  const { appInfo } = useServices();
  const epoch = useConnection((s) => s.epoch);
  useEffect(() => {
    if (epoch > 0) void appInfo.refresh();
  }, [appInfo, epoch]);
  return null;
}

/**
 * On a first start (no preflight report yet) preflight runs once, wherever the window opened: a
 * deep link keeps its page, and the sidebar reports the run and its outcome (shell/PreflightStatus).
 */
function PreflightStarter() {
  const { preflight } = useServices();
  const epoch = useConnection((s) => s.epoch);
  useEffect(() => {
    if (epoch > 0) void preflight.ensureReport();
  }, [preflight, epoch]);
  return null;
}

function ConnectedApp() {
  const refused = useConnection((s) => s.phase === 'refused');
  // Created after the transport took the token out of the URL, so the router starts from a clean one.
  const [router] = useState(createAppRouter);
  if (refused) return <TokenRefusedScreen />;
  return (
    <>
      <AppInfoLoader />
      <PreflightStarter />
      <RouterProvider router={router} />
    </>
  );
}

export function App({ services }: { services: Services | null }) {
  if (!services) return <NeedsLinkScreen />;
  return (
    <ServicesProvider services={services}>
      <ConnectedApp />
    </ServicesProvider>
  );
}
