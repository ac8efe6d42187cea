import { useEffect, useRef } from 'react';
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
    <section className="run" aria-label={`Run, attempt ${run.attempt}`}>
      <h6>
        Attempt {run.attempt}: {run.mode} mode, {run.role} <StatusTag status={run.status} />
      </h6>
      <dl className="facts">
        {run.pipelineKey && (
          <>
            <dt>Pipeline</dt>
            <dd>{run.pipelineKey}</dd>
          </>
        )}
        <RunTimingFacts run={run} failedLabel="Failed step" />
      </dl>
      <table className="grid" aria-label={`Steps of attempt ${run.attempt}`}>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Step</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Error / log</th>
          </tr>
        </thead>
        <tbody>
          {run.nodes.map((node) => (
            <tr key={node.nodeId}>
              <td className="num">{node.stepIndex + 1}</td>
              <th scope="row">{node.nodeId}</th>
              <td>{node.nodeType}</td>
              <td>
                <StatusTag status={node.status} />
                {node.onError === 'continue' && <div className="muted">on error: continue</div>}
              </td>
              <td className="num">{formatDuration(node.durationMs)}</td>
              <td className="detail">
                {node.error && <div className="field-error">{node.error}</div>}
                {node.log ? (
                  <details>
                    <summary>
                      Log<span className="visually-hidden"> of {node.nodeId}</span>
                    </summary>
                    <pre className="log">{node.log}</pre>
                  </details>
                ) : (
                  !node.error && <span className="muted">No output</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NotificationTable({ notifications }: { notifications: Notification[] }) {
  return (
    <table className="grid" aria-label="Notifications">
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col">Event</th>
          <th scope="col">Target</th>
          <th scope="col">Delivery</th>
          <th scope="col" className="num">
            Attempts
          </th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {notifications.map((n) => (
          <tr key={n.id}>
            <th scope="row">{n.channel}</th>
            <td>{n.event}</td>
            <td className="detail">{n.target ?? '—'}</td>
            <td>
              <StatusTag status={n.state} />
            </td>
            <td className="num">{n.attempts}</td>
            <td className="detail">
              {n.deliveredAt && <div>Delivered {formatTime(n.deliveredAt)}</div>}
              {n.state === 'pending' && n.nextAttemptAt && <div>Next attempt {formatTime(n.nextAttemptAt)}</div>}
              {n.lastError && <div className="field-error">{n.lastError}</div>}
              <div className="muted">Key {n.idempotencyKey}</div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RenderLogView({ log, index }: { log: RenderLog; index: number }) {
  const frames = log.frameStart !== null ? (log.frameEnd !== null && log.frameEnd !== log.frameStart ? `${log.frameStart}–${log.frameEnd}` : String(log.frameStart)) : '—';
  return (
    <section className="render-log" aria-label={`Render log ${index + 1}`}>
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
            <dd className="field-error">{log.error}</dd>
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
    <section className="details-panel" aria-labelledby={headingId}>
      <div className="details-head">
        <h4 id={headingId} ref={headingRef} tabIndex={-1}>
          Details of {label}
        </h4>
        <button type="button" onClick={onClose} aria-label={`Close details of ${label}`}>
          Close
        </button>
      </div>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusTag status={shown.status} />
          {loading && detail && <span className="muted"> updating…</span>}
        </dd>
        {shown.error && (
          <>
            <dt>Error</dt>
            <dd className="field-error">{shown.error}</dd>
          </>
        )}
        <dt>CAD file</dt>
        <dd>{shown.cadName}</dd>
        <dt>Output type</dt>
        <dd>
          {typeName}
          {typeName !== shown.outputTypeKey && <span className="muted"> ({shown.outputTypeKey})</span>}
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
        <p role="status" className="muted">
          Reading the line…
        </p>
      )}
      {detail && (
        <>
          <h5>Media</h5>
          {detail.assets.length === 0 ? (
            <p className="muted">Nothing published yet.</p>
          ) : (
            <div className="assets">
              {detail.assets.map((asset) => (
                <MediaPreview key={asset.id} asset={asset} />
              ))}
            </div>
          )}
          <h5>Notifications</h5>
          {detail.notifications.length === 0 ? <p className="muted">No notification.</p> : <NotificationTable notifications={detail.notifications} />}
          <h5>Render log</h5>
          {detail.renderLogs.length === 0 ? (
            <p className="muted">No render yet.</p>
          ) : (
            detail.renderLogs.map((log, index) => <RenderLogView key={log.id} log={log} index={index} />)
          )}
          <h5>Runs</h5>
          {detail.runs.length === 0 ? <p className="muted">Not dispatched yet.</p> : detail.runs.map((run) => <RunView key={run.id} run={run} />)}
        </>
      )}
    </section>
  );
}
