import { useEffect, useId, useState } from 'react';
import type { z } from 'zod';
import type { WorkflowRevisionSchema, WorkflowSummary } from '../../../shared/workflow/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { diffDocuments, showValue, type DocumentDiff } from './doc-diff';
import { formatTime } from '../../ui/format-time';
import { ActionsHeader } from '../../ui/ActionsHeader';

type Revision = z.infer<typeof WorkflowRevisionSchema>;

/** A workflow's revisions, a readable diff between any two, and restore (saved as a new revision). */
export function RevisionsPanel({ workflow, onRestored }: { workflow: WorkflowSummary; onRestored: (revision: number) => void }) {
  const client = useClient();
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [docs, setDocs] = useState<{ a: WorkflowDocument; b: WorkflowDocument } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const fromId = useId();
  const toId = useId();

  useEffect(() => {
    let live = true;
    client.call('workflows.revisions', { id: workflow.id }).then(
      ({ revisions }) => {
        if (!live) return;
        setRevisions(revisions);
        setTo(revisions[0]?.revision ?? null);
        setFrom(revisions[1]?.revision ?? revisions[0]?.revision ?? null);
      },
      (e: unknown) => live && setError(`The revisions could not be read: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client, workflow.id, workflow.revision]);

  useEffect(() => {
    if (from === null || to === null) return;
    let live = true;
    Promise.all([client.call('workflows.get', { id: workflow.id, revision: from }), client.call('workflows.get', { id: workflow.id, revision: to })]).then(
      ([a, b]) => live && setDocs({ a, b }),
      (e: unknown) => live && setError(`The revisions could not be compared: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client, workflow.id, from, to]);

  const restore = async (revision: number) => {
    setError(null);
    setStatus(null);
    try {
      const old = await client.call('workflows.get', { id: workflow.id, revision });
      const current = await client.call('workflows.get', { id: workflow.id });
      const r = await client.call('workflows.save', { document: { ...old, revision: current.revision }, note: `restored revision ${revision}` });
      setStatus(`Restored revision ${revision} as revision ${r.document.revision}.`);
      onRestored(r.document.revision);
    } catch (e) {
      setError(`Revision ${revision} could not be restored: ${errorText(e)}`);
    }
  };

  const choice = (id: string, label: string, value: number | null, set: (n: number) => void) => (
    <div className="wf-row">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => set(Number(e.target.value))}>
        {(revisions ?? []).map((r) => (
          <option key={r.revision} value={r.revision}>
            Revision {r.revision}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <div className="wf-revisions">
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      {status && (
        <p role="status" className="save-status">
          {status}
        </p>
      )}
      {!revisions && !error && <p role="status">Reading the revisions…</p>}
      {revisions && (
        <table className="grid" aria-label={`Revisions of ${workflow.name}`}>
          <thead>
            <tr>
              <th scope="col" className="num">
                Revision
              </th>
              <th scope="col">Saved</th>
              <th scope="col">Note</th>
              <th scope="col" className="num">
                Nodes
              </th>
              <th scope="col" className="num">
                Edges
              </th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {revisions.map((r, i) => (
              <tr key={r.revision}>
                <th scope="row" className="num">
                  {r.revision}
                </th>
                <td className="nowrap">{formatTime(r.savedAt)}</td>
                <td>{r.note ?? ''}</td>
                <td className="num">{r.nodeCount}</td>
                <td className="num">{r.edgeCount}</td>
                <td>
                  {i === 0 ? (
                    <span className="muted">current</span>
                  ) : (
                    <button type="button" onClick={() => void restore(r.revision)}>
                      Restore revision {r.revision}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revisions && revisions.length > 1 && (
        <section aria-label="Compare revisions" className="wf-compare">
          <h3>Compare</h3>
          <div className="wf-compare-choices">
            {choice(fromId, 'From revision', from, setFrom)}
            {choice(toId, 'To revision', to, setTo)}
          </div>
          {docs && <DiffView diff={diffDocuments(docs.a, docs.b)} from={from} to={to} />}
        </section>
      )}
    </div>
  );
}

export function DiffView({ diff, from, to }: { diff: DocumentDiff; from: number | null; to: number | null }) {
  return (
    <div className="wf-diff" role="region" aria-label={`Changes from revision ${from} to revision ${to}`}>
      {diff.empty && <p>No differences.</p>}
      <ul className="wf-diff-list">
        {diff.name && (
          <li>
            Name: {showValue(diff.name.before)} → {showValue(diff.name.after)}
          </li>
        )}
        {diff.executionMode && (
          <li>
            Execution mode: {String(diff.executionMode.before)} → {String(diff.executionMode.after)}
          </li>
        )}
        {diff.nodesAdded.map((n) => (
          <li key={`+${n.id}`} className="wf-diff-add">
            Node added: {n.id} ({n.type})
          </li>
        ))}
        {diff.nodesRemoved.map((n) => (
          <li key={`-${n.id}`} className="wf-diff-remove">
            Node removed: {n.id} ({n.type})
          </li>
        ))}
        {diff.nodesChanged.map((n) => (
          <li key={`~${n.id}`}>
            Node changed: {n.id} ({n.type})
            <ul>
              {n.changes.map((c) => (
                <li key={c.path}>
                  {c.path}: {showValue(c.before)} → {showValue(c.after)}
                </li>
              ))}
              {n.moved && <li>moved on the canvas</li>}
            </ul>
          </li>
        ))}
        {diff.edgesAdded.map((e) => (
          <li key={`+e${e}`} className="wf-diff-add">
            Edge added: {e}
          </li>
        ))}
        {diff.edgesRemoved.map((e) => (
          <li key={`-e${e}`} className="wf-diff-remove">
            Edge removed: {e}
          </li>
        ))}
        {diff.parametersAdded.map((p) => (
          <li key={`+p${p}`}>Parameter added: {p}</li>
        ))}
        {diff.parametersRemoved.map((p) => (
          <li key={`-p${p}`}>Parameter removed: {p}</li>
        ))}
        {diff.parametersChanged.map((p) => (
          <li key={`~p${p}`}>Parameter changed: {p}</li>
        ))}
        {diff.metadataChanged && <li>Metadata changed</li>}
      </ul>
    </div>
  );
}
