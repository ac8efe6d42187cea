import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import type { ReviewFilter, Verdict } from '../../../shared/comparison/api';
import type { MethodInput } from '../../../shared/contract';
import { useClient } from '../../app/services';
import { formatTime } from '../../ui/format-time';
import { useLoad } from '../output-types/use-load';
import { reviewStore } from './review-store';
import { VerdictTag } from './VerdictTag';

type Filter = MethodInput<'comparisons.list'>;

/** Every shadow comparison with verdict, output type, workflow revision, date and review; filters; the latest verdict per output type. */
export function ComparisonsPage() {
  const client = useClient();
  const id = useId();
  const [outputTypeKey, setOutputTypeKey] = useState('');
  const [verdict, setVerdict] = useState('');
  const [review, setReview] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const filter: Filter = {
    ...(outputTypeKey ? { outputTypeKey } : {}),
    ...(verdict ? { verdict: verdict as Verdict } : {}),
    ...(review ? { review: review as ReviewFilter } : {}),
    ...(since ? { since: new Date(since).toISOString() } : {}),
    ...(until ? { until: new Date(`${until}T23:59:59.999`).toISOString() } : {}),
  };
  const filterKey = JSON.stringify(filter);
  const { data, error, reload } = useLoad(() => client.call('comparisons.list', JSON.parse(filterKey) as Filter), [client, filterKey]);
  const all = useLoad(() => client.call('comparisons.list', {}), [client]);

  // A new comparison needing review: list it.
  useEffect(() => {
    void reviewStore(client).getState().refresh();
    return client.on('notifications.desktop', (n) => {
      if (n.event !== 'comparison.review') return;
      reload();
      all.reload();
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, reload]);

  const latest = all.data ? Object.entries(all.data.latestByOutputType).sort(([a], [b]) => a.localeCompare(b)) : [];
  const keys = latest.map(([k]) => k);

  return (
    <>
      <h1 tabIndex={-1}>Comparisons</h1>
      <p className="lede">Shadow comparisons of the legacy render against its graph migration, per output type. Approving a clean pass is what lets an output type switch to graph.</p>
      <section className="section" aria-labelledby={`${id}-latest`}>
        <h2 id={`${id}-latest`}>Latest verdict per output type</h2>
        {all.data && latest.length === 0 && <p className="muted">No comparison yet: dispatch an order line in shadow mode.</p>}
        {latest.length > 0 && (
          <ul className="cmp-latest" aria-label="Latest verdict per output type">
            {latest.map(([key, l]) => (
              <li key={key}>
                <Link to={`/comparisons/${l.id}`}>{key}</Link> <VerdictTag verdict={l.verdict} /> <span className="muted">{l.review ? (l.review === 'approve' ? 'approved' : 'rejected') : 'pending review'}</span>{' '}
                <Link to={`/output-types/${encodeURIComponent(key)}/rollout`} aria-label={`Rollout of ${key}`}>
                  rollout
                </Link>
              </li>
            ))}
          </ul>
        )}
        {all.data && (
          <p className="muted">
            {all.data.pendingReview} comparison{all.data.pendingReview === 1 ? '' : 's'} waiting for review.
          </p>
        )}
      </section>
      <form className="toolbar cmp-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Output type{' '}
          <select value={outputTypeKey} onChange={(e) => setOutputTypeKey(e.target.value)}>
            <option value="">All</option>
            {keys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Verdict{' '}
          <select value={verdict} onChange={(e) => setVerdict(e.target.value)}>
            <option value="">All</option>
            <option value="pass">pass</option>
            <option value="warn">warn</option>
            <option value="fail">fail</option>
          </select>
        </label>
        <label>
          Review{' '}
          <select value={review} onChange={(e) => setReview(e.target.value)}>
            <option value="">All</option>
            <option value="pending">pending</option>
            <option value="approve">approved</option>
            <option value="reject">rejected</option>
          </select>
        </label>
        <label>
          Since <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          Until <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
      </form>
      {error && <p className="field-error">The comparisons could not be loaded: {error}</p>}
      {!data && !error && <p className="muted">Loading…</p>}
      {data && data.comparisons.length === 0 && <p className="muted">No comparison matches.</p>}
      {data && data.comparisons.length > 0 && (
        <div className="table-scroll">
          <table aria-label="Comparisons" className="cmp-table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Output type</th>
                <th scope="col">Verdict</th>
                <th scope="col">Workflow revision</th>
                <th scope="col">Review</th>
                <th scope="col">Reasons</th>
              </tr>
            </thead>
            <tbody>
              {data.comparisons.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/comparisons/${c.id}`} aria-label={`Comparison of ${c.outputTypeKey} at ${formatTime(c.createdAt)}`}>
                      {formatTime(c.createdAt)}
                    </Link>
                  </th>
                  <td>{c.outputTypeKey}</td>
                  <td>
                    <VerdictTag verdict={c.verdict} />
                  </td>
                  <td>{c.workflowId ? `${c.workflowId} r${c.workflowRevision ?? '?'}` : '—'}</td>
                  <td>{c.review ? `${c.review.decision === 'approve' ? 'Approved' : 'Rejected'} by ${c.review.who}` : 'Pending'}</td>
                  <td>{c.reasons.length ? c.reasons.slice(0, 2).join('; ') + (c.reasons.length > 2 ? ` (+${c.reasons.length - 2})` : '') : 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
