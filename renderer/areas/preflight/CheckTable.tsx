import { List, Loader, Table, Text } from '@mantine/core';
import type { PreflightCheck } from '../../../shared/preflight/report';
import { CheckStatusTag } from './CheckStatusTag';

/** Every finding with what to do about it; used for the finished report. */
export function CheckTable({ checks, label }: { checks: PreflightCheck[]; label: string }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label={label} withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Check</Table.Th>
            <Table.Th scope="col">Detail</Table.Th>
            <Table.Th scope="col">Fix</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {checks.map((check) => (
            <Table.Tr key={check.id}>
              <Table.Td>
                <CheckStatusTag status={check.status} />
              </Table.Td>
              <Table.Th scope="row" fw={400}>
                {check.title}
              </Table.Th>
              <Table.Td className="detail">{check.detail}</Table.Td>
              <Table.Td className="detail">
                {check.fix ?? (
                  <Text span c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Checks as they finish during a run, in the order they arrive. */
export function ProgressList({ checks }: { checks: PreflightCheck[] }) {
  return (
    <List component="ol" listStyleType="none" spacing={4} aria-label="Checks finished so far">
      {checks.map((check) => (
        <List.Item key={check.id}>
          <CheckStatusTag status={check.status} /> <strong>{check.title}</strong> <span className="detail">{check.detail}</span>
        </List.Item>
      ))}
      <List.Item aria-hidden="true" icon={<Loader size={12} />}>
        <Text span c="dimmed">
          working…
        </Text>
      </List.Item>
    </List>
  );
}
