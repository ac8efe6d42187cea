import { Link } from 'react-router';
import { useReview } from './review-store';

/** The count of comparisons waiting for review, beside the Comparisons link (outside it, so the link keeps its name). */
export function ReviewBadge() {
  const pending = useReview((s) => s.pendingReview);
  if (!pending) return null;
  const label = `${pending} comparison${pending === 1 ? '' : 's'} waiting for review`;
  return (
    <span className="cmp-badge" role="status" aria-label={label} title={label}>
      {pending}
    </span>
  );
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The review notifications received while the app is open: "a comparison needs review", with a link to it. */
export function ReviewNotices() {
  const notices = useReview((s) => s.notices);
  const dismiss = useReview((s) => s.dismiss);
  return (
    <div role="log" aria-label="Review notifications" className="cmp-notices">
      {notices.map((n) => {
        const id = str(n.payload.comparisonId);
        const outputType = str(n.payload.outputType);
        const verdict = str(n.payload.verdict);
        return (
          <div key={n.id} className="cmp-notice">
            <p>
              A shadow comparison of <strong>{outputType || 'an output type'}</strong> needs review{verdict ? ` (verdict ${verdict})` : ''}.
            </p>
            <div className="actions">
              {id && (
                <Link to={`/comparisons/${id}`} onClick={() => dismiss(n.id)}>
                  Review it
                </Link>
              )}
              <button type="button" className="link-button" onClick={() => dismiss(n.id)} aria-label={`Dismiss the review notification of ${outputType || id}`}>
                Dismiss
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}
