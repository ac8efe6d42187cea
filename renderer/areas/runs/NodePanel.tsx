import { useEffect, useId, useLayoutEffect, useRef } from 'react';
import { Alert, Button, Group, Paper, Progress, Text } from '@mantine/core';
import { formatTime } from '../../ui/format-time';
import { NodeOutputs } from './NodeOutputs';
import { RunStatusTag } from './RunStatusTag';
import { formatDuration, percent } from './run-format';
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
      {text || 'Nothing logged yet.'}
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
    <Paper component="section" withBorder p="sm" className="run-node-panel" aria-labelledby={headingId}>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} style={{ margin: 0, overflowWrap: 'anywhere' }}>
          Node {node.label}
        </h2>
        <Button variant="default" onClick={onClose}>
          Close<span className="visually-hidden"> node {node.label}</span>
        </Button>
      </Group>
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
            <dd style={{ color: 'var(--fail)', overflowWrap: 'anywhere' }}>{node.error}</dd>
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
        <Group gap="sm" my={6} wrap="nowrap">
          <Text span size="sm">
            Render progress
          </Text>
          <Progress aria-label={`Render progress of ${node.id}`} value={percent(progress)} w={160} color="var(--warn)" />
          <Text span size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {percent(progress)} %
          </Text>
        </Group>
      )}
      <Group gap="sm" my="xs" wrap="wrap" align="center">
        <Button onClick={() => onRerun(node.id)} disabled={Boolean(rerunDisabledReason) || rerunBusy} aria-describedby={`${headingId}-rerun`}>
          {rerunBusy ? 'Starting…' : 'Re-run from this node'}
          <span className="visually-hidden"> ({node.id})</span>
        </Button>
        <Text span id={`${headingId}-rerun`} c="dimmed" size="sm" style={{ flex: '1 1 240px' }}>
          {rerunDisabledReason ?? 'This node and everything after it run again, as an observer that publishes nothing; the nodes before it reuse their stored outputs.'}
        </Text>
      </Group>
      {rerunError && (
        <Alert role="alert" color="red" my="xs">
          {rerunError}
        </Alert>
      )}
      <h3>Settings</h3>
      {nodeRun?.settings && Object.keys(nodeRun.settings).length > 0 ? (
        <pre className="log run-json">
          {JSON.stringify(nodeRun.settings, null, 2)}
        </pre>
      ) : (
        <Text c="dimmed">{nodeRun ? 'No settings.' : 'Resolved when the node starts.'}</Text>
      )}
      <h3>Outputs</h3>
      <NodeOutputs runId={runId} nodeId={node.id} outputs={nodeRun?.outputs ?? null} />
      <h3>Log</h3>
      <NodeLog nodeId={node.id} stored={nodeRun?.log ?? ''} streamed={streamed} />
    </Paper>
  );
}
