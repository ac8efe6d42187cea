import { useCallback, useId, useMemo, useState } from 'react';
import { Alert, Button, Group, List, Paper, Progress, Table, Text } from '@mantine/core';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { Comparison } from '../../../shared/comparison/api';
import type { RunDetail } from '../../../shared/runs/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { formatTime } from '../../ui/format-time';
import { NodePanel } from './NodePanel';
import { RunGraph } from './RunGraph';
import { RunStatusTag } from './RunStatusTag';
import { formatDuration, percent, runSubject, shortId } from './run-format';
import { RunTimingFacts } from './RunTimingFacts';
import { shownGraph, type ShownNode } from './shown-nodes';
import { useFallbackRun, useRun, useRunComparison, useRunDocument } from './use-run';

function RunLink({ runId }: { runId: string }) {
  return <Link to={`/runs/${encodeURIComponent(runId)}`}>Run {shortId(runId)}</Link>;
}

function ComparisonSection({ comparison, runId }: { comparison: Comparison; runId: string }) {
  const other = comparison.legacyRunId === runId ? comparison.shadowRunId : comparison.legacyRunId;
  const side = comparison.legacyRunId === runId ? 'legacy (authoritative)' : 'shadow (observer)';
  const tone = comparison.verdict === 'pass' ? 'succeeded' : comparison.verdict === 'warn' ? 'running' : 'failed';
  return (
    <Paper component="section" withBorder p="sm" mb="sm" maw={1100} aria-labelledby="run-comparison-heading">
      <h2 id="run-comparison-heading" style={{ marginTop: 0 }}>
        Shadow comparison
      </h2>
      <Text>
        Verdict <VerdictBadge tone={tone} verdict={comparison.verdict} /> for output type {comparison.outputTypeKey}
        {comparison.workflowId && (
          <>
            {' '}
            and workflow {comparison.workflowId}
            {comparison.workflowRevision !== null && `@${comparison.workflowRevision}`}
          </>
        )}
        , compared {formatTime(comparison.createdAt)}. This run is the {side} side; the other side is <RunLink runId={other} />.
      </Text>
      {comparison.report.reasons.length > 0 ? (
        <List aria-label="Reasons for the verdict" size="sm" my="xs">
          {comparison.report.reasons.map((reason, i) => (
            <List.Item key={i}>{reason}</List.Item>
          ))}
        </List>
      ) : (
        <Text c="dimmed">No differences beyond the thresholds.</Text>
      )}
      <Text mt="xs">
        <Link to="/comparisons">Open the comparisons</Link>
      </Text>
    </Paper>
  );
}

/** The verdict word on the colour of the status it amounts to (the tag's text stays the verdict). */
function VerdictBadge({ tone, verdict }: { tone: string; verdict: string }) {
  return (
<RunStatusTag status={tone} label={verdict} />
  );
}

function RunFacts({ run, fallbackRunId }: { run: RunDetail; fallbackRunId: string | null }) {
  return (
    <dl className="facts">
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
          <dd>{run.cadFileName ?? `${run.cadFileId} (no longer in the library)`}</dd>
        </>
      )}
      {run.orderLineId && (
        <>
          <dt>Order line</dt>
          <dd>
            <Link to={`/orders?line=${encodeURIComponent(run.orderLineId)}`}>{run.orderLineId}</Link> (attempt {run.attempt})
          </dd>
        </>
      )}
      <RunTimingFacts run={run} failedLabel="Failed node" />
      {run.origin && (
        <>
          <dt>Made on</dt>
          <dd>
            Another workstation ({run.origin}); this is its summary from the hub: how it ended and its key image, not its nodes or files.
            {run.keyImage && (
              <div>
                <img src={run.keyImage} alt={`Key image of run ${run.id}`} style={{ maxWidth: 160, marginTop: 4 }} />
              </div>
            )}
          </dd>
        </>
      )}
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
    <Table.ScrollContainer minWidth={480} type="native">
      <Table aria-label="Nodes of the run" highlightOnHover verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Node</Table.Th>
            <Table.Th scope="col">Type</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Progress</Table.Th>
            <Table.Th scope="col" ta="right">
              Duration
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {nodes.map((node) => (
            <Table.Tr key={node.id} bg={node.id === selectedId ? 'var(--selected)' : undefined}>
              <Table.Th scope="row" fw="normal">
                <button type="button" className="link-button" aria-pressed={node.id === selectedId} onClick={() => onSelect(node.id)}>
                  {node.label}
                </button>
              </Table.Th>
              <Table.Td>{node.type}</Table.Td>
              <Table.Td>
                <RunStatusTag status={node.status} />
                {node.error && node.status !== 'skipped' && (
                  <Text c="var(--fail)" size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {node.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {node.progress ? (
                  <Group gap={6} wrap="nowrap">
                    <Progress aria-label={`Progress of ${node.id}`} value={percent(node.progress)} w={70} color="var(--warn)" />
                    <Text span size="sm" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                      {percent(node.progress)} %
                    </Text>
                  </Group>
                ) : (
                  <Text span c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{formatDuration(node.nodeRun?.durationMs)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
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
      <Text mb={4}>
        <Link to="/runs">All runs</Link>
      </Text>
      <h1 tabIndex={-1}>
        {title} {run && <RunStatusTag status={run.status} large />}
      </h1>
      {/* Announces the run's moves (started, cancelling, ended) without moving focus. */}
      <p role="status" className="visually-hidden">
        {statusLine}
      </p>
      {view.error && (
        <Alert role="alert" color="red" mb="sm">
          {view.error}
        </Alert>
      )}
      {!run && !view.error && <Text c="dimmed">Reading the run…</Text>}
      {run && (
        <>
          <Group gap={6} my={6} role="toolbar" aria-label="Run view">
            <Button variant={detailsOpen ? 'light' : 'default'} aria-expanded={detailsOpen} aria-controls={detailsId} onClick={() => setDetailsOpen((o) => !o)}>
              Run details
            </Button>
            <Button variant={minimap ? 'light' : 'default'} aria-pressed={minimap} onClick={() => setMinimap((m) => !m)}>
              Minimap
            </Button>
            {running && (
              <Button color="red" onClick={() => void onCancel()} disabled={cancel.busy || cancel.requested}>
                {cancel.requested ? 'Cancelling…' : 'Cancel run'}
              </Button>
            )}
          </Group>
          {detailsOpen && (
            <section id={detailsId} aria-label="Run details">
              <RunFacts run={run} fallbackRunId={fallbackRunId} />
            </section>
          )}
          {cancel.error && (
            <Alert role="alert" color="red" mb="sm">
              {cancel.error}
            </Alert>
          )}
          {comparisonError && <Text c="var(--fail)">{comparisonError}</Text>}
          {comparison && <ComparisonSection comparison={comparison} runId={runId} />}
          <h2>Graph</h2>
          {documentError && (
            <Alert role="alert" color="yellow" mb="sm">
              {documentError} The nodes are shown in the order they ran.
            </Alert>
          )}
          {!run.workflowId && <Text c="dimmed">A legacy pipeline run: its steps are shown in the order they ran.</Text>}
          {graph ? (
            <>
              {graph.nodes.length > 0 ? <RunGraph nodes={graph.nodes} edges={graph.edges} selectedId={selectedId} onSelect={selectNode} minimap={minimap} /> : <Text c="dimmed">No node has started yet.</Text>}
              {/* Table and panel side by side where both fit, else the panel below: never on top of each other. */}
              <div className="run-columns">
                <div className="run-columns-grid">
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
                  <Text c="dimmed" className="run-node-hint">
                    Choose a node, on the graph or in the table, for its settings, outputs and log.
                  </Text>
                )}
                </div>
              </div>
            </>
          ) : (
            <Text c="dimmed">Reading the workflow…</Text>
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
