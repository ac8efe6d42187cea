import { useRef } from 'react';
import { Button, Group, Progress, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatTime } from '../../ui/format-time';
import { RunStatusTag } from '../runs/RunStatusTag';
import { isActive, shortId, taskName, type FarmTask } from './task-view';
import { useVirtualRows } from '../../ui/paged/use-virtual-rows';

/** A row with a button and a progress bar. */
const ROW_ESTIMATE = 48;
const noMore = () => undefined;

/**
 * Farm tasks, newest first: what each renders, for which run and order line, its state and
 * progress, log and cancel. Only the rows in view of its scroll box are drawn (a busy queue
 * holds thousands); farm.changed patches the rows in place.
 */
export function TaskTable(props: { label: string; tasks: FarmTask[]; selected: string | null; onSelect: (id: string) => void; onCancel: (id: string) => void }) {
  const scroll = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows({ count: props.tasks.length, scrollRef: scroll, estimate: ROW_ESTIMATE, hasMore: false, onNearEnd: noMore, getKey: (i) => props.tasks[i]?.id ?? i });
  return (
    <div ref={scroll} style={{ maxHeight: '60vh', overflow: 'auto', contain: 'content' }}>
      <Table aria-label={props.label} aria-rowcount={props.tasks.length + 1} highlightOnHover verticalSpacing={4} miw={860} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Task</Table.Th>
            <Table.Th scope="col">Run</Table.Th>
            <Table.Th scope="col">Order line</Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col">Progress</Table.Th>
            <Table.Th scope="col">Submitted</Table.Th>
            <Table.Th scope="col" ta="right">
              Attempts
            </Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {virtual.before > 0 && <tr aria-hidden="true" style={{ height: virtual.before }} />}
          {virtual.rows.map(({ index, key }) => {
            const t = props.tasks[index] as FarmTask;
            const name = taskName(t);
            const error = t.attempts.at(-1)?.error;
            const pct = Math.floor(t.progress * 100);
            return (
              <Table.Tr key={key} aria-rowindex={index + 2} bg={props.selected === t.id ? 'var(--selected)' : undefined}>
                <Table.Th scope="row" fw="normal">
                  {t.title}
                  {t.cadFileName && (
                    <Text size="sm" c="dimmed">
                      of {t.cadFileName}
                    </Text>
                  )}
                </Table.Th>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{t.runId ? <Link to={`/runs/${encodeURIComponent(t.runId)}`}>Run {shortId(t.runId)}</Link> : <Text span c="dimmed">—</Text>}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {/* The whole id: its end is the line's number in its order. */}
                  {t.orderLineId ? <Link to={`/orders?line=${encodeURIComponent(t.orderLineId)}`}>Line {t.orderLineId}</Link> : <Text span c="dimmed">—</Text>}
                </Table.Td>
                <Table.Td>
                  <RunStatusTag status={t.state} />
                  {error && error !== 'cancelled' && (
                    <Text size="sm" c="var(--fail)" style={{ overflowWrap: 'anywhere' }}>
                      {error}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Progress aria-label={`Progress of ${name}`} value={pct} w={70} color="var(--warn)" />
                    <Text span size="sm" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                      {pct} %
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(t.submittedAt)}</Table.Td>
                <Table.Td ta="right">{t.attempts.length}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button variant="default" onClick={() => props.onSelect(t.id)} aria-label={`Show log of ${name}`} aria-pressed={props.selected === t.id}>
                      Log
                    </Button>
                    {isActive(t) && (
                      <Button variant="default" color="red" onClick={() => props.onCancel(t.id)} aria-label={`Cancel ${name}`}>
                        Cancel
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
          {virtual.after > 0 && <tr aria-hidden="true" style={{ height: virtual.after }} />}
        </Table.Tbody>
      </Table>
    </div>
  );
}
