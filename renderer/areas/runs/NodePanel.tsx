import { useEffect, useId, useLayoutEffect, useRef } from 'react';
import { formatTime } from '../../ui/format-time';
import { NodeOutputs } from './NodeOutputs';
import { RunStatusTag } from './RunStatusTag';
import { formatDuration } from './run-format';
import type { ShownNode } from './shown-nodes';

/** The node's log: what was stored when the run was read, then the lines streamed since; follows the end while it is in view. */
function NodeLog({ nodeId, stored, streamed }: { nodeId: string; stored: string; streamed: string[] }) {
  const ref = useRef<HTMLPreElement>(null);
  const atEnd = useRef(true);
  const text = stored + streamed.map((line) => `${line}\n`).join('');
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={ref}
      className="log run-log"
      role="log"
      aria-label={`Log of ${nodeId}`}
      // Focusable so the keyboard can scroll it.
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {text || <span className="muted">Nothing logged yet.</span>}
    </pre>
  );
}

export interface NodePanelProps {
  runId: string;
  node: ShownNode;
  streamed: string[];
  runRunning: boolean;
  rerunnable: string | null;
  rerunBusy: boolean;
  rerunError: string | null;
  onRerun: (nodeId: string) => void;
  onClose: () => void;
  /** Move focus to the heading when the panel opens on a node by the user's choice. */
  focusOnOpen: boolean;
}

/** One node of the run: status, timings, render progress, settings, outputs, streaming log, re-run from it. */
export function NodePanel({ runId, node, streamed, runRunning, rerunnable, rerunBusy, rerunError, onRerun, onClose, focusOnOpen }: NodePanelProps) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nodeRun = node.nodeRun;
  const { progress } = node;
  useEffect(() => {
    if (focusOnOpen) headingRef.current?.focus();
  }, [node.id, focusOnOpen]);
  const rerunDisabledReason = runRunning ? 'The run is still running; re-run once it has ended.' : rerunnable;
  return (
    <section className="details-panel run-node-panel" aria-labelledby={headingId}>
      <div className="details-head">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          Node {node.label}
        </h2>
        <button type="button" onClick={onClose}>
          Close<span className="visually-hidden"> node {node.label}</span>
        </button>
      </div>
      <dl className="facts">
        {node.label !== node.id && (
          <>
            <dt>Id</dt>
            <dd>{node.id}</dd>
          </>
        )}
        <dt>Type</dt>
        <dd>{node.type}</dd>
        <dt>Status</dt>
        <dd>
          <RunStatusTag status={node.status} />
        </dd>
        {node.error && (
          <>
            <dt>Error</dt>
            <dd className="field-error">{node.error}</dd>
          </>
        )}
        <dt>Started</dt>
        <dd>{formatTime(nodeRun?.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(nodeRun?.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(nodeRun?.durationMs)}</dd>
        {nodeRun && (
          <>
            <dt>On error</dt>
            <dd>{nodeRun.onError === 'continue' ? 'continue (the run goes on)' : 'fail the run'}</dd>
          </>
        )}
      </dl>
      {progress && (
        <div className="run-progress">
          <label>
            Render progress of {node.id}{' '}
            <progress max={Math.max(1, progress.total)} value={Math.min(progress.done, progress.total)} />
          </label>{' '}
          <span>
            {progress.done} of {progress.total}
          </span>
        </div>
      )}
      <div className="toolbar">
        <button type="button" onClick={() => onRerun(node.id)} disabled={Boolean(rerunDisabledReason) || rerunBusy} aria-describedby={`${headingId}-rerun`}>
          {rerunBusy ? 'Starting…' : 'Re-run from this node'}
          <span className="visually-hidden"> ({node.id})</span>
        </button>
        <span id={`${headingId}-rerun`} className="muted">
          {rerunDisabledReason ?? 'This node and everything after it run again, as an observer that publishes nothing; the nodes before it reuse their stored outputs.'}
        </span>
      </div>
      {rerunError && (
        <p role="alert" className="banner banner-error">
          {rerunError}
        </p>
      )}
      <h3>Settings</h3>
      {nodeRun?.settings && Object.keys(nodeRun.settings).length > 0 ? (
        <pre className="log run-json">
          {JSON.stringify(nodeRun.settings, null, 2)}
        </pre>
      ) : (
        <p className="muted">{nodeRun ? 'No settings.' : 'Resolved when the node starts.'}</p>
      )}
      <h3>Outputs</h3>
      <NodeOutputs runId={runId} nodeId={node.id} outputs={nodeRun?.outputs ?? null} />
      <h3>Log</h3>
      <NodeLog nodeId={node.id} stored={nodeRun?.log ?? ''} streamed={streamed} />
    </section>
  );
}
