import { useEffect, useRef } from 'react';
import { Alert, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import type { Notification } from '../../../shared/notifications/api';
import type { OrderLine } from '../../../shared/orders/api';
import type { RenderLog, WorkflowRun } from '../../../shared/runs/api';
import { draftText, formatDuration } from '../runs/run-format';
import { RunTimingFacts } from '../runs/RunTimingFacts';
import { formatTime } from '../../ui/format-time';
import { StatusTag } from './LineStatusTag';
import { MediaPreview } from './MediaPreview';
import { useLineDetail } from './use-line-detail';

function overridesText(line: OrderLine): string {
  const o = line.overrides;
  const parts: string[] = [];
  if (o.background?.mode === 'transparent') parts.push('background transparent');
  else if (o.background) parts.push(`background ${o.background.color ?? 'color'}`);
  if (o.materialVariant) parts.push(`material ${o.materialVariant}`);
  if (o.cameraAngle) parts.push(`camera ${o.cameraAngle}`);
  return parts.length ? parts.join(', ') : 'None';
}

function RunView({ run }: { run: WorkflowRun }) {
  return (
    <section aria-label={`Run, attempt ${run.attempt}`} style={{ marginBottom: 10 }}>
      <Title order={6} mb={4}>
        Attempt {run.attempt}: {run.mode} mode, {run.role} <StatusTag status={run.status} />
      </Title>
      <dl className="facts">
        {run.pipelineKey && (
          <>
            <dt>Pipeline</dt>
            <dd>{run.pipelineKey}</dd>
          </>
        )}
        <RunTimingFacts run={run} failedLabel="Failed step" />
      </dl>
      <Table.ScrollContainer minWidth={640}>
      <Table aria-label={`Steps of attempt ${run.attempt}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" ta="right">
              #
            </Table.Th>
            <Table.Th scope="col">Step</Table.Th>
            <Table.Th scope="col">Type</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col" ta="right">
              Duration
            </Table.Th>
            <Table.Th scope="col">Error / log</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {run.nodes.map((node) => (
            <Table.Tr key={node.nodeId}>
              <Table.Td ta="right">{node.stepIndex + 1}</Table.Td>
              <Table.Th scope="row" fw={400}>
                {node.nodeId}
              </Table.Th>
              <Table.Td>{node.nodeType}</Table.Td>
              <Table.Td>
                <StatusTag status={node.status} />
                {node.onError === 'continue' && <Text size="sm" c="dimmed">on error: continue</Text>}
              </Table.Td>
              <Table.Td ta="right">{formatDuration(node.durationMs)}</Table.Td>
              <Table.Td>
                {node.error && <Text size="sm" c="var(--fail)">{node.error}</Text>}
                {node.log ? (
                  <details>
                    <summary>
                      Log<span className="visually-hidden"> of {node.nodeId}</span>
                    </summary>
                    <pre className="log">{node.log}</pre>
                  </details>
                ) : (
                  !node.error && <Text span size="sm" c="dimmed">No output</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
    </section>
  );
}

function NotificationTable({ notifications }: { notifications: Notification[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
    <Table aria-label="Notifications">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Channel</Table.Th>
          <Table.Th scope="col">Event</Table.Th>
          <Table.Th scope="col">Target</Table.Th>
          <Table.Th scope="col">Delivery</Table.Th>
          <Table.Th scope="col" ta="right">
            Attempts
          </Table.Th>
          <Table.Th scope="col">Details</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {notifications.map((n) => (
          <Table.Tr key={n.id}>
            <Table.Th scope="row" fw={400}>
              {n.channel}
            </Table.Th>
            <Table.Td>{n.event}</Table.Td>
            <Table.Td>{n.target ?? '—'}</Table.Td>
            <Table.Td>
              <StatusTag status={n.state} />
            </Table.Td>
            <Table.Td ta="right">{n.attempts}</Table.Td>
            <Table.Td>
              {n.deliveredAt && <div>Delivered {formatTime(n.deliveredAt)}</div>}
              {n.state === 'pending' && n.nextAttemptAt && <div>Next attempt {formatTime(n.nextAttemptAt)}</div>}
              {n.lastError && <Text size="sm" c="var(--fail)">{n.lastError}</Text>}
              <Text size="sm" c="dimmed">Key {n.idempotencyKey}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
    </Table.ScrollContainer>
  );
}

function RenderLogView({ log, index }: { log: RenderLog; index: number }) {
  const frames = log.frameStart !== null ? (log.frameEnd !== null && log.frameEnd !== log.frameStart ? `${log.frameStart}–${log.frameEnd}` : String(log.frameStart)) : '—';
  return (
    <section aria-label={`Render log ${index + 1}`} style={{ padding: '4px 0', borderBottom: '1px solid var(--line)' }}>
      <dl className="facts">
        <dt>Node</dt>
        <dd>{log.nodeId}</dd>
        <dt>Status</dt>
        <dd>
          <StatusTag status={log.status} />
        </dd>
        <dt>Engine</dt>
        <dd>{log.engine ?? '—'}</dd>
        <dt>Samples</dt>
        <dd>{log.samples ?? '—'}</dd>
        <dt>Resolution</dt>
        <dd>{log.width !== null && log.height !== null ? `${log.width} × ${log.height}` : '—'}</dd>
        <dt>Frame range</dt>
        <dd>{frames}</dd>
        <dt>Blender version</dt>
        <dd>{log.blenderVersion ?? '—'}</dd>
        <dt>Output path</dt>
        <dd>{log.outputPath ? <code>{log.outputPath}</code> : '—'}</dd>
        <dt>Output SHA-256</dt>
        <dd>{log.outputSha256 ? <code>{log.outputSha256}</code> : '—'}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(log.durationMs)}</dd>
        <dt>Exit code</dt>
        <dd>{log.exitCode ?? '—'}</dd>
        <dt>Draft</dt>
        <dd>{draftText(log.draft)}</dd>
        {log.error && (
          <>
            <dt>Error</dt>
            <Text component="dd" c="var(--fail)">{log.error}</Text>
          </>
        )}
      </dl>
    </section>
  );
}

/** Everything one order line produced: runs node by node, media, notifications, render logs. */
export function LineDetail({ line, label, typeName, onClose }: { line: OrderLine; label: string; typeName: string; onClose: () => void }) {
  const { detail, error, loading } = useLineDetail(line.id);
  const headingId = `line-detail-${line.id}`;
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [line.id]);

  const shown = detail?.line ?? line;
  return (
    <Paper component="section" withBorder p="sm" mt="sm" bg="var(--panel-soft)" aria-labelledby={headingId}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Title order={4} id={headingId} ref={headingRef} tabIndex={-1} style={{ outline: 'none', overflowWrap: 'anywhere' }}>
          Details of {label}
        </Title>
        <Button variant="default" onClick={onClose} aria-label={`Close details of ${label}`}>
          Close
        </Button>
      </Group>
      {error && (
        <Alert role="alert" color="red" variant="light" mb="sm">
          <Text c="var(--fail)">{error}</Text>
        </Alert>
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusTag status={shown.status} />
          {loading && detail && <Text span c="dimmed"> updating…</Text>}
        </dd>
        {shown.error && (
          <>
            <dt>Error</dt>
            <Text component="dd" c="var(--fail)">{shown.error}</Text>
          </>
        )}
        {shown.cancelledAt && (
          <>
            <dt>Cancelled</dt>
            <dd>{formatTime(shown.cancelledAt)}, before it was dispatched: it is never dispatched</dd>
          </>
        )}
        <dt>CAD file</dt>
        <dd>{shown.cadName}</dd>
        <dt>Output type</dt>
        <dd>
          {typeName}
          {typeName !== shown.outputTypeKey && <Text span c="dimmed"> ({shown.outputTypeKey})</Text>}
        </dd>
        <dt>Mode used</dt>
        <dd>{shown.modeUsed ?? '—'}</dd>
        <dt>Attempts</dt>
        <dd>{shown.attempts}</dd>
        <dt>Overrides</dt>
        <dd>{overridesText(shown)}</dd>
        <dt>Queued</dt>
        <dd>{formatTime(shown.queuedAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(shown.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(shown.finishedAt)}</dd>
      </dl>
      {!detail && !error && (
        <Text role="status" c="dimmed">
          Reading the line…
        </Text>
      )}
      {detail && (
        <>
          <Title order={5} mt="md" mb={4}>Media</Title>
          {detail.assets.length === 0 ? (
            <Text c="dimmed">Nothing published yet.</Text>
          ) : (
            <div className="assets">
              {detail.assets.map((asset) => (
                <MediaPreview key={asset.id} asset={asset} />
              ))}
            </div>
          )}
          <Title order={5} mt="md" mb={4}>Notifications</Title>
          {detail.notifications.length === 0 ? <Text c="dimmed">No notification.</Text> : <NotificationTable notifications={detail.notifications} />}
          <Title order={5} mt="md" mb={4}>Render log</Title>
          {detail.renderLogs.length === 0 ? (
            <Text c="dimmed">No render yet.</Text>
          ) : (
            detail.renderLogs.map((log, index) => <RenderLogView key={log.id} log={log} index={index} />)
          )}
          <Title order={5} mt="md" mb={4}>Runs</Title>
          {detail.runs.length === 0 ? <Text c="dimmed">{shown.cancelledAt ? 'Never dispatched.' : 'Not dispatched yet.'}</Text> : detail.runs.map((run) => <RunView key={run.id} run={run} />)}
        </>
      )}
    </Paper>
  );
}
