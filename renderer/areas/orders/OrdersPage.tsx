import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useConnection } from '../../app/services';
import { useCadLibraryModel } from '../cad-library/cad-store';
import { formatTime } from '../../ui/format-time';
import { useSearchQuery } from '../../ui/use-search-query';
import { SearchField } from '../../ui/SearchField';
import { NewOrderForm } from './NewOrderForm';
import { OrderSection } from './OrderSection';
import { useOrders, useOrdersModel } from './orders-store';
import { ImportPresetsLink } from './ImportPresetsLink';

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value : null;
}

/** Desktop notifications that arrived while the app is open (the host has no system tray to show them). */
function RecentNotifications() {
  const desktop = useOrders((s) => s.desktop);
  // The live region stays in the page even when empty, so the first arrival is announced.
  return (
    <section aria-labelledby="orders-notifications" className={desktop.length === 0 ? 'visually-hidden' : undefined}>
      <Title order={2} id="orders-notifications" mt="md" mb={4}>
        Notifications
      </Title>
      <div role="log" aria-label="Desktop notifications">
        <Stack component="ul" gap={2} m={0} p={0} style={{ listStyle: 'none' }}>
          {desktop.map((n) => {
            const title = text(n.payload['title']) ?? n.event;
            const body = text(n.payload['body']) ?? text(n.payload['message']);
            return (
              <li key={n.id}>
                <Text span fw={600}>
                  {title}
                </Text>
                {body && <Text span> {body}</Text>}{' '}
                <Text span c="dimmed" size="sm">
                  {formatTime(n.createdAt)}
                </Text>
              </li>
            );
          })}
        </Stack>
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
  const typesLoaded = useOrders((s) => s.outputTypesLoaded);
  const showArchived = useOrders((s) => s.showArchived);
  /** The search the list was read under (the address's, once the connection is up). */
  const query = useOrders((s) => s.query);
  const epoch = useConnection((s) => s.epoch);
  const [selectedLineId, setSelectedLineId] = useState<string | null>(null);

  const { text, query: q, setQuery: search } = useSearchQuery();
  // Another search starts the list over from its first page.
  useEffect(() => {
    if (epoch > 0) model.setQuery(q);
  }, [model, epoch, q]);

  // Read everything on open and after every reconnect (events may have been missed meanwhile).
  useEffect(() => {
    if (epoch === 0) return;
    void model.refresh();
    void model.refreshOutputTypes();
    void cadLibrary.refresh();
  }, [model, cadLibrary, epoch]);

  const summary = useOrders((s) => s.summary);
  const hasMore = useOrders((s) => s.ordersCursor !== null);
  const typeNames = useMemo(() => new Map(outputTypes.map((t) => [t.key, t.name])), [outputTypes]);
  // Counted on the backend over every order, not over the orders read so far.
  const queued = summary?.lines.queued ?? 0;
  const rendering = summary?.lines.rendering ?? 0;
  const [dispatching, setDispatching] = useState(false);
  const dispatchQueued = async () => {
    setDispatching(true);
    try {
      await model.dispatchAll(await model.queuedLineIds());
    } finally {
      setDispatching(false);
    }
  };

  // More orders when the end of the list comes into view.
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = end.current;
    if (!target || !hasMore) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void model.loadMore(), { rootMargin: '600px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [model, hasMore, orders.length]);

  return (
    <>
      <Title order={1} tabIndex={-1}>
        Orders
      </Title>
      <Text className="lede">
        An order asks for output types of CAD files: one line per CAD file × output type × copy. Dispatch renders a line in its output type&apos;s mode; the
        published media, notifications and render log are kept with it.
      </Text>
      <NewOrderForm />
      <RecentNotifications />
      <Group justify="space-between" align="center" mt="lg" mb="xs">
        <Title order={2}>Orders</Title>
        <Switch label="Show archived" checked={showArchived} onChange={(e) => model.setShowArchived(e.currentTarget.checked)} />
      </Group>
      <form aria-label="Search orders" role="search" onSubmit={(e) => e.preventDefault()}>
        <Group gap="sm" align="flex-end" mb="xs">
          <SearchField value={text} onChange={search} description="order name or id" />
        </Group>
      </form>
      <Text role="status" c="dimmed" size="sm" mb="xs" mih={20}>
        {query && loaded && !error ? `${orders.length}${hasMore ? '+' : ''} ${orders.length === 1 && !hasMore ? 'order matches' : 'orders match'} “${query}”` : ''}
      </Text>
      {error && (
        <Alert role="alert" color="red" variant="light" mb="sm">
          <Text c="var(--fail)">{error}</Text>
        </Alert>
      )}
      {!loaded && !error && <Text role="status">Reading the orders…</Text>}
      {loaded && orders.length === 0 && query && !hasMore && (
        <Paper withBorder p="md" mb="md">
          <Text fw={600}>No order matches “{query}”.</Text>
          <Group gap="sm" mt={4}>
            <Text span>The search reads order names and ids{showArchived ? '' : ' (archived orders only with “Show archived”)'}.</Text>
            <Button variant="default" onClick={() => search('')}>
              Clear search
            </Button>
          </Group>
        </Paper>
      )}
      {loaded && orders.length === 0 && !query && (
        <Paper withBorder p="md" mb="md">
          <Text fw={600}>No orders yet.</Text>
          {typesLoaded && outputTypes.length === 0 ? (
            <Text mt={4}>
              An order renders CAD files in output types, and there is none yet. Import your render presets in <ImportPresetsLink />, then create an order above.
            </Text>
          ) : (
            <Text mt={4}>Choose CAD files and output types above and create one. Output types come from <ImportPresetsLink /> or from a workflow.</Text>
          )}
        </Paper>
      )}
      {orders.length > 0 && (
        <Group gap="sm" mb="sm">
          {/* Counted over every open order: under a search the button says so, it does not dispatch only the orders found. */}
          <Button disabled={queued === 0 || dispatching} onClick={() => void dispatchQueued()}>
            {query ? `Dispatch all queued of every order (${queued})` : `Dispatch all queued (${queued})`}
          </Button>
          <Text span role="status" c="dimmed" size="sm">
            {rendering > 0 ? `${rendering} ${rendering === 1 ? 'line' : 'lines'} rendering${query ? ' in every order' : ''}` : ''}
          </Text>
        </Group>
      )}
      {orders.map((order) => (
        <OrderSection key={order.id} order={order} typeNames={typeNames} selectedLineId={selectedLineId} onSelect={setSelectedLineId} />
      ))}
      <div ref={end} aria-hidden="true" />
      {hasMore && (
        <Button variant="default" onClick={() => void model.loadMore()}>
          More orders
        </Button>
      )}
    </>
  );
}
