import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import type { CadFile } from '../../../shared/cad/api';
import type { Order, OutputTypeSummary } from '../../../shared/orders/api';
import type { WorkflowPlanSchema } from '../../../shared/runs/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { TryInShadow } from './TryInShadow';

export type WorkflowPlan = z.infer<typeof WorkflowPlanSchema>;
type PlanNode = WorkflowPlan['nodes'][number];

/** The dry-run table in words: whether a node runs or reuses what an earlier run made (explained under the table). */
export function reuseWords(n: PlanNode): string {
  if (n.willReuse) return 'reused';
  if (n.willReuse === false) return 'runs';
  if (n.cacheable) return 'unknown yet';
  return 'always runs';
}

export function rendersWords(renders: number): string {
  if (renders === 0) return 'none';
  return `${renders} ${renders === 1 ? 'render' : 'renders'} on the farm`;
}

export function notesWords(n: PlanNode): string[] {
  const out: string[] = [];
  if (n.disabled) out.push('Disabled: it does not run.');
  if (n.type === 'output_save') out.push('Would publish to the media library.');
  else if (n.selfPublish && n.type !== 'notify') out.push('Would publish its own output (no Save output after it).');
  if (n.type === 'notify') out.push('Would notify.');
  if (n.problem) out.push(n.problem);
  return out;
}

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

/** A draft's bounds, as the contract takes them (DraftSchema). */
const DRAFT = { maxSize: { min: 16, max: 8192 }, samples: { min: 1, max: 4096 } } as const;

/**
 * Dry run (the backend's plan) and dispatch of the saved workflow on a CAD file or an order line,
 * with an output type's parameter values (on a line, its own by default) and an optional draft.
 * An editor run is an observer: the panel says so, and links to the run it started.
 */
export function RunPanel({ doc, dirty, valid, errorCount, plan, onPlan }: RunPanelProps) {
  const client = useClient();
  const headingId = useId();
  const reasonsId = useId();
  const targetId = useId();
  const outputTypeId = useId();
  const maxSizeId = useId();
  const samplesId = useId();
  const observerId = useId();
  const [outputTypes, setOutputTypes] = useState<OutputTypeSummary[]>([]);
  /** '' : the line's own output type (on a CAD file: none, the workflow's defaults). */
  const [outputTypeKey, setOutputTypeKey] = useState<string>('');
  const [maxSize, setMaxSize] = useState('');
  const [samples, setSamples] = useState('');
  const [started, setStarted] = useState<{ runId: string; outputTypeKey: string | null } | null>(null);
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
    // Output types apply to order_line workflows; only a migrated one has values a workflow takes.
    if (family === 'order_line') {
      client
        .call('outputTypes.list', {})
        .then((r) => live && setOutputTypes(r.outputTypes.filter((o) => o.form !== 'legacy_preset')))
        .catch((e: unknown) => live && setLoadError(`The output types could not be read: ${errorText(e)}`));
    }
    return () => {
      live = false;
    };
  }, [client, family]);

  const parsed: Target = target ? { kind: family === 'order_line' ? 'orderLineId' : 'cadFileId', id: target } : null;
  const draftNumber = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
  const draft = { ...(draftNumber(maxSize) !== undefined ? { maxSize: draftNumber(maxSize) } : {}), ...(draftNumber(samples) !== undefined ? { samples: draftNumber(samples) } : {}) };
  const targetInput = {
    ...(parsed ? { [parsed.kind]: parsed.id } : {}),
    ...(family === 'order_line' && outputTypeKey ? { outputTypeKey } : {}),
    ...(Object.keys(draft).length > 0 ? { draft } : {}),
  };

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
      setStarted(null);
      setStarted(await client.call('workflows.run', { workflowId: doc.id, revision: doc.revision, ...targetInput }));
    } catch (e) {
      setError(`Dispatch failed: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const lines = (orders ?? []).flatMap((o) => o.lines.map((l) => ({ order: o, line: l })));
  const chosenLine = parsed?.kind === 'orderLineId' ? lines.find((l) => l.line.id === parsed.id)?.line : undefined;
  const lineOwn = chosenLine ? outputTypes.find((o) => o.key === chosenLine.outputTypeKey) : undefined;
  const ownLabel = chosenLine
    ? lineOwn
      ? `The line's own: ${lineOwn.name} (${lineOwn.key})`
      : `The line's own: ${chosenLine.outputTypeKey} (not migrated: the workflow's defaults apply)`
    : parsed
      ? "None: the workflow's defaults"
      : "The line's own";
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
      {family === 'order_line' && (
        <div className="wf-row">
          <label htmlFor={outputTypeId}>Output type</label>
          <select id={outputTypeId} value={outputTypeKey} onChange={(e) => setOutputTypeKey(e.target.value)}>
            <option value="">{ownLabel}</option>
            {outputTypes.map((o) => (
              <option key={o.key} value={o.key}>
                {o.name} ({o.key})
              </option>
            ))}
          </select>
        </div>
      )}
      <fieldset className="wf-draft">
        <legend>Draft (optional)</legend>
        <div className="wf-row">
          <label htmlFor={maxSizeId}>Max size (px)</label>
          <input id={maxSizeId} type="number" inputMode="numeric" min={DRAFT.maxSize.min} max={DRAFT.maxSize.max} step={1} placeholder="full size" value={maxSize} onChange={(e) => setMaxSize(e.target.value)} />
        </div>
        <div className="wf-row">
          <label htmlFor={samplesId}>Samples</label>
          <input id={samplesId} type="number" inputMode="numeric" min={DRAFT.samples.min} max={DRAFT.samples.max} step={1} placeholder="as set" value={samples} onChange={(e) => setSamples(e.target.value)} />
        </div>
      </fieldset>
      <p id={observerId} className="muted">
        An editor run is an observer: it publishes nothing, notifies no one and leaves the order line as it is.
      </p>
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
      {started && (
        <p role="status">
          Started run {started.runId.slice(0, 8)} {started.outputTypeKey ? `with output type ${started.outputTypeKey}` : "with the workflow's defaults"}: <Link to={`/runs/${encodeURIComponent(started.runId)}`}>Open the run</Link>
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
                <th scope="col">Renders</th>
                <th scope="col">Publishing and notes</th>
              </tr>
            </thead>
            <tbody>
              {planShown.nodes.map((n, i) => (
                <tr key={n.nodeId}>
                  <td className="num">{i + 1}</td>
                  <th scope="row">{n.nodeId}</th>
                  <td>{n.type}</td>
                  <td>{reuseWords(n)}</td>
                  <td>{rendersWords(n.renders)}</td>
                  <td>{notesWords(n).join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="wf-plan-legend" aria-label="What the plan says">
            <dt>Reuse</dt>
            <dd>
              <strong>runs</strong>: no earlier run made this output from the same inputs and settings. <strong>reused</strong>: an earlier run did, so the node is not run
              again and its stored output is used. <strong>unknown yet</strong>: its inputs are made during the run, so whether it can be reused is known only then.{' '}
              <strong>always runs</strong>: its output is never stored for reuse.
            </dd>
            <dt>Renders</dt>
            <dd>Blender jobs the node queues on the render farm (a turntable's frames count one each).</dd>
            <dt>Publishing</dt>
            <dd>A dispatch from the editor is an observer: it records what it would publish and send, and publishes and notifies nothing.</dd>
          </dl>
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
      {family === 'order_line' && <TryInShadow doc={doc} dirty={dirty} />}
    </section>
  );
}
