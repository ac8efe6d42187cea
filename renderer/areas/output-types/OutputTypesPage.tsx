import { useState } from 'react';
import { Link } from 'react-router';
import type { OutputType } from '../../../shared/output-types/profile';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { MigratePanel } from './MigratePanel';
import { WorkflowRollout } from './WorkflowRollout';
import { OutputTypeForm } from './OutputTypeForm';
import { FORM_LABEL } from './format';
import { useLoad } from './use-load';

type Panel = { kind: 'new' } | { kind: 'edit'; outputType: OutputType } | { kind: 'migrate'; key: string } | null;

/** Output types: legacy presets beside invocation profiles; new and edit workflow-first; migrate; rollout per output type. */
export function OutputTypesPage() {
  const client = useClient();
  const { data, error, reload } = useLoad(() => client.call('outputTypes.list', {}), [client]);
  const [panel, setPanel] = useState<Panel>(null);
  const [status, setStatus] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);

  async function edit(key: string) {
    setLoadError(null);
    try {
      const got = await client.call('outputTypes.get', { key });
      if (!got.profile) {
        setLoadError(`${key} has no invocation profile yet: migrate it first.`);
        return;
      }
      setPanel({ kind: 'edit', outputType: got.profile });
    } catch (e) {
      setLoadError(errorText(e));
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>Output types</h1>
      <p className="lede">What the studio orders, and how it is produced: a legacy render preset, an invocation profile of a workflow, or both while it migrates.</p>
      <div className="toolbar">
        <button type="button" onClick={() => setPanel({ kind: 'new' })}>
          New output type
        </button>
      </div>
      <p role="status" className="muted">
        {status}
      </p>
      {loadError && (
        <p role="alert" className="field-error">
          {loadError}
        </p>
      )}
      {panel?.kind === 'new' && (
        <OutputTypeForm
          key="new"
          editing={null}
          onCancel={() => setPanel(null)}
          onSaved={(saved) => {
            setPanel(null);
            setStatus(`Created ${saved.name} (${saved.key}).`);
            reload();
          }}
        />
      )}
      {panel?.kind === 'edit' && (
        <OutputTypeForm
          key={`edit:${panel.outputType.key}`}
          editing={panel.outputType}
          onCancel={() => setPanel(null)}
          onSaved={(saved) => {
            setPanel(null);
            setStatus(`Saved ${saved.name} (${saved.key}).`);
            reload();
          }}
        />
      )}
      {panel?.kind === 'migrate' && <MigratePanel key={panel.key} outputKey={panel.key} onDone={reload} onClose={() => setPanel(null)} />}
      {error && <p className="field-error">The output types could not be loaded: {error}</p>}
      {!data && !error && <p className="muted">Loading…</p>}
      {data && data.outputTypes.length === 0 && <p className="muted">No output types yet: import legacy presets or create one from a workflow.</p>}
      {data && data.outputTypes.length > 0 && (
        <div className="table-scroll">
          <table aria-label="Output types" className="ot-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Form</th>
                <th scope="col">Artifact</th>
                <th scope="col">Mode</th>
                <th scope="col">Active</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.outputTypes.map((o) => (
                <tr key={o.key}>
                  <th scope="row">{o.name}</th>
                  <td>
                    <code>{o.key}</code>
                  </td>
                  <td>{FORM_LABEL[o.form]}</td>
                  <td>{o.artifact}</td>
                  <td>{o.executionMode}</td>
                  <td>{o.active ? 'yes' : 'no'}</td>
                  <td className="row-actions">
                    {o.form !== 'legacy_preset' && (
                      <button type="button" onClick={() => void edit(o.key)} aria-label={`Edit ${o.key}`}>
                        Edit
                      </button>
                    )}
                    {o.form !== 'invocation_profile' && (
                      <button type="button" onClick={() => setPanel({ kind: 'migrate', key: o.key })} aria-label={`Migrate ${o.key}`}>
                        Migrate
                      </button>
                    )}
                    <Link to={`/output-types/${encodeURIComponent(o.key)}/rollout`} aria-label={`Rollout of ${o.key}`}>
                      Rollout
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <WorkflowRollout key={data ? data.outputTypes.length : 0} />
    </>
  );
}
