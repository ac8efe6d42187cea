import { useEffect } from 'react';
import { useConnection, usePreflight, useServices } from '../../app/services';
import { ProgressList } from './CheckTable';
import { PreflightReportView } from './PreflightReportView';

export function PreflightPage() {
  const { preflight } = useServices();
  const report = usePreflight((s) => s.report);
  const loaded = usePreflight((s) => s.loaded);
  const running = usePreflight((s) => s.running);
  const progress = usePreflight((s) => s.progress);
  const error = usePreflight((s) => s.error);
  const epoch = useConnection((s) => s.epoch);

  // Wait for a connection, then show the last report or run the first one.
  useEffect(() => {
    if (epoch > 0) void preflight.ensureReport();
  }, [preflight, epoch]);

  let status = '';
  if (running) status = `Running preflight: ${progress.length} ${progress.length === 1 ? 'check' : 'checks'} finished…`;
  else if (!loaded) status = 'Loading the last report…';

  return (
    <>
      <h1 tabIndex={-1}>Preflight</h1>
      <p className="lede">
        Checks that this machine can render: Blender and which engines render headless, ffmpeg and its encoders, free disk
        space and the data directory.
      </p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void preflight.run()} disabled={running}>
          Run preflight
        </button>
        <span role="status" className="muted">
          {status}
        </span>
      </div>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      {running && <ProgressList checks={progress} />}
      {!running && report && <PreflightReportView report={report} />}
      {!running && loaded && !report && !error && <p>No preflight report yet.</p>}
    </>
  );
}
