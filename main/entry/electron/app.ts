import { parseArgs } from 'node:util';
import { app, dialog, Notification, type BrowserWindow } from 'electron';
import path from 'node:path';
import { createBackend, type Backend } from '../app/backend';
import { rendererDir } from '../../../workers/resources/paths';
import { chooseDataDir } from '../../platform/data-dir/resolve';
import { bridgeIpc } from './ipc-bridge';
import { openLocationStore, openSettingsStore } from './electron-stores';
import { createMainWindow, denyAllPermissions } from './main-window';
import { registerAppScheme, serveRenderer } from './renderer-protocol';

// Electron main entry: the only place that wires services to Electron.
registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let backend: Backend | null = null;
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  app.whenReady().then(
    () => {
      const { values } = parseArgs({ args: process.argv.slice(1), options: { 'data-dir': { type: 'string' } }, strict: false, allowPositionals: true });
      const locationStore = openLocationStore();
      const choice = chooseDataDir({
        flag: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
        env: process.env.LIGHTBOX_DATA_DIR,
        setting: locationStore.get('dataDir'),
        fallback: path.join(app.getPath('userData'), 'data'),
      });
      backend = createBackend({
        dataDir: choice.path,
        dataDirSource: choice.source,
        openSettingsStore,
        locationStore,
        transport: 'ipc',
      });
      const renderer = rendererDir();
      if (!renderer) throw new Error('the renderer is not built; run `npm run build`');
      serveRenderer(renderer);
      denyAllPermissions();
      window = createMainWindow();
      const unbridge = bridgeIpc(window, backend.dispatch, backend.events);
      // Desktop notifications from the outbox are shown by the OS as well as in the window.
      const unnotify = backend.events.subscribe((event, payload) => {
        if (event !== 'notifications.desktop' || !Notification.isSupported()) return;
        const n = payload as { event: string; payload: { outputType?: string; orderLineId?: string; verdict?: string } };
        // One review notification per review group's pending set (issue 22), not per comparison.
        const title = n.event === 'comparison.review' ? 'Shadow results await a review decision' : n.event === 'render.failed' ? 'Render failed' : 'Render finished';
        const body = n.event === 'comparison.review' ? `${n.payload.outputType ?? ''}: new shadow results (the first ${n.payload.verdict ?? ''})` : `${n.payload.outputType ?? ''} · order line ${n.payload.orderLineId ?? ''}`;
        new Notification({ title, body }).show();
      });
      backend.startBackground();
      window.on('closed', () => {
        unbridge();
        unnotify();
        window = null;
      });
    },
    )
    .catch((error: unknown) => {
      dialog.showErrorBox('Lightbox cannot start', (error as Error).message);
      app.exit(1);
    });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => backend?.close());
}
