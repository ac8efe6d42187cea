import { Table, Text } from '@mantine/core';
import type { FarmStatus } from '../../../shared/farm/status';

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** The farm's Blender processes, one per slot; the task a busy one works on by its title. */
export function ProcessTable({ processes, taskTitle }: { processes: FarmStatus['processes']; taskTitle: (taskId: string) => string }) {
  return (
    <Table.ScrollContainer minWidth={560} type="native">
      <Table aria-label="Blender processes" verticalSpacing={4} maw={1100}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Slot</Table.Th>
            <Table.Th scope="col">Mode</Table.Th>
            <Table.Th scope="col">State</Table.Th>
            <Table.Th scope="col" ta="right">
              PID
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Jobs done
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Memory
            </Table.Th>
            <Table.Th scope="col">Working on</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {processes.map((p) => (
            <Table.Tr key={p.slot}>
              <Table.Th scope="row" fw="normal">
                {p.slot}
              </Table.Th>
              <Table.Td>{p.mode}</Table.Td>
              <Table.Td>{p.state}</Table.Td>
              <Table.Td ta="right">{p.pid ?? '—'}</Table.Td>
              <Table.Td ta="right">{p.jobsDone}</Table.Td>
              <Table.Td ta="right">{formatBytes(p.rssBytes)}</Table.Td>
              <Table.Td>{p.taskId ? taskTitle(p.taskId) : <Text span c="dimmed">—</Text>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
