import { useCallback } from 'react';
import { Alert, Table, Text } from '@mantine/core';
import type { z } from 'zod';
import type { MethodInput } from '../../../shared/contract';
import type { ModeChangeSchema } from '../../../shared/rollout/api';
import { useClient } from '../../app/services';
import { formatTime } from '../../ui/format-time';
import { usePagedList } from '../../ui/paged/use-paged-list';
import { LoadMore } from '../../ui/paged/LoadMore';

type ModeChange = z.infer<typeof ModeChangeSchema>;
type LogFilter = Pick<MethodInput<'rollout.log'>, 'targets' | 'targetKind'>;

/**
 * The log of mode changes, newest first, read from rollout.log a page at a time ("Load more"
 * reads the next), so the whole history is reachable however long it grows. `version` changes
 * when the log may have grown (the page's status was reloaded after a change): the log starts over.
 */
export function ModeChangeTable({ filter, version, label, targetHeader, empty }: { filter: LogFilter; version: string; label: string; targetHeader: string; empty: string }) {
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const load = useCallback((cursor: string | undefined) => client.call('rollout.log', { ...(JSON.parse(filterKey) as LogFilter), ...(cursor ? { cursor } : {}) }), [client, filterKey]);
  const log = usePagedList<ModeChange>(load, `${filterKey}|${version}`, 'The mode log');
  if (log.error) return <Alert color="red">{log.error}</Alert>;
  if (!log.loaded) return <Text c="dimmed">Loading the mode log…</Text>;
  if (log.items.length === 0) return <Text>{empty}</Text>;
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">{targetHeader}</Table.Th>
              <Table.Th scope="col">Change</Table.Th>
              <Table.Th scope="col">Who</Table.Th>
              <Table.Th scope="col">Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {log.items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Th scope="row" fw="normal" style={{ whiteSpace: 'nowrap' }}>
                  {formatTime(c.createdAt)}
                </Table.Th>
                <Table.Td>
                  {c.targetKind === 'workflow' && targetHeader !== 'Workflow' ? 'workflow ' : ''}
                  {c.target}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text span inherit>
                    {c.fromMode ?? 'unset'} → {c.toMode}
                  </Text>
                  {c.override ? ' (override)' : ''}
                </Table.Td>
                <Table.Td>{c.who}</Table.Td>
                <Table.Td>{c.reason ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {log.hasMore ? (
        <LoadMore shown={`The newest ${log.items.length} changes; older ones follow.`} action="Load more changes" loading={log.loading} onClick={log.loadMore} />
      ) : (
        <Text size="sm" c="dimmed" mt="xs" aria-live="polite">
          {log.items.length === 1 ? 'The only change' : `All ${log.items.length} changes`}.
        </Text>
      )}
    </>
  );
}
