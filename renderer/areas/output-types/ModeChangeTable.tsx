import type { z } from 'zod';
import type { ModeChangeSchema } from '../../../shared/rollout/api';
import { formatTime } from '../../ui/format-time';

type ModeChange = z.infer<typeof ModeChangeSchema>;

/** The log of mode changes: when, what, from → to (override marked), who, why. */
export function ModeChangeTable({ changes, label, targetHeader }: { changes: ModeChange[]; label: string; targetHeader: string }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">{targetHeader}</th>
          <th scope="col">Change</th>
          <th scope="col">Who</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.id}>
            <th scope="row">{formatTime(c.createdAt)}</th>
            <td>
              {c.targetKind === 'workflow' && targetHeader !== 'Workflow' ? 'workflow ' : ''}
              {c.target}
            </td>
            <td>
              {c.fromMode ?? 'unset'} → {c.toMode}
              {c.override ? ' (override)' : ''}
            </td>
            <td>{c.who}</td>
            <td>{c.reason ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
