import { useEffect, useMemo, useState } from 'react';
import { useConnection } from '../../app/services';
import { useCadLibraryModel } from '../cad-library/cad-store';
import { formatTime } from '../../ui/format-time';
import { NewOrderForm } from './NewOrderForm';
import { OrderSection } from './OrderSection';
import { useOrders, useOrdersModel } from './orders-store';

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value : null;
}

/** Desktop notifications that arrived while the app is open (the host has no system tray to show them). */
function RecentNotifications() {
  const desktop = useOrders((s) => s.desktop);
  // The live region stays in the page even when empty, so the first arrival is announced.
  return (
    <section aria-labelledby="orders-notifications" className={desktop.length === 0 ? 'visually-hidden' : 'notifications-panel'}>
      <h2 id="orders-notifications">Notifications</h2>
      <div role="log" aria-label="Desktop notifications">
        <ul className="plain-list">
          {desktop.map((n) => {
            const title = text(n.payload['title']) ?? n.event;
            const body = text(n.payload['body']) ?? text(n.payload['message']);
            return (
              <li key={n.id} className="notification">
                <strong>{title}</strong>
                {body && <span> {body}</span>} <span className="muted">{formatTime(n.createdAt)}</span>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

/** Orders: create from CAD files × output types, dispatch, follow live, inspect what each line produced. */
export function OrdersPage() {
  const model = useOrdersModel();
  const cadLibrary = useCadLibraryModel();
  const orders = useOrders((s) => s.orders);
  const loaded = useOrders((s) => s.loaded);
  const error = useOrders((s) => s.error);
  const outputTypes = useOrders((s) => s.outputTypes);
  const epoch = useConnection((s) => s.epoch);
  const [selectedLineId, setSelectedLineId] = useState<string | null>(null);

  // Read everything on open and after every reconnect (events may have been missed meanwhile).
  useEffect(() => {
    if (epoch === 0) return;
    void model.refresh();
    void model.refreshOutputTypes();
    void cadLibrary.refresh();
  }, [model, cadLibrary, epoch]);

  const typeNames = useMemo(() => new Map(outputTypes.map((t) => [t.key, t.name])), [outputTypes]);
  const queued = orders.flatMap((o) => o.lines.filter((l) => l.status === 'queued').map((l) => l.id));
  const rendering = orders.reduce((n, o) => n + o.lines.filter((l) => l.status === 'rendering').length, 0);

  return (
    <>
      <h1 tabIndex={-1}>Orders</h1>
      <p className="lede">
        An order asks for output types of CAD files: one line per CAD file × output type × copy. Dispatch renders a line
        in its output type&apos;s mode; the published media, notifications and render log are kept with it.
      </p>
      <NewOrderForm />
      <RecentNotifications />
      <h2>Orders</h2>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      {!loaded && !error && <p role="status">Reading the orders…</p>}
      {loaded && orders.length === 0 && <p>No orders yet.</p>}
      {orders.length > 0 && (
        <div className="toolbar">
          <button type="button" disabled={queued.length === 0} onClick={() => void model.dispatchAll(queued)}>
            Dispatch all queued ({queued.length})
          </button>
          <span role="status" className="muted">
            {rendering > 0 ? `${rendering} ${rendering === 1 ? 'line' : 'lines'} rendering` : ''}
          </span>
        </div>
      )}
      {orders.map((order) => (
        <OrderSection key={order.id} order={order} typeNames={typeNames} selectedLineId={selectedLineId} onSelect={setSelectedLineId} />
      ))}
    </>
  );
}
