import { useId, useState } from 'react';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { ModeChangeTable } from './ModeChangeTable';
import { useLoad } from './use-load';


/** Rollout per workflow: its mode (what output types following it use), set here; graph is checked by the backend, which says why it refuses. */
export function WorkflowRollout() {
  const client = useClient();
  const id = useId();
  const { data, error, reload } = useLoad(() => client.call('rollout.status', {}), [client]);
  const [message, setMessage] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function set(target: string, mode: ExecutionMode) {
    setBusy(true);
    setRefusal(null);
    setMessage('');
    try {
      const change = await client.call('rollout.set', { target, mode });
      setMessage(`Workflow ${target} is now in ${change.toMode} mode; it applies to the next dispatch.`);
      reload();
    } catch (e) {
      setRefusal(`Refused: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }
  const workflows = data?.workflows ?? [];
  const ids = new Set(workflows.map((w) => w.id));
  const changes = data?.changes.filter((c) => c.targetKind === 'workflow' && ids.has(c.target)) ?? [];
  return (
    <section className="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Rollout by workflow</h2>
      <p className="muted">An output type without a mode of its own follows its workflow&apos;s mode.</p>
      {error && <p className="field-error">{error}</p>}
      {data && workflows.length === 0 && <p className="muted">No order_line workflow yet.</p>}
      {workflows.length > 0 && (
        <table aria-label="Workflow modes">
          <thead>
            <tr>
              <th scope="col">Workflow</th>
              <th scope="col">Revision</th>
              <th scope="col">Mode</th>
              <th scope="col">Output types</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {workflows.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  {w.name} <code className="muted">{w.id}</code>
                </th>
                <td>{w.revision}</td>
                <td>{w.mode}</td>
                <td>{w.outputTypes.join(', ') || '—'}</td>
                <td className="row-actions">
                  {(['shadow', 'graph', 'legacy'] as const).map((m) => (
                    <button key={m} type="button" disabled={busy || w.mode === m} onClick={() => void set(w.id, m)} aria-label={`Set ${w.id} to ${m}`}>
                      {m === 'legacy' ? 'Roll back to legacy' : m === 'graph' ? 'Enable graph' : 'Shadow'}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p role="status">{message}</p>
      {refusal && (
        <p role="alert" className="field-error">
          {refusal}
        </p>
      )}
      {changes.length > 0 && (
        <ModeChangeTable changes={changes} label="Workflow mode changes" targetHeader="Workflow" />
      )}
    </section>
  );
}
