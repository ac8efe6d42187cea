import type { CheckStatus } from '../../../shared/preflight/report';
import { STATUS_TEXT } from './format';

const ICONS: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✕' };

/** Status as a word with a colored tag; the color only repeats what the text says. */
export function CheckStatusTag({ status }: { status: CheckStatus }) {
  return (
    <span className={`tag tag-${status}`}>
      <span aria-hidden="true">{ICONS[status]} </span>
      {STATUS_TEXT[status]}
    </span>
  );
}

export function YesNo({ value }: { value: boolean }) {
  return <span className={`tag ${value ? 'tag-ok' : 'tag-fail'}`}>{value ? 'Yes' : 'No'}</span>;
}
