import type { LineStatus } from './orders-store';

const TEXT: Record<LineStatus, string> = { queued: 'Queued', rendering: 'Rendering', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };
const TONE: Record<LineStatus, string> = { queued: 'tag-muted', rendering: 'tag-warn', succeeded: 'tag-ok', failed: 'tag-fail', cancelled: 'tag-muted' };

/** Any run or line status as a word on a colored tag; the color only repeats the word. */
export function StatusTag({ status }: { status: string }) {
  const known = status in TEXT ? (status as LineStatus) : null;
  const tone = known ? TONE[known] : status === 'running' ? 'tag-warn' : status === 'delivered' ? 'tag-ok' : status === 'pending' ? 'tag-warn' : status === 'interrupted' || status === 'skipped' ? 'tag-muted' : 'tag-fail';
  const text = known ? TEXT[known] : status.charAt(0).toUpperCase() + status.slice(1);
  const spinning = status === 'rendering' || status === 'running';
  return (
    <span className={`tag ${tone}`}>
      {spinning && (
        <>
          <span className="spinner" aria-hidden="true" />{' '}
        </>
      )}
      {text}
    </span>
  );
}
