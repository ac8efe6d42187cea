import type { PreflightCheck } from '../../../shared/preflight/report';
import { CheckStatusTag } from './CheckStatusTag';

/** Every finding with what to do about it; used for the finished report. */
export function CheckTable({ checks, label }: { checks: PreflightCheck[]; label: string }) {
  return (
    <table className="grid" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Check</th>
          <th scope="col">Detail</th>
          <th scope="col">Fix</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((check) => (
          <tr key={check.id} className={`row-${check.status}`}>
            <td>
              <CheckStatusTag status={check.status} />
            </td>
            <th scope="row">{check.title}</th>
            <td className="detail">{check.detail}</td>
            <td className="detail">{check.fix ?? <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Checks as they finish during a run, in the order they arrive. */
export function ProgressList({ checks }: { checks: PreflightCheck[] }) {
  return (
    <ol className="progress-list" aria-label="Checks finished so far">
      {checks.map((check) => (
        <li key={check.id}>
          <CheckStatusTag status={check.status} /> <strong>{check.title}</strong> <span className="detail">{check.detail}</span>
        </li>
      ))}
      <li className="muted" aria-hidden="true">
        <span className="spinner" /> working…
      </li>
    </ol>
  );
}
