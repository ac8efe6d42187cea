import type { ReactNode } from 'react';
import { Badge } from '@mantine/core';
import type { CheckStatus } from '../../../shared/preflight/report';
import { STATUS_TEXT } from './format';

const ICONS: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✕' };
/** The app's status colours (styles.css), which read at ≥ 4.5:1 on their own backgrounds in both schemes. */
const TONES: Record<CheckStatus, { color: string; background: string }> = {
  ok: { color: 'var(--ok)', background: 'var(--ok-bg)' },
  warn: { color: 'var(--warn)', background: 'var(--warn-bg)' },
  fail: { color: 'var(--fail)', background: 'var(--fail-bg)' },
};

/** A status badge in one of the tones above. */
export function ToneBadge({ tone, size, children, leftSection }: { tone: CheckStatus; size?: 'sm' | 'lg'; children: ReactNode; leftSection?: ReactNode }) {
  return (
    <Badge size={size} variant="light" tt="none" fw={600} style={TONES[tone]} leftSection={leftSection}>
      {children}
    </Badge>
  );
}

/** Status as a word with a coloured badge; the colour only repeats what the text says. */
export function CheckStatusTag({ status }: { status: CheckStatus }) {
  return (
    <ToneBadge tone={status} leftSection={<span aria-hidden="true">{ICONS[status]}</span>}>
      {STATUS_TEXT[status]}
    </ToneBadge>
  );
}

export function YesNo({ value }: { value: boolean }) {
  return <ToneBadge tone={value ? 'ok' : 'fail'}>{value ? 'Yes' : 'No'}</ToneBadge>;
}
