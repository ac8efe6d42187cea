import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { OrderLine, OrderSummary } from '../../../shared/orders/api';
import { useVirtualRows } from '../../ui/paged/use-virtual-rows';
import { formatTime } from '../../ui/format-time';
import { Modal } from '../../ui/Modal';
import { LineDetail } from './LineDetail';
import { StatusTag, ToneBadge } from './LineStatusTag';
import { useOrders, useOrdersModel, type LineProgress } from './orders-store';

type Order = Pick<OrderSummary, 'id' | 'name' | 'archivedAt'>;

/** About one table row (a button and a line of text). */
const ROW_ESTIMATE = 52;

export function lineLabel(order: Order, line: OrderLine): string {
  return `line ${line.lineNo} of ${order.name}`;
}

/** Progress of a line: the step running and done/total from orders.progress; indeterminate while unknown. */
function LineProgressCell({ line, progress, label, cancelling }: { line: OrderLine; progress: LineProgress | undefined; label: string; cancelling: boolean }) {
  const live = progress && progress.status === line.status ? progress : undefined;
  const hasCount = live && typeof live.done === 'number' && typeof live.total === 'number' && live.total > 0;
  // A native <progress>: its value and max say exactly how many steps or frames are done.
  let bar;
  let text: string;
  switch (line.status) {
    case 'succeeded':
      bar = <progress max={1} value={1} aria-label={`Progress of ${label}`} />;
      text = 'Done';
      break;
    case 'rendering':
      bar = hasCount ? <progress max={live.total} value={Math.min(live.done ?? 0, live.total ?? 0)} aria-label={`Progress of ${label}`} /> : <progress aria-label={`Progress of ${label}`} />;
      text = live?.step ? `${live.step}${hasCount ? `: ${live.done}/${live.total}` : ''}` : 'Starting';
      if (cancelling) text = `Cancelling (at ${text})`;
      break;
    case 'queued':
      bar = <progress max={1} value={0} aria-label={`Progress of ${label}`} />;
      text = 'Not dispatched';
      break;
    default:
      bar = hasCount ? <progress max={live.total} value={Math.min(live.done ?? 0, live.total ?? 0)} aria-label={`Progress of ${label}`} /> : null;
      text = line.cancelledAt ? 'Never dispatched' : live?.step ? `Stopped at ${live.step}` : '';
  }
  return (
    <Table.Td className="progress-cell">
      <Group gap={6} wrap="nowrap">
        {bar}
        <Text span size="sm" c="dimmed">
          {text}
        </Text>
      </Group>
    </Table.Td>
  );
}

/** Memoized: scrolling draws new rows without drawing the rows still in view again. */
const LineRow = memo(function LineRow({
  order,
  line,
  typeName,
  selected,
  onSelect,
  onCancelQueued,
  index,
}: {
  order: Order;
  line: OrderLine;
  typeName: string;
  selected: boolean;
  onSelect: (id: string | null) => void;
  onCancelQueued: (line: OrderLine) => void;
  index: number;
}) {
  const model = useOrdersModel();
  const progress = useOrders((s) => s.progress[line.id]);
  const actionError = useOrders((s) => s.lineErrors[line.id]);
  const busy = useOrders((s) => Boolean(s.busy[line.id]));
  const cancelling = useOrders((s) => Boolean(s.cancelling[line.id]));
  const label = lineLabel(order, line);
  const archived = order.archivedAt !== null;
  const canDispatch = !archived && !line.cancelledAt && (line.status === 'queued' || line.status === 'failed' || line.status === 'cancelled');
  const again = line.status !== 'queued';
  return (
    <Table.Tr aria-rowindex={index + 2} aria-selected={selected} bg={selected ? 'var(--selected)' : undefined}>
      <Table.Th scope="row" fw={400} ta="right">
        {line.lineNo}
      </Table.Th>
      <Table.Td>{line.cadName}</Table.Td>
      <Table.Td>
        {typeName}
        {typeName !== line.outputTypeKey && (
          <Text size="sm" c="dimmed">
            {line.outputTypeKey}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <StatusTag status={line.status} />
        {line.error && line.status === 'failed' && (
          <Text size="sm" c="var(--fail)">
            {line.error}
          </Text>
        )}
        {actionError && (
          <Text role="alert" size="sm" c="var(--fail)">
            {actionError}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{line.modeUsed ?? '—'}</Table.Td>
      <Table.Td ta="right">{line.attempts}</Table.Td>
      <LineProgressCell line={line} progress={progress} label={label} cancelling={cancelling} />
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {canDispatch && (
            <Button variant={again ? 'default' : 'filled'} disabled={busy} aria-label={`Dispatch ${label}${again ? ' again' : ''}`} onClick={() => void model.dispatch(line.id)}>
              {again ? 'Dispatch again' : 'Dispatch'}
            </Button>
          )}
          {line.status === 'rendering' && (
            <Button variant="default" disabled={busy || cancelling} aria-label={`Cancel ${label}`} onClick={() => void model.cancel(line.id)}>
              Cancel
            </Button>
          )}
          {line.status === 'queued' && (
            <Button variant="default" disabled={busy} aria-label={`Cancel ${label}`} onClick={() => onCancelQueued(line)}>
              Cancel
            </Button>
          )}
          <Button variant="subtle" aria-label={`Details of ${label}`} aria-expanded={selected} onClick={() => onSelect(selected ? null : line.id)}>
            Details
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
});

/** Asks before cancelling a queued line: it is then never dispatched. */
function CancelQueuedDialog({ order, line, typeName, onClose }: { order: Order; line: OrderLine | null; typeName: string; onClose: () => void }) {
  const model = useOrdersModel();
  const label = line ? lineLabel(order, line) : '';
  return (
    <Modal open={line !== null} onClose={onClose} title={`Cancel ${label}?`} size="md">
      <Stack gap="sm">
        <Text>
          {line?.cadName} in {typeName} has not been dispatched. Cancelled, it stays in the order as cancelled and is never dispatched.
        </Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            Keep the line
          </Button>
          <Button
            color="red.9"
            onClick={() => {
              if (line) void model.cancel(line.id);
              onClose();
            }}
          >
            Cancel the line
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * One order: its lines with live status and actions, and the detail of the selected line. The
 * lines are read a page at a time once the order comes into view, and only the rows in view of
 * the table's scroll box are drawn, so an order of thousands of lines opens on its first page.
 */
export function OrderSection({ order, typeNames, selectedLineId, onSelect }: { order: OrderSummary; typeNames: ReadonlyMap<string, string>; selectedLineId: string | null; onSelect: (id: string | null) => void }) {
  const model = useOrdersModel();
  const [confirming, setConfirming] = useState<OrderLine | null>(null);
  const [archiving, setArchiving] = useState(false);
  const [dispatching, setDispatching] = useState(false);
  const loaded = useOrders((s) => s.lines[order.id]);
  const lines = loaded?.items ?? [];
  const archived = order.archivedAt !== null;
  const queued = archived ? 0 : order.lineCounts.queued;
  const summary = Object.entries(order.lineCounts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const selected = lines.find((l) => l.id === selectedLineId) ?? null;
  const headingId = `order-${order.id}`;

  // The first page of lines once the order is near the screen (not for every order listed).
  const section = useRef<HTMLElement>(null);
  const wanted = loaded === undefined;
  useEffect(() => {
    const target = section.current;
    if (!target || !wanted) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void model.loadLines(order.id), { rootMargin: '400px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [model, order.id, wanted]);

  const scroll = useRef<HTMLDivElement>(null);
  const more = useCallback(() => void model.loadLines(order.id, true), [model, order.id]);
  const virtual = useVirtualRows({ count: lines.length, scrollRef: scroll, estimate: ROW_ESTIMATE, hasMore: Boolean(loaded?.cursor), onNearEnd: more, getKey: (i) => lines[i]?.id ?? i });

  const dispatchQueued = async () => {
    setDispatching(true);
    try {
      await model.dispatchAll(await model.queuedLineIds(order.id));
    } finally {
      setDispatching(false);
    }
  };

  const toggleArchive = async () => {
    setArchiving(true);
    const error = await model.setArchived(order.id, !archived);
    setArchiving(false);
    if (error) notifications.show({ color: 'red', title: `${order.name} was not ${archived ? 'unarchived' : 'archived'}`, message: error });
    else notifications.show({ title: archived ? `${order.name} is back` : `${order.name} archived`, message: archived ? 'Its lines can be dispatched again.' : 'Hidden from the list; "Show archived" lists it.' });
  };

  return (
    <Paper component="section" ref={section} withBorder p="sm" mb="md" aria-labelledby={headingId}>
      <Group gap="sm" align="baseline" wrap="wrap" mb={6}>
        <Title order={3} id={headingId}>
          {order.name}
        </Title>
        {archived && <ToneBadge tone="muted">Archived</ToneBadge>}
        <Text size="sm" c="dimmed">
          Created {formatTime(order.createdAt)}
          {archived ? `, archived ${formatTime(order.archivedAt)}` : ''}; {order.lineCount} {order.lineCount === 1 ? 'line' : 'lines'}: {summary}
        </Text>
        <Group gap={4} ml="auto">
          {queued > 0 && (
            <Button variant="default" disabled={dispatching} onClick={() => void dispatchQueued()}>
              Dispatch {queued} queued {queued === 1 ? 'line' : 'lines'}
              <span className="visually-hidden"> of {order.name}</span>
            </Button>
          )}
          <Button variant="default" disabled={archiving} aria-label={`${archived ? 'Unarchive' : 'Archive'} ${order.name}`} onClick={() => void toggleArchive()}>
            {archived ? 'Unarchive' : 'Archive'}
          </Button>
        </Group>
      </Group>
      <div ref={scroll} style={{ maxHeight: 'min(480px, 60vh)', overflow: 'auto', contain: 'content' }}>
        <Table aria-label={`Lines of ${order.name}`} aria-rowcount={order.lineCount + 1} miw={860} stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col" ta="right">
                Line
              </Table.Th>
              <Table.Th scope="col">CAD file</Table.Th>
              <Table.Th scope="col">Output type</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Mode</Table.Th>
              <Table.Th scope="col" ta="right">
                Attempts
              </Table.Th>
              <Table.Th scope="col">Progress</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {virtual.before > 0 && <tr aria-hidden="true" style={{ height: virtual.before }} />}
            {virtual.rows.map(({ index, key }) => {
              const line = lines[index] as OrderLine;
              return (
                <LineRow
                  key={key}
                  index={index}
                  order={order}
                  line={line}
                  typeName={typeNames.get(line.outputTypeKey) ?? line.outputTypeKey}
                  selected={line.id === selectedLineId}
                  onSelect={onSelect}
                  onCancelQueued={setConfirming}
                />
              );
            })}
            {virtual.after > 0 && <tr aria-hidden="true" style={{ height: virtual.after }} />}
          </Table.Tbody>
        </Table>
        {loaded?.loading && (
          <Text size="sm" c="dimmed" role="status">
            Reading lines…
          </Text>
        )}
      </div>
      {selected && <LineDetail line={selected} label={lineLabel(order, selected)} typeName={typeNames.get(selected.outputTypeKey) ?? selected.outputTypeKey} onClose={() => onSelect(null)} />}
      <CancelQueuedDialog order={order} line={confirming} typeName={confirming ? (typeNames.get(confirming.outputTypeKey) ?? confirming.outputTypeKey) : ''} onClose={() => setConfirming(null)} />
    </Paper>
  );
}
