import type { Order, OrderLine } from '../../../shared/orders/api';
import { formatTime } from '../../ui/format-time';
import { LineDetail } from './LineDetail';
import { StatusTag } from './LineStatusTag';
import { useOrders, useOrdersModel, type LineProgress } from './orders-store';
import { ActionsHeader } from '../../ui/ActionsHeader';

export function lineLabel(order: Order, line: OrderLine): string {
  return `line ${line.lineNo} of ${order.name}`;
}

/** Progress of a line: the step running and done/total from orders.progress; indeterminate while unknown. */
function LineProgressCell({ line, progress, label, cancelling }: { line: OrderLine; progress: LineProgress | undefined; label: string; cancelling: boolean }) {
  const live = progress && progress.status === line.status ? progress : undefined;
  const hasCount = live && typeof live.done === 'number' && typeof live.total === 'number' && live.total > 0;
  let bar;
  let text: string;
  switch (line.status) {
    case 'succeeded':
      bar = <progress max={1} value={1} aria-label={`Progress of ${label}`} />;
      text = 'Done';
      break;
    case 'rendering':
      bar = hasCount ? (
        <progress max={live.total} value={Math.min(live.done ?? 0, live.total ?? 0)} aria-label={`Progress of ${label}`} />
      ) : (
        <progress aria-label={`Progress of ${label}`} />
      );
      text = live?.step ? `${live.step}${hasCount ? `: ${live.done}/${live.total}` : ''}` : 'Starting';
      if (cancelling) text = `Cancelling (at ${text})`;
      break;
    case 'queued':
      bar = <progress max={1} value={0} aria-label={`Progress of ${label}`} />;
      text = 'Not dispatched';
      break;
    default:
      bar = hasCount ? <progress max={live.total} value={Math.min(live.done ?? 0, live.total ?? 0)} aria-label={`Progress of ${label}`} /> : null;
      text = live?.step ? `Stopped at ${live.step}` : '';
  }
  return (
    <td className="progress-cell">
      {bar} <span className="progress-text">{text}</span>
    </td>
  );
}

function LineRow({ order, line, typeName, selected, onSelect }: { order: Order; line: OrderLine; typeName: string; selected: boolean; onSelect: (id: string | null) => void }) {
  const model = useOrdersModel();
  const progress = useOrders((s) => s.progress[line.id]);
  const actionError = useOrders((s) => s.lineErrors[line.id]);
  const busy = useOrders((s) => Boolean(s.busy[line.id]));
  const cancelling = useOrders((s) => Boolean(s.cancelling[line.id]));
  const label = lineLabel(order, line);
  const canDispatch = line.status === 'queued' || line.status === 'failed' || line.status === 'cancelled';
  const again = line.status !== 'queued';
  return (
    <tr aria-selected={selected} className={selected ? 'row-selected' : undefined}>
      <th scope="row" className="num">
        {line.lineNo}
      </th>
      <td>{line.cadName}</td>
      <td>
        {typeName}
        {typeName !== line.outputTypeKey && <div className="muted">{line.outputTypeKey}</div>}
      </td>
      <td className="detail">
        <StatusTag status={line.status} />
        {line.error && line.status === 'failed' && <div className="field-error">{line.error}</div>}
        {actionError && (
          <div role="alert" className="field-error">
            {actionError}
          </div>
        )}
      </td>
      <td>{line.modeUsed ?? '—'}</td>
      <td className="num">{line.attempts}</td>
      <LineProgressCell line={line} progress={progress} label={label} cancelling={cancelling} />
      <td className="row-actions">
        {canDispatch && (
          <button type="button" className={again ? undefined : 'primary'} disabled={busy} aria-label={`Dispatch ${label}${again ? ' again' : ''}`} onClick={() => void model.dispatch(line.id)}>
            {again ? 'Dispatch again' : 'Dispatch'}
          </button>
        )}
        {line.status === 'rendering' && (
          <button type="button" className="danger" disabled={busy || cancelling} aria-label={`Cancel ${label}`} onClick={() => void model.cancel(line.id)}>
            Cancel
          </button>
        )}
        <button type="button" aria-label={`Details of ${label}`} aria-expanded={selected} onClick={() => onSelect(selected ? null : line.id)}>
          Details
        </button>
      </td>
    </tr>
  );
}

/** One order: its lines with live status and actions, and the detail of the selected line. */
export function OrderSection({ order, typeNames, selectedLineId, onSelect }: { order: Order; typeNames: ReadonlyMap<string, string>; selectedLineId: string | null; onSelect: (id: string | null) => void }) {
  const model = useOrdersModel();
  const queued = order.lines.filter((l) => l.status === 'queued');
  const counts = new Map<string, number>();
  for (const line of order.lines) counts.set(line.status, (counts.get(line.status) ?? 0) + 1);
  const summary = Array.from(counts, ([status, n]) => `${n} ${status}`).join(', ');
  const selected = order.lines.find((l) => l.id === selectedLineId) ?? null;
  const headingId = `order-${order.id}`;
  return (
    <section className="order" aria-labelledby={headingId}>
      <div className="order-head">
        <h3 id={headingId}>{order.name}</h3>
        <span className="muted">
          Created {formatTime(order.createdAt)}; {order.lines.length} {order.lines.length === 1 ? 'line' : 'lines'}: {summary}
        </span>
        {queued.length > 0 && (
          <button type="button" onClick={() => void model.dispatchAll(queued.map((l) => l.id))}>
            Dispatch {queued.length} queued {queued.length === 1 ? 'line' : 'lines'}
            <span className="visually-hidden"> of {order.name}</span>
          </button>
        )}
      </div>
      <div className="table-scroll">
        <table className="grid lines-table" aria-label={`Lines of ${order.name}`}>
          <thead>
            <tr>
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">CAD file</th>
              <th scope="col">Output type</th>
              <th scope="col">Status</th>
              <th scope="col">Mode</th>
              <th scope="col" className="num">
                Attempts
              </th>
              <th scope="col">Progress</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <LineRow key={line.id} order={order} line={line} typeName={typeNames.get(line.outputTypeKey) ?? line.outputTypeKey} selected={line.id === selectedLineId} onSelect={onSelect} />
            ))}
          </tbody>
        </table>
      </div>
      {selected && <LineDetail line={selected} label={lineLabel(order, selected)} typeName={typeNames.get(selected.outputTypeKey) ?? selected.outputTypeKey} onClose={() => onSelect(null)} />}
    </section>
  );
}
