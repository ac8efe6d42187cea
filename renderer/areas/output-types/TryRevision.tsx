import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { useLoad } from './use-load';

/**
 * "Try this revision in shadow" on an output type's rollout page (rollout.tryRevision): the output
 * type pins a revision of its workflow and observes it in shadow; the gate then asks for an approved
 * pass of that revision.
 */
export function TryRevision({ outputTypeKey, workflowId, bound, onTried }: { outputTypeKey: string; workflowId: string; bound: number | null; onTried: () => void }) {
  const client = useClient();
  const id = useId();
  const revisions = useLoad(() => client.call('workflows.revisions', { id: workflowId }), [client, workflowId]);
  const [picked, setPicked] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const newest = revisions.data?.revisions[0]?.revision;
  const revision = picked ? Number(picked) : newest;

  async function tryIt() {
    if (revision === undefined) return;
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      const { outputType } = await client.call('rollout.tryRevision', { outputTypeKey, workflowId, revision });
      setMessage(`${outputTypeKey} now runs ${workflowId} revision ${revision} in shadow; graph: ${outputType.graphBlockedBy ? `not yet, ${outputType.graphBlockedBy}` : 'allowed'}.`);
      onTried();
    } catch (e) {
      setError(`Not tried: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="section" aria-labelledby={`${id}-try`}>
      <h2 id={`${id}-try`}>Try a revision in shadow</h2>
      <p className="muted">
        Pins a revision of <Link to={`/workflows/${encodeURIComponent(workflowId)}`}>{workflowId}</Link> (now revision {bound ?? '?'}) and runs it in shadow: legacy stays authoritative, and graph can be enabled
        once a comparison of that revision passes and is approved.
      </p>
      {revisions.error && <p className="field-error">The revisions could not be read: {revisions.error}</p>}
      <div className="field">
        <label htmlFor={`${id}-revision`}>Revision to try</label>
        <div className="field-control">
          <select id={`${id}-revision`} value={picked || String(newest ?? '')} onChange={(e) => setPicked(e.target.value)}>
            {(revisions.data?.revisions ?? []).map((r) => (
              <option key={r.revision} value={String(r.revision)}>
                Revision {r.revision}
                {r.note ? `: ${r.note}` : ''}
                {r.revision === bound ? ' (pinned now)' : ''}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="actions">
        <button type="button" disabled={busy || revision === undefined} onClick={() => void tryIt()}>
          {revision === undefined ? 'Try in shadow' : `Try revision ${revision} in shadow`}
        </button>
      </div>
      <p role="status">{message}</p>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </section>
  );
}
