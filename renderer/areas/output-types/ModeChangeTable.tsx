import { Table, Text } from '@mantine/core';
import type { z } from 'zod';
import type { ModeChangeSchema } from '../../../shared/rollout/api';
import { formatTime } from '../../ui/format-time';

type ModeChange = z.infer<typeof ModeChangeSchema>;

/** The log of mode changes, newest first: when, what, from → to (override marked), who, why. */
export function ModeChangeTable({ changes, label, targetHeader }: { changes: ModeChange[]; label: string; targetHeader: string }) {
  const newestFirst = [...changes].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return (
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
          {newestFirst.map((c) => (
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
  );
}
