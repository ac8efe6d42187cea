import { useId, useState } from 'react';
import { Alert, Button, Code, Group, Paper, Table, Text, Title } from '@mantine/core';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { ConfirmMode, type RiskyMode } from './ConfirmMode';
import { ModeBadge } from './ModeBadge';
import { ModeChangeTable } from './ModeChangeTable';
import { useLoad } from './use-load';

const BUTTON: Record<ExecutionMode, string> = { shadow: 'Shadow', graph: 'Enable graph', legacy: 'Roll back to legacy' };

/** Rollout per workflow: its mode (what output types following it use), set here; graph is checked by the backend, which says why it refuses. */
export function WorkflowRollout() {
  const client = useClient();
  const id = useId();
  const { data, error, reload } = useLoad(() => client.call('rollout.status', {}), [client]);
  const [message, setMessage] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<{ target: string; mode: RiskyMode; outputTypes: string[] } | null>(null);
  async function set(target: string, mode: ExecutionMode) {
    setBusy(true);
    setRefusal(null);
    setMessage('');
    try {
      const change = await client.call('rollout.set', { target, mode });
      setMessage(`Workflow ${target} is now in ${change.toMode} mode; it applies to the next dispatch.`);
      reload();
    } catch (e) {
      setRefusal(`Refused: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }
  const workflows = data?.workflows ?? [];
  const following = (list: string[]) => (list.length ? `the output types following it (${list.join(', ')})` : 'the output types that follow it (none yet)');
  return (
    <Paper component="section" withBorder p="md" my="lg" aria-labelledby={`${id}-h`}>
      <Title order={2} id={`${id}-h`}>
        Rollout by workflow
      </Title>
      <Text my="xs">An output type without a mode of its own follows its workflow&apos;s mode.</Text>
      {error && <Alert color="red">{error}</Alert>}
      {data && workflows.length === 0 && <Text>No order_line workflow yet.</Text>}
      {workflows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Workflow modes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Workflow</Table.Th>
                <Table.Th scope="col" ta="right">
                  Revision
                </Table.Th>
                <Table.Th scope="col">Mode</Table.Th>
                <Table.Th scope="col">Output types</Table.Th>
                <Table.Th scope="col">Change</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workflows.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Th scope="row" fw="normal">
                    {w.name} <Code>{w.id}</Code>
                  </Table.Th>
                  <Table.Td ta="right">{w.revision}</Table.Td>
                  <Table.Td>
                    <ModeBadge mode={w.mode} />
                  </Table.Td>
                  <Table.Td>{w.outputTypes.join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      {(['shadow', 'graph', 'legacy'] as const).map((m) => (
                        <Button
                          key={m}
                          variant="default"
                          disabled={busy || w.mode === m}
                          onClick={() => (m === 'shadow' ? void set(w.id, m) : setAsking({ target: w.id, mode: m, outputTypes: w.outputTypes }))}
                          aria-label={`Set ${w.id} to ${m}`}
                        >
                          {BUTTON[m]}
                        </Button>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text role="status">{message}</Text>
      {refusal && (
        <Alert role="alert" color="red" my="xs">
          {refusal}
        </Alert>
      )}
      {workflows.length > 0 && (
        <>
          <Title order={3} mt="md" mb="xs">
            Workflow mode changes
          </Title>
          {/* The status's newest change stamps the log: a change made here reloads both. */}
          <ModeChangeTable filter={{ targetKind: 'workflow' }} version={data?.changes[0]?.id ?? ''} label="Workflow mode changes" targetHeader="Workflow" empty="No workflow mode change yet." />
        </>
      )}
      <ConfirmMode
        mode={asking?.mode ?? null}
        target={`workflow ${asking?.target ?? ''}`}
        consequence={
          asking?.mode === 'graph'
            ? `The next dispatch of ${following(asking.outputTypes)} renders through the workflow and publishes its result; the legacy preset no longer runs.`
            : `The next dispatch of ${following(asking?.outputTypes ?? [])} renders with the legacy preset again; shadow runs and comparisons stop.`
        }
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          const a = asking;
          setAsking(null);
          if (a) void set(a.target, a.mode);
        }}
      />
    </Paper>
  );
}
