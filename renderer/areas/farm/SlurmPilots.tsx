import { Alert, Table, Text } from '@mantine/core';
import type { FarmStatus } from '../../../shared/farm/status';
import { formatTime } from '../../ui/format-time';

const STATE_WORDS: Record<FarmStatus['slurm']['state'], string> = {
  off: '',
  idle: 'A Slurm cluster is set, but this process does not serve render agents: pilots are submitted by lightbox serve.',
  serving: 'Pilot jobs are submitted to Slurm while tasks wait for a slot; each exits when idle, freeing its allocation.',
  error: 'Slurm could not be reached; the farm tries again at the next poll.',
};

/**
 * The Slurm side of the farm: pilot jobs this controller submitted, with their Slurm job ids,
 * Slurm's own state and reason, the node, and the agent each became once it connected back.
 */
export function SlurmPilots({ slurm }: { slurm: FarmStatus['slurm'] }) {
  if (slurm.state === 'off' && slurm.pilots.length === 0) return null;
  return (
    <>
      <h2>Slurm pilots</h2>
      <Text mb="xs">{STATE_WORDS[slurm.state]}</Text>
      {slurm.error && (
        <Alert role="alert" color="red" mb="sm" maw={1100}>
          {slurm.error}
        </Alert>
      )}
      {slurm.pilots.length === 0 ? (
        <Text c="dimmed">No pilot submitted yet: none is needed while the farm's slots keep up.</Text>
      ) : (
        <Table.ScrollContainer minWidth={720} type="native">
          <Table aria-label="Slurm pilots" verticalSpacing={4} maw={1100}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Pilot</Table.Th>
                <Table.Th scope="col" ta="right">
                  Slurm job
                </Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Node</Table.Th>
                <Table.Th scope="col" ta="right">
                  Slots
                </Table.Th>
                <Table.Th scope="col">Agent</Table.Th>
                <Table.Th scope="col">Submitted</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {slurm.pilots.map((p) => (
                <Table.Tr key={p.slurmJobId}>
                  <Table.Th scope="row" fw="normal">
                    {p.name}
                  </Table.Th>
                  <Table.Td ta="right">{p.slurmJobId}</Table.Td>
                  <Table.Td>
                    {p.state} ({p.slurmState}
                    {p.reason && p.reason !== 'None' ? `: ${p.reason}` : ''})
                  </Table.Td>
                  <Table.Td>{p.node ?? <Text span c="dimmed">—</Text>}</Table.Td>
                  <Table.Td ta="right">{p.slots}</Table.Td>
                  <Table.Td>{p.agentId ? 'connected' : <Text span c="dimmed">{p.state === 'ended' ? 'never connected' : 'not yet'}</Text>}</Table.Td>
                  <Table.Td>{formatTime(p.submittedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
