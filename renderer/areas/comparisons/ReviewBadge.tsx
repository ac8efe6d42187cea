import { useEffect } from 'react';
import { Alert, Anchor, Badge, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useClient, useConnection } from '../../app/services';
import { reviewStore, useReview } from './review-store';

/** How often shown notices are checked against the backend (a review in another window sends no event). */
const RECHECK_MS = 20_000;

/**
 * The count of review groups awaiting a decision (a revision of an output type, not each comparison:
 * a batch of 200 passes is one decision), beside the Comparisons link (outside it, so the link keeps its name).
 */
export function ReviewBadge() {
  const pending = useReview((s) => s.pendingGroups);
  if (!pending) return null;
  const label = `${pending} review group${pending === 1 ? '' : 's'} awaiting a decision`;
  return (
    <Badge className="nav-badge" variant="filled" size="sm" circle={pending < 10} role="status" aria-label={label} title={label}>
      {pending}
    </Badge>
  );
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A verdict's colour: only a failing one is red; a pass waiting for review is news, not an error. */
function verdictColor(verdict: string): string {
  if (verdict === 'fail') return 'red';
  if (verdict === 'pass') return 'lightbox';
  return 'yellow';
}

/**
 * The review notifications received while the app is open, one per review group's pending set:
 * "shadow results await a review decision", with a link to the review groups. A notice goes when it is dismissed, followed, or its comparison is no longer pending (the
 * store drops it on refresh), so an approved comparison leaves no stale notice behind.
 */
export function ReviewNotices() {
  const notices = useReview((s) => s.notices);
  const dismiss = useReview((s) => s.dismiss);
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const shown = notices.length > 0;
  // After a reconnect (events may have been missed) and while notices are shown, recheck them.
  useEffect(() => {
    const store = reviewStore(client);
    if (epoch > 1) void store.getState().refresh();
    if (!shown) return;
    const timer = setInterval(() => void store.getState().refresh(), RECHECK_MS);
    return () => clearInterval(timer);
  }, [client, epoch, shown]);
  return (
    <div role="log" aria-label="Review notifications" className="review-notices">
      {notices.map((n) => {
        const id = str(n.payload.comparisonId);
        const outputType = str(n.payload.outputType);
        const verdict = str(n.payload.verdict);
        return (
          <Alert
            key={n.id}
            color={verdictColor(verdict)}
            variant="light"
            p="xs"
            title="Review decision needed"
            withCloseButton
            closeButtonLabel={`Dismiss the review notification of ${outputType || id}`}
            onClose={() => dismiss(n.id)}
          >
            <Text size="sm" c="var(--text)">
              Shadow results of <strong>{outputType || 'an output type'}</strong> await a review decision{verdict ? ` (the first: ${verdict})` : ''}.
            </Text>
            {id && (
              // The text colour, underlined: the link colour is under 4.5:1 on the dark scheme's red of a failing verdict.
              // To the review groups: one notice per group's pending set, decided there as one.
              <Anchor component={Link} to="/comparisons" size="sm" c="var(--text)" underline="always" onClick={() => dismiss(n.id)}>
                Review it
              </Anchor>
            )}
          </Alert>
        );
      })}
    </div>
  );
}
