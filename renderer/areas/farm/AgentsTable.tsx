import { useState } from 'react';
import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import type { FarmAgentView } from '../../../shared/farm/status';
import { Modal } from '../../ui/Modal';
import { formatTime } from '../../ui/format-time';
import { RunStatusTag } from '../runs/RunStatusTag';
import { AGENT_STATE, agentsInOrder } from './agent-view';

function DrainDialog({ agent, busy, onKeep, onDrain }: { agent: FarmAgentView | null; busy: boolean; onKeep: () => void; onDrain: () => void }) {
  return (
    <Modal open={agent !== null} onClose={onKeep} title={`Drain ${agent?.name ?? ''}?`} size="md">
      <Stack gap="sm">
        <Text>
          {agent?.busy ? `It finishes the ${agent.busy === 1 ? 'task' : `${agent.busy} tasks`} it is rendering, ` : 'It '}
          takes no new work and then stops{agent?.kind === 'pilot' ? ', ending its Slurm job' : ''}. To bring it back, run lightbox agent on {agent?.host ?? 'that machine'} again.
        </Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onKeep}>
            Keep it running
          </Button>
          <Button color="red.9" loading={busy} onClick={onDrain}>
            Drain the agent
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * Render agents (`lightbox agent` on other machines) and Slurm pilots: where they run, their
 * Blender, what they render now (a link to the task's log), drain.
 */
export function AgentsTable({ agents, onShowTask, onDrain }: { agents: FarmAgentView[]; onShowTask: (taskId: string) => void; onDrain: (agent: FarmAgentView) => Promise<void> }) {
  const [draining, setDraining] = useState<FarmAgentView | null>(null);
  const [busy, setBusy] = useState(false);
  const drain = () => {
    if (!draining) return;
    setBusy(true);
    void onDrain(draining).finally(() => {
      setBusy(false);
      setDraining(null);
    });
  };
  return (
    <>
      <Table.ScrollContainer minWidth={900} type="native">
        <Table aria-label="Render agents" verticalSpacing={4} maw={1300}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Agent</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">Host</Table.Th>
              <Table.Th scope="col">Blender</Table.Th>
              <Table.Th scope="col" ta="right">
                Busy / slots
              </Table.Th>
              <Table.Th scope="col">Working on</Table.Th>
              <Table.Th scope="col" ta="right">
                Tasks done
              </Table.Th>
              <Table.Th scope="col">Last seen</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {agentsInOrder(agents).map((a) => {
              const state = AGENT_STATE[a.state];
              return (
                <Table.Tr key={a.id}>
                  <Table.Th scope="row" fw="normal">
                    {a.name}
                    <Text size="sm" c="dimmed">
                      {a.kind === 'pilot' ? `Slurm pilot, job ${a.slurmJobId ?? '?'}` : 'Render agent'}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <RunStatusTag status={state.tone} label={state.label} />
                    <Text size="sm" c="dimmed">
                      {state.help}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.host}</Table.Td>
                  <Table.Td>{a.blenderVersion ?? <Text span c="dimmed">—</Text>}</Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {a.busy} / {a.slots}
                  </Table.Td>
                  <Table.Td>
                    {a.currentTasks.length === 0 ? (
                      <Text span c="dimmed">
                        —
                      </Text>
                    ) : (
                      <Stack gap={2}>
                        {a.currentTasks.map((t) => (
                          <Anchor key={`${t.taskId}#${t.attempt}`} component="button" type="button" ta="left" onClick={() => onShowTask(t.taskId)}>
                            {t.title}
                            {t.attempt > 1 ? ` (attempt ${t.attempt})` : ''}
                          </Anchor>
                        ))}
                      </Stack>
                    )}
                    {a.blocklisted.length > 0 && (
                      <Text size="sm" c="var(--fail)">
                        No longer given {a.blocklisted.join(', ')}: failed 3 times here
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{a.tasksDone}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(a.lastSeen)}</Table.Td>
                  <Table.Td>
                    {a.state === 'online' && (
                      <Button variant="default" color="red" size="xs" onClick={() => setDraining(a)} aria-label={`Drain ${a.name}`}>
                        Drain
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <DrainDialog agent={draining} busy={busy} onKeep={() => setDraining(null)} onDrain={drain} />
    </>
  );
}
