import { Table, Text } from '@mantine/core';
import type { EngineProbe } from '../../../shared/preflight/report';
import { YesNo } from './CheckStatusTag';
import { engineName, formatDuration } from './format';

export function EngineTable({ engines }: { engines: EngineProbe[] }) {
  if (engines.length === 0) return <Text c="dimmed">No engine was tried (Blender was not usable).</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table withTableBorder captionSide="top">
        <Table.Caption ta="left">Engines that render headless</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Engine</Table.Th>
            <Table.Th scope="col">Renders</Table.Th>
            <Table.Th scope="col">Detail</Table.Th>
            <Table.Th scope="col" ta="right">
              Time
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {engines.map((probe) => (
            <Table.Tr key={probe.engine}>
              <Table.Th scope="row" fw={400}>
                {engineName(probe.engine)}
              </Table.Th>
              <Table.Td>
                <YesNo value={probe.renders} />
              </Table.Td>
              <Table.Td className="detail">{probe.detail}</Table.Td>
              <Table.Td ta="right" className="num">
                {formatDuration(probe.durationMs)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
