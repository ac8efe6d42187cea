import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { VerdictTag } from '../comparisons/VerdictTag';
import { formatRate } from './format';
import { formatTime } from '../../ui/format-time';
import { ModeChangeTable } from './ModeChangeTable';
import { useLoad } from './use-load';
import { TryRevision } from './TryRevision';

/** The rollout of one output type: mode, shadow history, error rates, enable graph (gated), roll back, the log of mode changes. */
export function RolloutPage() {
  const { key = '' } = useParams();
  const client = useClient();
  const id = useId();
  const status = useLoad(() => client.call('rollout.status', {}), [client]);
  const history = useLoad(() => client.call('comparisons.list', { outputTypeKey: key }), [client, key]);
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const rollout = status.data?.outputTypes.find((o) => o.key === key) ?? null;
  const changes = status.data?.changes.filter((c) => c.target === key || (rollout?.workflowId && c.target === rollout.workflowId)) ?? [];

  async function set(mode: ExecutionMode) {
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      const change = await client.call('rollout.set', { target: key, mode, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(mode === 'graph' && override ? { override: true } : {}) });
      setMessage(`${key} is now in ${change.toMode} mode (was ${change.fromMode ?? 'unset'}); it applies to the next dispatch.`);
      setReason('');
      setOverride(false);
      status.reload();
    } catch (e) {
      setError(`Refused: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  const graphBlocked = rollout ? rollout.graphBlockedBy !== null && !override : true;
  // The backend says why graph is refused (rollout.status), in the same words as its refusal.
  const blockReason = rollout?.graphBlockedBy ? `Graph cannot be enabled: ${rollout.graphBlockedBy}. Run it in shadow until a comparison passes and is approved, or override with a reason.` : null;

  return (
    <>
      <p>
        <Link to="/output-types">Output types</Link>
      </p>
      <h1 tabIndex={-1}>Rollout of {rollout?.name ?? key}</h1>
      {status.error && <p className="field-error">The rollout status could not be loaded: {status.error}</p>}
      {status.data && !rollout && <p className="field-error">No output type {key} in the rollout status.</p>}
      {rollout && (
        <>
          <section className="section" aria-labelledby={`${id}-mode`}>
            <h2 id={`${id}-mode`}>Mode</h2>
            <dl className="facts" aria-label="Mode">
              <dt>Current mode</dt>
              <dd>
                <strong className="ot-mode" data-testid="effective-mode">
                  {rollout.effectiveMode}
                </strong>
              </dd>
              <dt>Set on the output type</dt>
              <dd>{rollout.ownMode ?? 'no (follows its workflow)'}</dd>
              <dt>Workflow</dt>
              <dd>{rollout.workflowId ? `${rollout.workflowId} revision ${rollout.workflowRevision ?? '?'}, ${rollout.workflowMode ?? 'legacy'} mode` : 'none (legacy preset only)'}</dd>
              <dt>Latest comparison</dt>
              <dd>
                {rollout.latestComparison ? (
                  <>
                    <VerdictTag verdict={rollout.latestComparison.verdict} /> <Link to={`/comparisons/${rollout.latestComparison.id}`}>{formatTime(rollout.latestComparison.createdAt)}</Link>,{' '}
                    {rollout.latestComparison.review ? (rollout.latestComparison.review === 'approve' ? 'approved' : 'rejected') : 'not reviewed'}
                  </>
                ) : (
                  'none yet'
                )}
              </dd>
              <dt>Clean pass</dt>
              <dd>{rollout.cleanPass ? 'yes: an approved pass of the bound revision' : 'no'}</dd>
            </dl>
          </section>
          <section className="section" aria-labelledby={`${id}-rates`}>
            <h2 id={`${id}-rates`}>Error rates</h2>
            <table aria-label="Error rates">
              <thead>
                <tr>
                  <th scope="col">Mode</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Rate</th>
                </tr>
              </thead>
              <tbody>
                {(['legacy', 'graph'] as const).map((m) => (
                  <tr key={m}>
                    <th scope="row">{m}</th>
                    <td>{rollout.errorRates[m].runs}</td>
                    <td>{rollout.errorRates[m].failed}</td>
                    <td>{formatRate(rollout.errorRates[m])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="section" aria-labelledby={`${id}-change`}>
            <h2 id={`${id}-change`}>Change the mode</h2>
            <div className="field">
              <label htmlFor={`${id}-reason`}>Reason{override ? ' (required for an override)' : ' (optional)'}</label>
              <div className="field-control">
                <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
              </div>
            </div>
            {!rollout.cleanPass && (
              <label className="choice">
                <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Override: enable graph without a clean pass (recorded)
              </label>
            )}
            {blockReason && (
              <p id={`${id}-blocked`} className="hint">
                {blockReason}
              </p>
            )}
            <div className="actions">
              <button type="button" disabled={busy || graphBlocked || (override && !reason.trim()) || rollout.effectiveMode === 'graph'} aria-describedby={blockReason ? `${id}-blocked` : undefined} onClick={() => void set('graph')}>
                Enable graph
              </button>
              <button type="button" disabled={busy || rollout.effectiveMode === 'shadow'} onClick={() => void set('shadow')}>
                Run in shadow
              </button>
              <button type="button" disabled={busy || rollout.effectiveMode === 'legacy'} onClick={() => void set('legacy')}>
                Roll back to legacy
              </button>
            </div>
            <p role="status">{message}</p>
            {error && (
              <p role="alert" className="field-error">
                {error}
              </p>
            )}
          </section>
          {rollout.workflowId && <TryRevision outputTypeKey={key} workflowId={rollout.workflowId} bound={rollout.workflowRevision} onTried={() => status.reload()} />}
        </>
      )}
      <section className="section" aria-labelledby={`${id}-history`}>
        <h2 id={`${id}-history`}>Shadow history</h2>
        {history.error && <p className="field-error">{history.error}</p>}
        {history.data && history.data.comparisons.length === 0 && <p className="muted">No shadow comparison of {key} yet.</p>}
        {history.data && history.data.comparisons.length > 0 && (
          <table aria-label="Shadow history">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Verdict</th>
                <th scope="col">Workflow revision</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {history.data.comparisons.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/comparisons/${c.id}`}>{formatTime(c.createdAt)}</Link>
                  </th>
                  <td>
                    <VerdictTag verdict={c.verdict} />
                  </td>
                  <td>{c.workflowRevision ?? '—'}</td>
                  <td>{c.review ? `${c.review.decision === 'approve' ? 'Approved' : 'Rejected'} by ${c.review.who}` : 'Pending'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="section" aria-labelledby={`${id}-log`}>
        <h2 id={`${id}-log`}>Mode changes</h2>
        {changes.length === 0 ? (
          <p className="muted">No mode change yet.</p>
        ) : (
          <ModeChangeTable changes={changes} label="Mode changes" targetHeader="Target" />
        )}
      </section>
    </>
  );
}
