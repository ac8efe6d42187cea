import { useCallback, useId, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { Comparison } from '../../../shared/comparison/api';
import type { WorkflowRun } from '../../../shared/runs/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { formatTime } from '../../ui/format-time';
import { NodePanel } from './NodePanel';
import { RunGraph } from './RunGraph';
import { RunStatusTag } from './RunStatusTag';
import { formatDuration, runSubject, shortId } from './run-format';
import { RunTimingFacts } from './RunTimingFacts';
import { shownGraph, type ShownNode } from './shown-nodes';
import { useFallbackRun, useRun, useRunComparison, useRunDocument } from './use-run';

function RunLink({ runId }: { runId: string }) {
  return <Link to={`/runs/${encodeURIComponent(runId)}`}>Run {shortId(runId)}</Link>;
}

function ComparisonSection({ comparison, runId }: { comparison: Comparison; runId: string }) {
  const other = comparison.legacyRunId === runId ? comparison.shadowRunId : comparison.legacyRunId;
  const side = comparison.legacyRunId === runId ? 'legacy (authoritative)' : 'shadow (observer)';
  const tone = comparison.verdict === 'pass' ? 'tag-ok' : comparison.verdict === 'warn' ? 'tag-warn' : 'tag-fail';
  return (
    <section className="run-comparison" aria-labelledby="run-comparison-heading">
      <h2 id="run-comparison-heading">Shadow comparison</h2>
      <p>
        Verdict <span className={`tag ${tone}`}>{comparison.verdict}</span> for output type {comparison.outputTypeKey}
        {comparison.workflowId && (
          <>
            {' '}
            and workflow {comparison.workflowId}
            {comparison.workflowRevision !== null && `@${comparison.workflowRevision}`}
          </>
        )}
        , compared {formatTime(comparison.createdAt)}. This run is the {side} side; the other side is <RunLink runId={other} />.
      </p>
      {comparison.report.reasons.length > 0 ? (
        <ul aria-label="Reasons for the verdict">
          {comparison.report.reasons.map((reason, i) => (
            <li key={i}>{reason}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No differences beyond the thresholds.</p>
      )}
      <p>
        <Link to="/comparisons">Open the comparisons</Link>
      </p>
    </section>
  );
}

function RunFacts({ run, fallbackRunId }: { run: WorkflowRun; fallbackRunId: string | null }) {
  return (
    <dl className="facts run-facts">
      <dt>Status</dt>
      <dd>
        <RunStatusTag status={run.status} />
      </dd>
      <dt>Mode</dt>
      <dd>{run.mode}</dd>
      <dt>Role</dt>
      <dd>{run.role}</dd>
      <dt>{run.workflowId ? 'Workflow' : 'Pipeline'}</dt>
      <dd>{runSubject(run)}</dd>
      <dt>Family</dt>
      <dd>{run.family}</dd>
      {run.cadFileId && (
        <>
          <dt>CAD file</dt>
          <dd>{run.cadFileId}</dd>
        </>
      )}
      {run.orderLineId && (
        <>
          <dt>Order line</dt>
          <dd>
            {run.orderLineId} (attempt {run.attempt})
          </dd>
        </>
      )}
      <RunTimingFacts run={run} failedLabel="Failed node" />
      {run.fallbackOf && (
        <>
          <dt>Fallback of</dt>
          <dd>
            This legacy run stands in for the graph run <RunLink runId={run.fallbackOf} /> that fell back.
          </dd>
        </>
      )}
      {run.fallbackReason && (
        <>
          <dt>Fell back</dt>
          <dd>
            {run.fallbackReason}
            {fallbackRunId && (
              <>
                {' '}
                The legacy run that took over: <RunLink runId={fallbackRunId} />.
              </>
            )}
          </dd>
        </>
      )}
    </dl>
  );
}

function NodeTable({ nodes, selectedId, onSelect }: { nodes: ShownNode[]; selectedId: string | null; onSelect: (id: string) => void }) {
  return (
    <table className="grid run-node-table" aria-label="Nodes of the run">
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">Type</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col" className="num">
            Duration
          </th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((node) => (
          <tr key={node.id} className={node.id === selectedId ? 'row-selected' : undefined}>
            <th scope="row">
              <button type="button" className="link-button" aria-pressed={node.id === selectedId} onClick={() => onSelect(node.id)}>
                {node.label}
              </button>
            </th>
            <td>{node.type}</td>
            <td>
              <RunStatusTag status={node.status} />
              {node.error && node.status !== 'skipped' && <div className="field-error">{node.error}</div>}
            </td>
            <td>
              {node.progress ? (
                <span className="run-progress-cell">
                  <progress aria-label={`Progress of ${node.id}`} max={Math.max(1, node.progress.total)} value={Math.min(node.progress.done, node.progress.total)} />{' '}
                  {node.progress.done}/{node.progress.total}
                </span>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className="num">{formatDuration(node.nodeRun?.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunView({ runId }: { runId: string }) {
  const client = useClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('node');
  const [chosenHere, setChosenHere] = useState(false);
  const view = useRun(runId);
  const { run } = view;
  const { document, error: documentError } = useRunDocument(run?.workflowId, run?.workflowRevision);
  const { comparison, error: comparisonError } = useRunComparison(runId, run?.status);
  const fallbackRunId = useFallbackRun(run);
  const [cancel, setCancel] = useState<{ busy: boolean; requested: boolean; error: string | null }>({ busy: false, requested: false, error: null });
  const [rerun, setRerun] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  // The graph gets the room: the run's facts fold away, the minimap hides.
  const [detailsOpen, setDetailsOpen] = useState(true);
  const [minimap, setMinimap] = useState(true);
  const detailsId = useId();

  const waitingForDocument = Boolean(run?.workflowId) && !document && !documentError;
  const graph = useMemo(() => (run && !waitingForDocument ? shownGraph(run, document, view.live, view.readSeq, view.progress) : null), [run, document, waitingForDocument, view.live, view.readSeq, view.progress]);
  const selected = graph?.nodes.find((n) => n.id === selectedId) ?? null;

  const select = useCallback(
    (nodeId: string | null) => {
      setChosenHere(true);
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (nodeId) next.set('node', nodeId);
          else next.delete('node');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  const selectNode = useCallback((nodeId: string) => select(nodeId), [select]);

  const running = run?.status === 'running' && !view.ended;
  const onCancel = async () => {
    setCancel({ busy: true, requested: false, error: null });
    try {
      const { cancelled } = await client.call('runs.cancel', { runId });
      setCancel({ busy: false, requested: cancelled, error: cancelled ? null : 'Nothing to cancel: the run is not running in this backend.' });
      view.refresh();
    } catch (e) {
      setCancel({ busy: false, requested: false, error: `Cancel failed: ${errorText(e)}` });
    }
  };
  const onRerun = async (fromNode: string) => {
    setRerun({ busy: true, error: null });
    try {
      const { runId: next } = await client.call('runs.rerun', { runId, fromNode });
      setRerun({ busy: false, error: null });
      void navigate(`/runs/${encodeURIComponent(next)}`);
    } catch (e) {
      setRerun({ busy: false, error: `Re-run failed: ${errorText(e)}` });
    }
  };

  const title = `Run ${shortId(runId)}`;
  const statusLine = run ? (running ? (cancel.requested ? 'Cancelling…' : 'Running') : `Run ${run.status}`) : '';
  return (
    <>
      <p className="run-breadcrumb">
        <Link to="/runs">All runs</Link>
      </p>
      <h1 tabIndex={-1}>
        {title} {run && <RunStatusTag status={run.status} large />}
      </h1>
      {/* Announces the run's moves (started, cancelling, ended) without moving focus. */}
      <p role="status" className="visually-hidden">
        {statusLine}
      </p>
      {view.error && (
        <p role="alert" className="banner banner-error">
          {view.error}
        </p>
      )}
      {!run && !view.error && <p className="muted">Reading the run…</p>}
      {run && (
        <>
          <div className="run-view-toggles" role="toolbar" aria-label="Run view">
            <button type="button" className="wf-toggle" aria-expanded={detailsOpen} aria-controls={detailsId} onClick={() => setDetailsOpen((o) => !o)}>
              Run details
            </button>
            <button type="button" className="wf-toggle" aria-pressed={minimap} onClick={() => setMinimap((m) => !m)}>
              Minimap
            </button>
          </div>
          {detailsOpen && (
            <div id={detailsId}>
              <RunFacts run={run} fallbackRunId={fallbackRunId} />
            </div>
          )}
          {running && (
            <div className="toolbar">
              <button type="button" onClick={() => void onCancel()} disabled={cancel.busy || cancel.requested}>
                {cancel.requested ? 'Cancelling…' : 'Cancel run'}
              </button>
            </div>
          )}
          {cancel.error && (
            <p role="alert" className="banner banner-error">
              {cancel.error}
            </p>
          )}
          {comparisonError && <p className="field-error">{comparisonError}</p>}
          {comparison && <ComparisonSection comparison={comparison} runId={runId} />}
          <h2>Graph</h2>
          {documentError && (
            <p role="alert" className="banner banner-warn">
              {documentError} The nodes are shown in the order they ran.
            </p>
          )}
          {!run.workflowId && <p className="muted">A legacy pipeline run: its steps are shown in the order they ran.</p>}
          {graph ? (
            <>
              {graph.nodes.length > 0 ? <RunGraph nodes={graph.nodes} edges={graph.edges} selectedId={selectedId} onSelect={selectNode} minimap={minimap} /> : <p className="muted">No node has started yet.</p>}
              <div className="run-columns">
                <div className="run-nodes">
                  <NodeTable nodes={graph.nodes} selectedId={selectedId} onSelect={selectNode} />
                </div>
                {selected ? (
                  <NodePanel
                    key={selected.id}
                    runId={runId}
                    node={selected}
                    streamed={(view.lines[selected.id] ?? []).map((l) => l.line)}
                    runRunning={running}
                    rerunnable={run.workflowId ? null : 'Only a workflow run can be re-run from a node; dispatch its order line again instead.'}
                    rerunBusy={rerun.busy}
                    rerunError={rerun.error}
                    onRerun={(id) => void onRerun(id)}
                    onClose={() => select(null)}
                    focusOnOpen={chosenHere}
                  />
                ) : (
                  <p className="muted run-node-hint">Choose a node, on the graph or in the table, for its settings, outputs and log.</p>
                )}
              </div>
            </>
          ) : (
            <p className="muted">Reading the workflow…</p>
          )}
        </>
      )}
    </>
  );
}

/** One run, live: its graph with node statuses, per-node panel, cancel, re-run from a node, fallback and comparison links. */
export function RunPage() {
  const { runId = '' } = useParams();
  return <RunView key={runId} runId={runId} />;
}
