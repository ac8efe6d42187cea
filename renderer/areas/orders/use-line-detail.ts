import { useEffect, useState } from 'react';
import type { OrderLineDetail } from '../../../shared/orders/api';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { useOrders } from './orders-store';

/** orders.line for one line, read again whenever the line moves on (orders.progress, notifications). */
export function useLineDetail(lineId: string): { detail: OrderLineDetail | null; error: string | null; loading: boolean } {
  const client = useClient();
  const version = useOrders((s) => s.lineVersions[lineId] ?? 0);
  const [detail, setDetail] = useState<OrderLineDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    setDetail(null);
    setError(null);
  }, [lineId]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    client.call('orders.line', { id: lineId }).then(
      (next) => {
        if (!live) return;
        setDetail(next);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(`The line could not be read: ${errorText(e)}`);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [client, lineId, version]);

  return { detail, error, loading };
}
