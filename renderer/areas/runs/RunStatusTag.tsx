import { Badge, Loader } from '@mantine/core';
import { statusText } from './run-format';

// The app's status colours (styles.css variables) read at ≥ 4.5:1 on their tints in light and dark;
// Mantine's light green/yellow badges do not.
type Tone = { color: string; background: string; borderStyle?: string };
const TONES: Record<string, Tone> = {
  succeeded: { color: 'var(--ok)', background: 'var(--ok-bg)' },
  running: { color: 'var(--warn)', background: 'var(--warn-bg)' },
  retrying: { color: 'var(--warn)', background: 'var(--warn-bg)' },
  queued: { color: 'var(--text)', background: 'var(--panel-soft)' },
  failed: { color: 'var(--fail)', background: 'var(--fail-bg)' },
  reused: { color: 'var(--link)', background: 'var(--selected)' },
  waiting: { color: 'var(--muted)', background: 'transparent', borderStyle: 'dashed' },
};
const MUTED: Tone = { color: 'var(--text)', background: 'var(--panel-soft)' };

/** A run, node or farm task status (or another word on its colour) on a badge: the colour only repeats the word; a spinner while it runs. */
export function RunStatusTag({ status, label, large = false }: { status: string; label?: string; large?: boolean }) {
  const tone = TONES[status] ?? MUTED;
  const busy = status === 'running' || status === 'retrying';
  return (
    <Badge
      tt="none"
      fw={600}
      size={large ? 'lg' : 'sm'}
      styles={{
        root: { color: tone.color, background: tone.background, border: `1px ${tone.borderStyle ?? 'solid'} ${tone.borderStyle ? 'var(--line-strong)' : 'transparent'}`, verticalAlign: 'middle', maxWidth: 'none', flexShrink: 0 },
        // The word is the status: never cut to "succeed…".
        label: { overflow: 'visible', textOverflow: 'clip' },
      }}
      leftSection={busy ? <Loader size={10} color="currentColor" aria-hidden="true" /> : undefined}
    >
      {label ?? statusText(status)}
    </Badge>
  );
}
