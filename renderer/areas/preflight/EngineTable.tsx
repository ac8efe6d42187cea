import type { EngineProbe } from '../../../shared/preflight/report';
import { YesNo } from './CheckStatusTag';
import { engineName, formatDuration } from './format';

export function EngineTable({ engines }: { engines: EngineProbe[] }) {
  if (engines.length === 0) return <p className="muted">No engine was tried (Blender was not usable).</p>;
  return (
    <table className="grid">
      <caption>Engines that render headless</caption>
      <thead>
        <tr>
          <th scope="col">Engine</th>
          <th scope="col">Renders</th>
          <th scope="col">Detail</th>
          <th scope="col" className="num">Time</th>
        </tr>
      </thead>
      <tbody>
        {engines.map((probe) => (
          <tr key={probe.engine}>
            <th scope="row">{engineName(probe.engine)}</th>
            <td>
              <YesNo value={probe.renders} />
            </td>
            <td className="detail">{probe.detail}</td>
            <td className="num">{formatDuration(probe.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
