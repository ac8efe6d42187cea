import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { usePreflight } from '../app/services';

/**
 * Sidebar line: whether this machine can render, from the last preflight report. On a first start
 * preflight runs wherever the window opened (App's PreflightStarter); this line reports it as it
 * goes and when it ends, and never moves the page: the report itself is one link away.
 */
export function PreflightStatus() {
  const report = usePreflight((s) => s.report);
  const loaded = usePreflight((s) => s.loaded);
  const running = usePreflight((s) => s.running);
  const finished = usePreflight((s) => s.progress.length);
  const error = usePreflight((s) => s.error);

  let text: string;
  let tone: 'busy' | 'ok' | 'fail' | 'none';
  if (running) {
    text = `Preflight: checking this machine (${finished} ${finished === 1 ? 'check' : 'checks'} done)…`;
    tone = 'busy';
  } else if (report) {
    const problems = report.checks.filter((c) => c.status === 'fail').length;
    text = report.ok ? 'Preflight: Ready' : `Preflight: Not ready (${problems} ${problems === 1 ? 'problem' : 'problems'})`;
    tone = report.ok ? 'ok' : 'fail';
  } else if (error) {
    text = 'Preflight: did not finish';
    tone = 'fail';
  } else if (loaded) {
    text = 'Preflight: not run yet';
    tone = 'none';
  } else {
    return null;
  }

  return (
    <div className={`preflight-line preflight-${tone}`}>
      <span className="connection-line">
        <span className="connection-dot" aria-hidden="true" />
        <span role="status" aria-label="Preflight">
          {text}
        </span>
      </span>
      {tone === 'fail' && (
        <Anchor component={Link} to="/preflight" size="xs" c="var(--link)">
          See what is missing
        </Anchor>
      )}
    </div>
  );
}
