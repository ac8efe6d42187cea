import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Group, SimpleGrid, Text } from '@mantine/core';
import type { PairThumbnail, ReviewGroupMember, ThumbnailSide } from '../../../shared/comparison/review-groups';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { VerdictTag } from './VerdictTag';

/** review.thumbnails takes up to 60 comparisons a call. */
const BATCH = 60;
const EDGE = 120;

/** The cells of a contact sheet, fetched in batches (not one call per pair); a list that grows fetches only the new ones. */
function useThumbnails(ids: string[]): { cells: Map<string, PairThumbnail>; error: string | null } {
  const client = useClient();
  const [cells, setCells] = useState<Map<string, PairThumbnail>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    const missing = key.split(',').filter((id) => id && !cells.has(id));
    (async () => {
      for (let i = 0; i < missing.length && live; i += BATCH) {
        const { items } = await client.call('review.thumbnails', { comparisonIds: missing.slice(i, i + BATCH), size: EDGE });
        if (live) setCells((before) => new Map([...before, ...items.map((c) => [c.comparisonId, c] as const)]));
      }
    })().catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
    // Only the list of ids decides what to fetch; cells already held are skipped.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);
  return { cells, error };
}

const TONE = { pass: 'var(--ok)', warn: 'var(--warn)', fail: 'var(--fail)' } as const;

function Thumb({ side, label, outline, tone }: { side: ThumbnailSide | undefined; label: string; outline: PairThumbnail['outline']; tone: string }) {
  const box = { width: EDGE, height: EDGE * 0.75, borderRadius: 'var(--radius)', border: '1px solid var(--line)', background: 'var(--panel-soft)', overflow: 'hidden', position: 'relative' as const };
  if (!side) return <div style={box} role="img" aria-label={`${label}: loading`} />;
  if (!side.dataUrl)
    return (
      <div style={{ ...box, display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 6 }}>
        <Text size="xs" ta="center" c="dimmed">
          {label}: {side.reason ?? 'no picture'}
        </Text>
      </div>
    );
  return (
    <div style={{ ...box, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <div style={{ position: 'relative', display: 'inline-block', lineHeight: 0 }}>
        <img src={side.dataUrl} alt={`${label}${outline ? ', the differing pixels outlined' : ''}`} style={{ display: 'block', maxWidth: EDGE - 2, maxHeight: EDGE * 0.75 - 2 }} />
        {outline && (
          <span
            aria-hidden="true"
            style={{
              position: 'absolute',
              left: `${outline.x * 100}%`,
              top: `${outline.y * 100}%`,
              width: `${outline.w * 100}%`,
              height: `${outline.h * 100}%`,
              minWidth: 6,
              minHeight: 6,
              outline: `2px solid ${tone}`,
              boxShadow: '0 0 0 3px rgb(255 255 255 / 0.55)',
            }}
          />
        )}
      </div>
    </div>
  );
}

/** A contact sheet: legacy | shadow thumbnail pairs, the differing pixels outlined, each pair opening its comparison. */
export function ContactSheet({ label, members }: { label: string; members: ReviewGroupMember[] }) {
  const { cells, error } = useThumbnails(members.map((m) => m.comparisonId));
  return (
    <>
      {error && (
        <Text c="var(--fail)" size="sm" role="alert">
          The thumbnails could not be loaded: {error}
        </Text>
      )}
      <SimpleGrid component="ul" aria-label={label} cols={{ base: 1, xs: 2, md: 3, xl: 4 }} spacing="sm" verticalSpacing="sm" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {members.map((m) => {
          const cell = cells.get(m.comparisonId);
          const tone = TONE[m.verdict];
          return (
            <li key={m.comparisonId} aria-label={`${m.verdict} ${m.comparisonId}`} style={{ border: `1px solid ${m.verdict === 'pass' ? 'var(--line)' : tone}`, borderRadius: 6, padding: 8 }}>
              <Group gap={6} wrap="nowrap" justify="center">
                <Thumb side={cell?.legacy} label="Legacy" outline={cell?.outline ?? null} tone={tone} />
                <Thumb side={cell?.shadow} label="Shadow" outline={cell?.outline ?? null} tone={tone} />
              </Group>
              <Group gap={6} mt={6} justify="space-between" wrap="nowrap">
                <VerdictTag verdict={m.verdict} />
                <Text size="xs" c="dimmed" truncate title={cell?.artifact ?? undefined}>
                  {m.worstDelta > 0 && m.worstDelta < 1 ? `Δ ${m.worstDelta.toFixed(4)}` : cell?.artifact ?? ''}
                </Text>
                <Anchor component={Link} to={`/comparisons/${m.comparisonId}`} size="sm" aria-label={`Open the ${m.verdict} comparison ${m.comparisonId}`}>
                  Open
                </Anchor>
              </Group>
            </li>
          );
        })}
      </SimpleGrid>
    </>
  );
}
