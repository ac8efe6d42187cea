import { Badge } from '@mantine/core';

/** An execution mode as a badge: the dot's colour tells them apart at a glance, the word (in the text colour) says it. */
const DOT: Record<string, string> = { legacy: 'gray', shadow: 'violet', graph: 'teal' };

export function ModeBadge({ mode }: { mode: string }) {
  return (
    <Badge component="span" variant="dot" tt="none" color={DOT[mode] ?? 'gray'} styles={{ root: { color: 'var(--text)' } }}>
      {mode}
    </Badge>
  );
}
