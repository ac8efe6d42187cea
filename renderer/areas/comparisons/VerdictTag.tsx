import type { ReactNode } from 'react';
import { Badge } from '@mantine/core';
import type { Verdict } from '../../../shared/comparison/api';

export type Tone = 'ok' | 'warn' | 'fail';

/** A badge whose colour carries the meaning (ok green, warn yellow, fail red) while its words say it; the scheme's variables keep the text ≥ 4.5:1 in light and dark. */
export function ToneBadge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <Badge component="span" variant="light" tt="none" styles={{ root: { background: `var(--${tone}-bg)`, color: `var(--${tone})`, border: `1px solid var(--${tone})` } }}>
      {children}
    </Badge>
  );
}

const TONE = { pass: 'ok', warn: 'warn', fail: 'fail' } as const;

export function VerdictTag({ verdict }: { verdict: Verdict }) {
  return <ToneBadge tone={TONE[verdict]}>{verdict}</ToneBadge>;
}
