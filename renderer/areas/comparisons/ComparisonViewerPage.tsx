import { useEffect, useId, useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { ArtifactComparison, Comparison, ReviewDecision } from '../../../shared/comparison/api';
import { HeatmapImage } from './HeatmapImage';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { formatValue } from '../output-types/format';
import { formatTime } from '../../ui/format-time';
import { reviewStore } from './review-store';
import { useSides, type Picture } from './use-sides';
import { VerdictTag } from './VerdictTag';

type View = 'side' | 'swipe' | 'blend' | 'toggle' | 'heatmap';
const VIEWS: { id: View; label: string }[] = [
  { id: 'side', label: 'Side by side' },
  { id: 'swipe', label: 'Swipe' },
  { id: 'blend', label: 'Blend' },
  { id: 'toggle', label: 'Toggle' },
  { id: 'heatmap', label: 'Heatmap' },
];

interface Transform {
  scale: number;
  x: number;
  y: number;
}
const IDENTITY: Transform = { scale: 1, x: 0, y: 0 };

function PictureView({ picture, side, style }: { picture: Picture | null; side: string; style?: CSSProperties }) {
  if (!picture)
    return (
      <p className="muted" role="status">
        <span className="spinner" aria-hidden="true" /> Loading the {side} picture…
      </p>
    );
  if (picture.kind === 'none') return <p className="muted cmp-none">{`${side}: ${picture.reason}`}</p>;
  if (picture.kind === 'video') return <video src={picture.src} controls aria-label={`${side} ${picture.name}`} className="cmp-img" style={style} />;
  return <img src={picture.src} alt={`${side} ${picture.name}`} className="cmp-img" style={style} draggable={false} />;
}

/** Zoom and pan shared by every view: one CSS transform applied to each picture. Arrow keys pan, + and - zoom, 0 resets. */
function Viewport({ label, transform, setTransform, children }: { label: string; transform: Transform; setTransform: (t: Transform) => void; children: ReactNode }) {
  const drag = useRef<{ x: number; y: number; t: Transform } | null>(null);
  const onKey = (e: KeyboardEvent) => {
    const step = 20;
    const t = transform;
    const map: Record<string, Transform> = {
      ArrowLeft: { ...t, x: t.x + step },
      ArrowRight: { ...t, x: t.x - step },
      ArrowUp: { ...t, y: t.y + step },
      ArrowDown: { ...t, y: t.y - step },
      '+': { ...t, scale: Math.min(t.scale * 1.25, 16) },
      '=': { ...t, scale: Math.min(t.scale * 1.25, 16) },
      '-': { ...t, scale: Math.max(t.scale / 1.25, 0.25) },
      '0': IDENTITY,
    };
    const next = map[e.key];
    if (next) {
      e.preventDefault();
      setTransform(next);
    }
  };
  return (
    <div
      className="cmp-viewport"
      tabIndex={0}
      role="group"
      aria-label={`${label}: arrow keys pan, + and - zoom, 0 resets`}
      onKeyDown={onKey}
      onPointerDown={(e: PointerEvent) => {
        drag.current = { x: e.clientX, y: e.clientY, t: transform };
        (e.target as Element).setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e: PointerEvent) => {
        const d = drag.current;
        if (d) setTransform({ ...d.t, x: d.t.x + e.clientX - d.x, y: d.t.y + e.clientY - d.y });
      }}
      onPointerUp={() => (drag.current = null)}
      onWheel={(e) => setTransform({ ...transform, scale: Math.min(16, Math.max(0.25, transform.scale * (e.deltaY < 0 ? 1.1 : 1 / 1.1))) })}
    >
      {children}
    </div>
  );
}

function StatsTable({ artifact }: { artifact: ArtifactComparison }) {
  if (!artifact.pixels)
    return (
      <p className="muted">
        {artifact.sameHash ? `${artifact.name}: the legacy and shadow files are byte-identical (same SHA-256), so no pixel differs.` : `No pixel statistics for ${artifact.name} (${artifact.kind}).`}
      </p>
    );
  const p = artifact.pixels;
  return (
    <table aria-label={`Pixel statistics of ${artifact.name}`} className="cmp-stats">
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col">Mean delta</th>
          <th scope="col">Max delta</th>
        </tr>
      </thead>
      <tbody>
        {p.channels.map((c) => (
          <tr key={c.name}>
            <th scope="row">{c.name}</th>
            <td>{c.mean.toFixed(5)}</td>
            <td>{c.max.toFixed(5)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">All</th>
          <td>mean error {p.meanError.toFixed(5)}</td>
          <td>{(p.overShare * 100).toFixed(3)}% of pixels over the threshold</td>
        </tr>
      </tbody>
    </table>
  );
}

function ReviewPanel({ comparison, onReviewed }: { comparison: Comparison; onReviewed: (c: Comparison) => void }) {
  const client = useClient();
  const id = useId();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const review = comparison.review;
  async function decide(decision: ReviewDecision) {
    setBusy(true);
    setError(null);
    try {
      const updated = await client.call('comparisons.review', { comparisonId: comparison.id, decision, ...(note.trim() ? { note: note.trim() } : {}) });
      setNote('');
      onReviewed(updated);
      void reviewStore(client).getState().refresh();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="section cmp-review" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Review</h2>
      <p role="status" aria-label="Review state">
        {review ? `${review.decision === 'approve' ? 'Approved' : 'Rejected'} by ${review.who} on ${formatTime(review.createdAt)}${review.note ? `: ${review.note}` : ''}` : 'Not reviewed yet.'}
      </p>
      <div className="field">
        <label htmlFor={`${id}-note`}>Note</label>
        <div className="field-control">
          <textarea id={`${id}-note`} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
      </div>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void decide('approve')}>
          Approve
        </button>
        <button type="button" disabled={busy} onClick={() => void decide('reject')}>
          Reject
        </button>
      </div>
      {error && (
        <p role="alert" className="field-error">
          The review was not stored: {error}
        </p>
      )}
    </section>
  );
}

/** One shadow comparison: the pictures in five views with shared zoom and pan, frames, statistics, records, reasons and the review. */
export function ComparisonViewerPage() {
  const { id = '' } = useParams();
  const client = useClient();
  const uid = useId();
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<View>('side');
  const [transform, setTransform] = useState<Transform>(IDENTITY);
  const [swipe, setSwipe] = useState(50);
  const [blend, setBlend] = useState(50);
  const [toggleShadow, setToggleShadow] = useState(false);
  const [artifactIndex, setArtifactIndex] = useState(0);
  const [frame, setFrame] = useState(0);
  const [framePicture, setFramePicture] = useState<Picture | null>(null);
  useEffect(() => {
    let live = true;
    client.call('comparisons.get', { id }).then(
      (c) => live && setComparison(c),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [client, id]);
  const sides = useSides(comparison);
  const artifact = comparison?.report.artifacts[artifactIndex] ?? null;
  const frames = artifact?.frames ?? [];
  const { shadowFrame } = sides;
  useEffect(() => {
    setFramePicture(null);
    if (!frames.length) return;
    let live = true;
    void shadowFrame(frame).then((p) => live && setFramePicture(p));
    return () => {
      live = false;
    };
  }, [frame, frames.length, shadowFrame]);

  if (error)
    return (
      <>
        <h1 tabIndex={-1}>Comparison</h1>
        <p className="field-error">The comparison could not be loaded: {error}</p>
      </>
    );
  if (!comparison)
    return (
      <>
        <h1 tabIndex={-1}>Comparison</h1>
        <p className="muted">Loading…</p>
      </>
    );

  const style: CSSProperties = { transform: `translate(${transform.x}px, ${transform.y}px) scale(${transform.scale})` };
  const legacyLabel = 'Legacy';
  const shadowLabel = 'Shadow';
  const currentFrame = frames[frame] ?? null;

  return (
    <>
      <p>
        <Link to="/comparisons">Comparisons</Link>
      </p>
      <h1 tabIndex={-1}>
        Comparison of {comparison.outputTypeKey} <VerdictTag verdict={comparison.verdict} />
      </h1>
      <dl className="facts" aria-label="About this comparison">
        <dt>Date</dt>
        <dd>{formatTime(comparison.createdAt)}</dd>
        <dt>Workflow</dt>
        <dd>{comparison.workflowId ? `${comparison.workflowId} revision ${comparison.workflowRevision ?? '?'}` : '—'}</dd>
        <dt>Legacy run</dt>
        <dd>
          <Link to={`/runs/${comparison.legacyRunId}`}>{comparison.legacyRunId}</Link>
        </dd>
        <dt>Shadow run</dt>
        <dd>
          <Link to={`/runs/${comparison.shadowRunId}`}>{comparison.shadowRunId}</Link>
        </dd>
        <dt>Rollout</dt>
        <dd>
          <Link to={`/output-types/${encodeURIComponent(comparison.outputTypeKey)}/rollout`}>Rollout of {comparison.outputTypeKey}</Link>
        </dd>
      </dl>

      <section className="section" aria-labelledby={`${uid}-reasons`}>
        <h2 id={`${uid}-reasons`}>Reasons</h2>
        {comparison.report.reasons.length === 0 ? (
          <p>No reason: the shadow run matches the legacy one (pass).</p>
        ) : (
          <ul aria-label="Reasons behind the verdict">
            {comparison.report.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby={`${uid}-pictures`}>
        <h2 id={`${uid}-pictures`}>Pictures</h2>
        {comparison.report.artifacts.length > 1 && (
          <label>
            Artifact{' '}
            <select
              value={artifactIndex}
              onChange={(e) => {
                setArtifactIndex(Number(e.target.value));
                setFrame(0);
              }}
            >
              {comparison.report.artifacts.map((a, i) => (
                <option key={`${a.name}:${i}`} value={i}>
                  {a.name} ({a.verdict})
                </option>
              ))}
            </select>
          </label>
        )}
        <fieldset className="cmp-views">
          <legend>View</legend>
          {VIEWS.map((v) => (
            <label key={v.id} className="choice">
              <input type="radio" name={`${uid}-view`} value={v.id} checked={view === v.id} onChange={() => setView(v.id)} /> {v.label}
            </label>
          ))}
        </fieldset>
        <div className="toolbar" role="group" aria-label="Zoom">
          <button type="button" onClick={() => setTransform({ ...transform, scale: Math.min(transform.scale * 1.25, 16) })}>
            Zoom in
          </button>
          <button type="button" onClick={() => setTransform({ ...transform, scale: Math.max(transform.scale / 1.25, 0.25) })}>
            Zoom out
          </button>
          <button type="button" onClick={() => setTransform(IDENTITY)}>
            Reset zoom
          </button>
          <span className="muted" aria-live="polite">
            {Math.round(transform.scale * 100)}%
          </span>
        </div>
        <div role="region" aria-label={`${VIEWS.find((v) => v.id === view)?.label} view`} className={`cmp-view cmp-view-${view}`}>
          {view === 'side' && (
            <div className="cmp-side">
              <figure>
                <figcaption>{legacyLabel}</figcaption>
                <Viewport label="Legacy picture" transform={transform} setTransform={setTransform}>
                  <PictureView picture={sides.legacy} side={legacyLabel} style={style} />
                </Viewport>
              </figure>
              <figure>
                <figcaption>{shadowLabel}</figcaption>
                <Viewport label="Shadow picture" transform={transform} setTransform={setTransform}>
                  <PictureView picture={sides.shadow} side={shadowLabel} style={style} />
                </Viewport>
              </figure>
            </div>
          )}
          {view === 'swipe' && (
            <>
              <Viewport label="Swipe between legacy and shadow" transform={transform} setTransform={setTransform}>
                <div className="cmp-stack">
                  <PictureView picture={sides.legacy} side={legacyLabel} style={style} />
                  <div className="cmp-over" style={{ clipPath: `inset(0 0 0 ${swipe}%)` }}>
                    <PictureView picture={sides.shadow} side={shadowLabel} style={style} />
                  </div>
                  <div className="cmp-swipe-line" style={{ left: `${swipe}%` }} aria-hidden="true" />
                </div>
              </Viewport>
              <label>
                Swipe position (legacy left, shadow right){' '}
                <input type="range" min={0} max={100} value={swipe} onChange={(e) => setSwipe(Number(e.target.value))} />
              </label>
            </>
          )}
          {view === 'blend' && (
            <>
              <Viewport label="Blend of legacy and shadow" transform={transform} setTransform={setTransform}>
                <div className="cmp-stack">
                  <PictureView picture={sides.legacy} side={legacyLabel} style={style} />
                  <div className="cmp-over" style={{ opacity: blend / 100 }}>
                    <PictureView picture={sides.shadow} side={shadowLabel} style={style} />
                  </div>
                </div>
              </Viewport>
              <label>
                Shadow opacity (onion skin){' '}
                <input type="range" min={0} max={100} value={blend} onChange={(e) => setBlend(Number(e.target.value))} />
              </label>
            </>
          )}
          {view === 'toggle' && (
            <>
              <Viewport label={`Toggle view, showing ${toggleShadow ? 'shadow' : 'legacy'}`} transform={transform} setTransform={setTransform}>
                {toggleShadow ? <PictureView picture={sides.shadow} side={shadowLabel} style={style} /> : <PictureView picture={sides.legacy} side={legacyLabel} style={style} />}
              </Viewport>
              <button type="button" aria-pressed={toggleShadow} onClick={() => setToggleShadow((s) => !s)}>
                Showing {toggleShadow ? 'shadow' : 'legacy'}: switch to {toggleShadow ? 'legacy' : 'shadow'}
              </button>
            </>
          )}
          {view === 'heatmap' && (
            <div className="cmp-heatmap">
              {artifact?.heatmap && comparison ? (
                <HeatmapImage comparisonId={comparison.id} artifactIndex={artifactIndex} name={artifact.name} />
              ) : (
                <p>No diff heatmap for {artifact?.name ?? 'this artifact'}: the backend made none (identical files, or not an image).</p>
              )}
              {artifact && <StatsTable artifact={artifact} />}
            </div>
          )}
        </div>
      </section>

      {artifact && (
        <section className="section" aria-labelledby={`${uid}-artifact`}>
          <h2 id={`${uid}-artifact`}>Artifact {artifact.name}</h2>
          <dl className="facts" aria-label={`Facts of ${artifact.name}`}>
            <dt>Verdict</dt>
            <dd>
              <VerdictTag verdict={artifact.verdict} />
            </dd>
            <dt>Same bytes</dt>
            <dd>{artifact.sameHash ? 'yes' : 'no'}</dd>
            <dt>Same size</dt>
            <dd>{artifact.sameSize ? 'yes' : 'no'}</dd>
            <dt>Legacy file</dt>
            <dd>{artifact.legacy ? `${artifact.legacy.width ?? '?'} × ${artifact.legacy.height ?? '?'}, ${artifact.legacy.file}` : 'missing'}</dd>
            <dt>Shadow file</dt>
            <dd>{artifact.shadow ? `${artifact.shadow.width ?? '?'} × ${artifact.shadow.height ?? '?'}, ${artifact.shadow.file}` : 'missing'}</dd>
          </dl>
          {view !== 'heatmap' && <StatsTable artifact={artifact} />}
          {artifact.blend && (
            <ul aria-label="Blend structure differences">
              {artifact.blend.differences.length ? artifact.blend.differences.map((d) => <li key={d}>{d}</li>) : <li>Same structure.</li>}
            </ul>
          )}
          {frames.length > 0 && (
            <div className="cmp-frames">
              <h3>Frames</h3>
              <label>
                Frame {frame + 1} of {frames.length}{' '}
                <input type="range" min={0} max={frames.length - 1} value={frame} onChange={(e) => setFrame(Number(e.target.value))} aria-valuetext={`frame ${frame + 1} of ${frames.length}`} />
              </label>
              {currentFrame && (
                <div role="status" aria-label="Frame result">
                  <p>
                    {currentFrame.name}: <VerdictTag verdict={currentFrame.verdict} />
                    {currentFrame.pixels ? ` mean error ${currentFrame.pixels.meanError.toFixed(5)}, ${(currentFrame.pixels.overShare * 100).toFixed(3)}% over` : ''}
                    {currentFrame.reasons.length ? ` — ${currentFrame.reasons.join('; ')}` : ''}
                  </p>
                  {framePicture && <PictureView picture={framePicture} side={`Shadow frame ${frame + 1}`} style={style} />}
                </div>
              )}
            </div>
          )}
        </section>
      )}

      <section className="section" aria-labelledby={`${uid}-records`}>
        <h2 id={`${uid}-records`}>Records</h2>
        <table aria-label="Record fields" className="cmp-records">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Legacy</th>
              <th scope="col">Shadow</th>
              <th scope="col">Same</th>
            </tr>
          </thead>
          <tbody>
            {comparison.report.records.map((r) => (
              <tr key={r.field} className={r.same ? undefined : 'cmp-diff'}>
                <th scope="row">{r.field}</th>
                <td>{formatValue(r.legacy)}</td>
                <td>{formatValue(r.shadow)}</td>
                <td>{r.same ? 'same' : <strong>differs</strong>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <ReviewPanel comparison={comparison} onReviewed={setComparison} />
    </>
  );
}
