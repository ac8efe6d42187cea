import { Badge, Loader } from '@mantine/core';
import type { LineStatus } from './orders-store';

export type Tone = 'ok' | 'warn' | 'fail' | 'muted';

const TEXT: Record<LineStatus, string> = { queued: 'Queued', rendering: 'Rendering', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };
const TONE: Record<LineStatus, Tone> = { queued: 'muted', rendering: 'warn', succeeded: 'ok', failed: 'fail', cancelled: 'muted' };

// The app's status colours (styles.css) read at ≥ 4.5:1 on their tints in both schemes; Mantine's
// light badges of green/yellow do not.
const COLORS: Record<Tone, { color: string; background: string }> = {
  ok: { color: 'var(--ok)', background: 'var(--ok-bg)' },
  warn: { color: 'var(--warn)', background: 'var(--warn-bg)' },
  fail: { color: 'var(--fail)', background: 'var(--fail-bg)' },
  muted: { color: 'var(--text)', background: 'var(--panel-soft)' },
};

/** A word on a coloured badge; the colour only repeats the word. A spinner while work goes on. */
export function ToneBadge({ tone, busy, children }: { tone: Tone; busy?: boolean; children: string }) {
  return (
    <Badge
      size="md"
      tt="none"
      fw={600}
      styles={{ root: { ...COLORS[tone], border: '1px solid transparent' } }}
      leftSection={busy ? <Loader size={10} color="currentColor" aria-hidden="true" /> : undefined}
    >
      {children}
    </Badge>
  );
}

/** Any run or line status as a word on a badge. */
export function StatusTag({ status }: { status: string }) {
  const known = status in TEXT ? (status as LineStatus) : null;
  const tone: Tone = known ? TONE[known] : status === 'running' || status === 'pending' ? 'warn' : status === 'delivered' ? 'ok' : status === 'interrupted' || status === 'skipped' ? 'muted' : 'fail';
  const text = known ? TEXT[known] : status.charAt(0).toUpperCase() + status.slice(1);
  return (
    <ToneBadge tone={tone} busy={status === 'rendering' || status === 'running'}>
      {text}
    </ToneBadge>
  );
}
