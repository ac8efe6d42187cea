import type { FarmStatus } from '../../../shared/farm/status';

type Task = FarmStatus['tasks'][number];

const CANCELLABLE = new Set<Task['state']>(['queued', 'running', 'retrying']);

export function TaskTable(props: {
  tasks: Task[];
  selected: string | null;
  onSelect: (id: string) => void;
  onCancel: (id: string) => void;
}) {
  if (props.tasks.length === 0) return <p>The queue is empty.</p>;
  return (
    <table className="grid" aria-label="Render queue">
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Kind</th>
          <th scope="col">State</th>
          <th scope="col">Progress</th>
          <th scope="col" className="num">Attempts</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.tasks.map((t) => (
          <tr key={t.id} aria-selected={props.selected === t.id}>
            <th scope="row">{t.label}</th>
            <td>{t.kind}</td>
            <td>
              {t.state}
              {t.attempts.at(-1)?.error ? ` — ${t.attempts.at(-1)?.error}` : ''}
            </td>
            <td>
              <progress max={1} value={t.progress} aria-label={`Progress of ${t.label}`} /> {Math.round(t.progress * 100)}%
            </td>
            <td className="num">{t.attempts.length}</td>
            <td>
              <button type="button" onClick={() => props.onSelect(t.id)} aria-label={`Show log of ${t.label}`}>
                Log
              </button>{' '}
              {CANCELLABLE.has(t.state) && (
                <button type="button" onClick={() => props.onCancel(t.id)} aria-label={`Cancel ${t.label}`}>
                  Cancel
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
