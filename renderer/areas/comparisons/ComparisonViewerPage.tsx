import { useEffect, useId, useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Button, Group, List, Loader, NativeSelect, Paper, Table, Tabs, Text, Textarea, Title } from '@mantine/core';
import type { ArtifactComparison, Comparison, ReviewDecision } from '../../../shared/comparison/api';
import { HeatmapImage } from './HeatmapImage';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { formatValue } from '../output-types/format';
import { formatTime } from '../../ui/format-time';
import { reviewStore } from './review-store';
import { useSides, type Picture } from './use-sides';
import { ToneBadge, VerdictTag } from './VerdictTag';

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
      <Group gap="xs" p="sm" role="status">
        <Loader size="xs" aria-hidden="true" />
        <Text>Loading the {side} picture…</Text>
      </Group>
    );
  if (picture.kind === 'none') return <Text p="sm">{`${side}: ${picture.reason}`}</Text>;
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
      <Text>
        {artifact.sameHash ? `${artifact.name}: the legacy and shadow files are byte-identical (same SHA-256), so no pixel differs.` : `No pixel statistics for ${artifact.name} (${artifact.kind}).`}
      </Text>
    );
  const p = artifact.pixels;
  return (
    <>
      <Table aria-label={`Pixel statistics of ${artifact.name}`} maw={560} mt="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Channel</Table.Th>
            <Table.Th scope="col" ta="right">
              Mean delta
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Max delta
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {p.channels.map((c) => (
            <Table.Tr key={c.name}>
              <Table.Th scope="row" fw="normal">
                {c.name}
              </Table.Th>
              <Table.Td ta="right" ff="monospace">
                {c.mean.toFixed(5)}
              </Table.Td>
              <Table.Td ta="right" ff="monospace">
                {c.max.toFixed(5)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text mt={4}>
        Mean error {p.meanError.toFixed(5)}; {(p.overShare * 100).toFixed(3)}% of pixels over the threshold.
      </Text>
    </>
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
    <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-h`}>
      <Title order={2} id={`${id}-h`} mb="xs">
        Review
      </Title>
      <Text role="status" aria-label="Review state" c={review ? (review.decision === 'approve' ? 'var(--ok)' : 'var(--fail)') : undefined}>
        {review ? `${review.decision === 'approve' ? 'Approved' : 'Rejected'} by ${review.who} on ${formatTime(review.createdAt)}${review.note ? `: ${review.note}` : ''}` : 'Not reviewed yet.'}
      </Text>
      <Textarea label="Note" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} maw={560} mt="xs" />
      <Group gap="xs" mt="sm">
        <Button disabled={busy} onClick={() => void decide('approve')}>
          Approve
        </Button>
        <Button variant="default" disabled={busy} onClick={() => void decide('reject')}>
          Reject
        </Button>
      </Group>
      {error && (
        <Alert role="alert" color="red" mt="xs">
          The review was not stored: {error}
        </Alert>
      )}
    </Paper>
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
  // Showing a comparison is opening it (issue 22): an opened warn or fail no longer blocks its review group's approval.
  const shownId = comparison?.id;
  useEffect(() => {
    if (shownId) client.call('review.open', { comparisonId: shownId }).catch(() => undefined);
  }, [client, shownId]);
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
        <Title order={1} tabIndex={-1}>
          Comparison
        </Title>
        <Alert color="red" mt="sm">
          The comparison could not be loaded: {error}
        </Alert>
      </>
    );
  if (!comparison)
    return (
      <>
        <Title order={1} tabIndex={-1}>
          Comparison
        </Title>
        <Text mt="sm">Loading…</Text>
      </>
    );

  const style: CSSProperties = { transform: `translate(${transform.x}px, ${transform.y}px) scale(${transform.scale})` };
  const legacyLabel = 'Legacy';
  const shadowLabel = 'Shadow';
  const currentFrame = frames[frame] ?? null;
  const zoom = (scale: number) => setTransform({ ...transform, scale: Math.min(16, Math.max(0.25, scale)) });

  return (
    <>
      <Anchor component={Link} to="/comparisons" size="sm">
        Comparisons
      </Anchor>
      <Group gap="sm" mt={4} align="center">
        <Title order={1} tabIndex={-1}>
          Comparison of {comparison.outputTypeKey}
        </Title>
        <VerdictTag verdict={comparison.verdict} />
      </Group>
      <Table variant="vertical" layout="fixed" withTableBorder aria-label="About this comparison" maw={760} my="md">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={160} fw="normal">
              Date
            </Table.Th>
            <Table.Td>{formatTime(comparison.createdAt)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th fw="normal">Workflow</Table.Th>
            <Table.Td>{comparison.workflowId ? `${comparison.workflowId} revision ${comparison.workflowRevision ?? '?'}` : '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th fw="normal">Legacy run</Table.Th>
            <Table.Td>
              <Anchor component={Link} to={`/runs/${comparison.legacyRunId}`}>
                {comparison.legacyRunId}
              </Anchor>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th fw="normal">Shadow run</Table.Th>
            <Table.Td>
              <Anchor component={Link} to={`/runs/${comparison.shadowRunId}`}>
                {comparison.shadowRunId}
              </Anchor>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th fw="normal">Rollout</Table.Th>
            <Table.Td>
              <Anchor component={Link} to={`/output-types/${encodeURIComponent(comparison.outputTypeKey)}/rollout`}>
                Rollout of {comparison.outputTypeKey}
              </Anchor>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>

      <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${uid}-reasons`}>
        <Title order={2} id={`${uid}-reasons`} mb="xs">
          Reasons
        </Title>
        {comparison.report.reasons.length === 0 ? (
          <Text>No reason: the shadow run matches the legacy one (pass).</Text>
        ) : (
          <List aria-label="Reasons behind the verdict" size="sm" spacing={2}>
            {comparison.report.reasons.map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
        )}
      </Paper>

      <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${uid}-pictures`}>
        <Title order={2} id={`${uid}-pictures`} mb="xs">
          Pictures
        </Title>
        {comparison.report.artifacts.length > 1 && (
          <NativeSelect
            label="Artifact"
            value={String(artifactIndex)}
            onChange={(e) => {
              setArtifactIndex(Number(e.currentTarget.value));
              setFrame(0);
            }}
            data={comparison.report.artifacts.map((a, i) => ({ value: String(i), label: `${a.name} (${a.verdict})` }))}
            maw={420}
            mb="xs"
          />
        )}
        <Tabs value={view} onChange={(v) => v && setView(v as View)}>
          <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
            <Tabs.List aria-label="View">
              {VIEWS.map((v) => (
                <Tabs.Tab key={v.id} value={v.id}>
                  {v.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Group gap={6} role="group" aria-label="Zoom">
              <Button variant="default" onClick={() => zoom(transform.scale * 1.25)}>
                Zoom in
              </Button>
              <Button variant="default" onClick={() => zoom(transform.scale / 1.25)}>
                Zoom out
              </Button>
              <Button variant="default" onClick={() => setTransform(IDENTITY)}>
                Reset zoom
              </Button>
              <Text span aria-live="polite" miw={44} ta="right">
                {Math.round(transform.scale * 100)}%
              </Text>
            </Group>
          </Group>
          <Tabs.Panel value="side" pt="sm">
            <div role="region" aria-label="Side by side view" className="cmp-side">
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
          </Tabs.Panel>
          <Tabs.Panel value="swipe" pt="sm">
            <div role="region" aria-label="Swipe view">
              <Viewport label="Swipe between legacy and shadow" transform={transform} setTransform={setTransform}>
                <div className="cmp-stack">
                  <PictureView picture={sides.legacy} side={legacyLabel} style={style} />
                  <div className="cmp-over" style={{ clipPath: `inset(0 0 0 ${swipe}%)` }}>
                    <PictureView picture={sides.shadow} side={shadowLabel} style={style} />
                  </div>
                  <div className="cmp-swipe-line" style={{ left: `${swipe}%` }} aria-hidden="true" />
                </div>
              </Viewport>
              <label className="cmp-range">
                Swipe position (legacy left, shadow right)
                <input type="range" min={0} max={100} value={swipe} onChange={(e) => setSwipe(Number(e.target.value))} />
              </label>
            </div>
          </Tabs.Panel>
          <Tabs.Panel value="blend" pt="sm">
            <div role="region" aria-label="Blend view">
              <Viewport label="Blend of legacy and shadow" transform={transform} setTransform={setTransform}>
                <div className="cmp-stack">
                  <PictureView picture={sides.legacy} side={legacyLabel} style={style} />
                  <div className="cmp-over" style={{ opacity: blend / 100 }}>
                    <PictureView picture={sides.shadow} side={shadowLabel} style={style} />
                  </div>
                </div>
              </Viewport>
              <label className="cmp-range">
                Shadow opacity (onion skin)
                <input type="range" min={0} max={100} value={blend} onChange={(e) => setBlend(Number(e.target.value))} />
              </label>
            </div>
          </Tabs.Panel>
          <Tabs.Panel value="toggle" pt="sm">
            <div role="region" aria-label="Toggle view">
              <Viewport label={`Toggle view, showing ${toggleShadow ? 'shadow' : 'legacy'}`} transform={transform} setTransform={setTransform}>
                {toggleShadow ? <PictureView picture={sides.shadow} side={shadowLabel} style={style} /> : <PictureView picture={sides.legacy} side={legacyLabel} style={style} />}
              </Viewport>
              <Button variant="default" mt="xs" aria-pressed={toggleShadow} onClick={() => setToggleShadow((s) => !s)}>
                Showing {toggleShadow ? 'shadow' : 'legacy'}: switch to {toggleShadow ? 'legacy' : 'shadow'}
              </Button>
            </div>
          </Tabs.Panel>
          <Tabs.Panel value="heatmap" pt="sm">
            <div role="region" aria-label="Heatmap view">
              {artifact?.heatmap ? (
                <div className="cmp-heatmap">
                  <HeatmapImage comparisonId={comparison.id} artifactIndex={artifactIndex} name={artifact.name} />
                </div>
              ) : (
                <Text>No diff heatmap for {artifact?.name ?? 'this artifact'}: the backend made none (identical files, or not an image).</Text>
              )}
              {artifact && <StatsTable artifact={artifact} />}
            </div>
          </Tabs.Panel>
        </Tabs>
      </Paper>

      {artifact && (
        <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${uid}-artifact`}>
          <Title order={2} id={`${uid}-artifact`} mb="xs">
            Artifact {artifact.name}
          </Title>
          <Table variant="vertical" layout="fixed" withTableBorder aria-label={`Facts of ${artifact.name}`} maw={760}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={160} fw="normal">
                  Verdict
                </Table.Th>
                <Table.Td>
                  <VerdictTag verdict={artifact.verdict} />
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th fw="normal">Same bytes</Table.Th>
                <Table.Td>{artifact.sameHash ? 'yes' : 'no'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th fw="normal">Same size</Table.Th>
                <Table.Td>{artifact.sameSize ? 'yes' : 'no'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th fw="normal">Legacy file</Table.Th>
                <Table.Td>{artifact.legacy ? `${artifact.legacy.width ?? '?'} × ${artifact.legacy.height ?? '?'}, ${artifact.legacy.file}` : 'missing'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th fw="normal">Shadow file</Table.Th>
                <Table.Td>{artifact.shadow ? `${artifact.shadow.width ?? '?'} × ${artifact.shadow.height ?? '?'}, ${artifact.shadow.file}` : 'missing'}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {view !== 'heatmap' && <StatsTable artifact={artifact} />}
          {artifact.blend && (
            <List aria-label="Blend structure differences" size="sm" mt="xs">
              {artifact.blend.differences.length ? artifact.blend.differences.map((d) => <List.Item key={d}>{d}</List.Item>) : <List.Item>Same structure.</List.Item>}
            </List>
          )}
          {frames.length > 0 && (
            <section aria-labelledby={`${uid}-frames`}>
              <Title order={3} id={`${uid}-frames`} mt="md" mb="xs">
                Frames
              </Title>
              <label className="cmp-range">
                Frame {frame + 1} of {frames.length}
                <input type="range" min={0} max={frames.length - 1} value={frame} onChange={(e) => setFrame(Number(e.target.value))} aria-valuetext={`frame ${frame + 1} of ${frames.length}`} />
              </label>
              {currentFrame && (
                <div role="status" aria-label="Frame result">
                  <Group gap="xs" my="xs">
                    <Text span>{currentFrame.name}:</Text> <VerdictTag verdict={currentFrame.verdict} />
                    <Text span>
                      {currentFrame.pixels ? ` mean error ${currentFrame.pixels.meanError.toFixed(5)}, ${(currentFrame.pixels.overShare * 100).toFixed(3)}% over` : ''}
                      {currentFrame.reasons.length ? ` — ${currentFrame.reasons.join('; ')}` : ''}
                    </Text>
                  </Group>
                  {framePicture && (
                    <div className="cmp-frame-picture">
                      <PictureView picture={framePicture} side={`Shadow frame ${frame + 1}`} style={style} />
                    </div>
                  )}
                </div>
              )}
            </section>
          )}
        </Paper>
      )}

      <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${uid}-records`}>
        <Title order={2} id={`${uid}-records`} mb="xs">
          Records
        </Title>
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Record fields">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Field</Table.Th>
                <Table.Th scope="col">Legacy</Table.Th>
                <Table.Th scope="col">Shadow</Table.Th>
                <Table.Th scope="col">Same</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {comparison.report.records.map((r) => (
                <Table.Tr key={r.field} bg={r.same ? undefined : 'var(--warn-bg)'}>
                  <Table.Th scope="row" fw="normal">
                    {r.field}
                  </Table.Th>
                  <Table.Td>{formatValue(r.legacy)}</Table.Td>
                  <Table.Td>{formatValue(r.shadow)}</Table.Td>
                  <Table.Td>{r.same ? 'same' : <ToneBadge tone="warn">differs</ToneBadge>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <ReviewPanel comparison={comparison} onReviewed={setComparison} />
    </>
  );
}
