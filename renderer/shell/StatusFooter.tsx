import { useAppInfo, useServices } from '../app/services';

/** Which backend this window talks to, so a headless tab and the desktop app are never confused. */
export function StatusFooter() {
  const { client } = useServices();
  const info = useAppInfo((s) => s.info);
  const error = useAppInfo((s) => s.error);
  const transport = client.transport === 'ipc' ? 'Electron IPC' : 'Headless host (WebSocket)';
  return (
    <footer className="statusbar">
      <span>
        <span className="muted">Transport:</span> {transport}
      </span>
      <span>
        <span className="muted">Version:</span> {info ? `Lightbox ${info.version}` : '…'}
      </span>
      <span className="statusbar-path">
        <span className="muted">Data directory:</span> {info ? <code>{info.dataDir}</code> : error ? `unknown (${error})` : '…'}
      </span>
    </footer>
  );
}
