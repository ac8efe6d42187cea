import type { FarmStatus } from '../../../shared/farm/status';

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function ProcessTable({ processes }: { processes: FarmStatus['processes'] }) {
  return (
    <table className="grid" aria-label="Blender processes">
      <thead>
        <tr>
          <th scope="col">Slot</th>
          <th scope="col">Mode</th>
          <th scope="col">State</th>
          <th scope="col">PID</th>
          <th scope="col" className="num">Jobs done</th>
          <th scope="col" className="num">Memory</th>
          <th scope="col">Task</th>
        </tr>
      </thead>
      <tbody>
        {processes.map((p) => (
          <tr key={p.slot}>
            <th scope="row">{p.slot}</th>
            <td>{p.mode}</td>
            <td>{p.state}</td>
            <td>{p.pid ?? '—'}</td>
            <td className="num">{p.jobsDone}</td>
            <td className="num">{formatBytes(p.rssBytes)}</td>
            <td>{p.taskId ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
