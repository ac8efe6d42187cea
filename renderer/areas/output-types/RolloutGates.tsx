import { useId } from 'react';
import { Paper, Table, Text, Title } from '@mantine/core';
import type { z } from 'zod';
import type { OutputTypeRolloutSchema } from '../../../shared/rollout/api';
import { formatTime } from '../../ui/format-time';

type Rollout = z.infer<typeof OutputTypeRolloutSchema>;

const GATES = [
  ['approval', 'Approved pass'],
  ['errorRate', 'Error rate'],
  ['coverage', 'Shadow coverage'],
] as const;

/**
 * The three gates of enabling graph (issue 19), met or not, in the backend's words; the rules
 * they apply (the output type's own marked); and, while graph is on, the guard's count.
 */
export function RolloutGatesView({ rollout }: { rollout: Rollout }) {
  const id = useId();
  const { rules, ownRules } = rollout;
  const own = (k: keyof typeof rules) => (ownRules[k] !== undefined ? ' (this output type)' : '');
  return (
    <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-gates`}>
      <Title order={2} id={`${id}-gates`} mb="xs">
        Gates to enable graph
      </Title>
      <Table aria-label="Gates to enable graph" maw={960}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Gate</Table.Th>
            <Table.Th scope="col">Met</Table.Th>
            <Table.Th scope="col">Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {GATES.map(([gate, label]) => (
            <Table.Tr key={gate} data-gate={gate}>
              <Table.Th scope="row" fw="normal">
                {label}
              </Table.Th>
              <Table.Td fw={600} c={rollout.gates[gate].ok ? 'var(--ok, inherit)' : 'var(--warn)'}>
                {rollout.gates[gate].ok ? 'yes' : 'no'}
              </Table.Td>
              <Table.Td>{rollout.gates[gate].detail}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" mt="xs">
        Rules: error rates over the last {rules.windowDays} days{own('windowDays')} or the last {rules.windowRuns} runs{own('windowRuns')}, whichever is fewer; {rules.minPasses} passing
        comparisons{own('minPasses')} on {rules.minCadFiles} CAD files{own('minCadFiles')}; the guard rolls graph back to shadow when its fallback rate exceeds legacy&apos;s error rate by more
        than {Math.round(rules.guardMargin * 100)} points{own('guardMargin')}.
      </Text>
      {rollout.guard && (
        <Text size="sm" mt="xs" data-testid="guard-count">
          Graph since {formatTime(rollout.guard.since)}: {rollout.guard.runs} run{rollout.guard.runs === 1 ? '' : 's'}, {rollout.guard.fellBack} fell back to legacy.
        </Text>
      )}
    </Paper>
  );
}
