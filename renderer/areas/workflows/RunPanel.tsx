import { useEffect, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import type { CadFile } from '../../../shared/cad/api';
import type { Order } from '../../../shared/orders/api';
import type { WorkflowPlanSchema } from '../../../shared/runs/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';

export type WorkflowPlan = z.infer<typeof WorkflowPlanSchema>;

interface RunPanelProps {
  doc: WorkflowDocument;
  dirty: boolean;
  /** null while the current document is being checked. */
  valid: boolean | null;
  errorCount: number;
  plan: { result: WorkflowPlan; doc: WorkflowDocument } | null;
  onPlan: (plan: { result: WorkflowPlan; doc: WorkflowDocument } | null) => void;
}

type Target = { kind: 'orderLineId' | 'cadFileId'; id: string } | null;

/** Dry run (the backend's plan) and dispatch of the saved workflow on a CAD file or an order line. */
export function RunPanel({ doc, dirty, valid, errorCount, plan, onPlan }: RunPanelProps) {
  const client = useClient();
  const navigate = useNavigate();
  const headingId = useId();
  const reasonsId = useId();
  const targetId = useId();
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [cadFiles, setCadFiles] = useState<CadFile[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [target, setTarget] = useState<string>('');
  const [busy, setBusy] = useState<'plan' | 'run' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const family = doc.family;

  useEffect(() => {
    let live = true;
    const load = family === 'order_line' ? client.call('orders.list', {}).then((r) => live && setOrders(r.orders)) : client.call('cad.list', {}).then((r) => live && setCadFiles(r.cadFiles));
    load.catch((e: unknown) => live && setLoadError(`The ${family === 'order_line' ? 'order lines' : 'CAD files'} could not be read: ${errorText(e)}`));
    return () => {
      live = false;
    };
  }, [client, family]);

  const parsed: Target = target ? { kind: family === 'order_line' ? 'orderLineId' : 'cadFileId', id: target } : null;
  const targetInput = parsed ? { [parsed.kind]: parsed.id } : {};

  const reasons: string[] = [];
  if (dirty) reasons.push('Save the workflow first: dispatch runs the saved revision.');
  if (valid === null) reasons.push('The graph is being checked.');
  else if (!valid) reasons.push(`The graph has ${errorCount} ${errorCount === 1 ? 'problem' : 'problems'} that block dispatch (see Problems).`);
  if (!parsed) reasons.push(family === 'order_line' ? 'Choose an order line to run on.' : 'Choose a ready CAD file to run on.');
  if (doc.revision < 1) reasons.push('The workflow has never been saved.');

  const dryRun = async () => {
    setBusy('plan');
    setError(null);
    try {
      const result = await client.call('workflows.plan', { document: doc, ...targetInput });
      onPlan({ result, doc });
    } catch (e) {
      onPlan(null);
      setError(`Dry run failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const dispatch = async () => {
    setBusy('run');
    setError(null);
    try {
      const { runId } = await client.call('workflows.run', { workflowId: doc.id, revision: doc.revision, ...targetInput });
      void navigate(`/runs/${encodeURIComponent(runId)}`);
    } catch (e) {
      setError(`Dispatch failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const lines = (orders ?? []).flatMap((o) => o.lines.map((l) => ({ order: o, line: l })));
  const ready = (cadFiles ?? []).filter((c) => c.status === 'ready');
  const planShown = plan && plan.doc === doc ? plan.result : null;

  return (
    <section className="wf-run" aria-labelledby={headingId}>
      <h2 id={headingId}>Dry run and dispatch</h2>
      {loadError && <p className="banner banner-error">{loadError}</p>}
      <div className="wf-row">
        <label htmlFor={targetId}>{family === 'order_line' ? 'Order line' : 'CAD file'}</label>
        <select id={targetId} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{family === 'order_line' ? (lines.length ? '— choose an order line —' : 'No order lines yet') : ready.length ? '— choose a CAD file —' : 'No ready CAD files'}</option>
          {family === 'order_line'
            ? lines.map(({ order, line }) => (
                <option key={line.id} value={line.id}>
                  {order.name} · line {line.lineNo} · {line.cadName} · {line.outputTypeKey}
                </option>
              ))
            : ready.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
        </select>
      </div>
      <div className="actions">
        <button type="button" onClick={() => void dryRun()} disabled={busy !== null}>
          {busy === 'plan' ? 'Planning…' : 'Dry run'}
        </button>
        <button type="button" className="primary" disabled={reasons.length > 0 || busy !== null} aria-describedby={reasonsId} onClick={() => void dispatch()}>
          {busy === 'run' ? 'Dispatching…' : 'Dispatch'}
        </button>
      </div>
      <ul id={reasonsId} className="wf-reasons">
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      {plan && !planShown && <p className="muted">The graph changed since the last dry run; run it again.</p>}
      {planShown && (
        <div className="wf-plan" role="region" aria-label="Dry run plan">
          <p role="status">
            {planShown.valid ? 'Plan is valid' : 'Plan has problems'}: {planShown.nodes.length} nodes in order, {planShown.reused} reused from earlier runs, {planShown.renders}{' '}
            {planShown.renders === 1 ? 'render' : 'renders'} to queue.
          </p>
          <table className="grid" aria-label="Plan">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Order
                </th>
                <th scope="col">Node</th>
                <th scope="col">Type</th>
                <th scope="col">Reuse</th>
                <th scope="col" className="num">
                  Renders
                </th>
                <th scope="col">Notes</th>
              </tr>
            </thead>
            <tbody>
              {planShown.nodes.map((n, i) => (
                <tr key={n.nodeId}>
                  <td className="num">{i + 1}</td>
                  <th scope="row">{n.nodeId}</th>
                  <td>{n.type}</td>
                  <td>{n.willReuse ? 'reused' : n.willReuse === false ? 'runs' : n.cacheable ? 'unknown' : 'not cached'}</td>
                  <td className="num">{n.renders}</td>
                  <td>{[n.disabled ? 'disabled' : null, n.selfPublish ? 'publishes itself' : null, n.problem].filter(Boolean).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {planShown.problems.length > 0 && (
            <ul className="wf-problem-list">
              {planShown.problems.map((p, i) => (
                <li key={i} className={`wf-problem wf-problem-${p.severity}`}>
                  {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
