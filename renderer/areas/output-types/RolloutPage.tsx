import { useEffect, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Button, Checkbox, Group, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import type { ExecutionMode } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { VerdictTag } from '../comparisons/VerdictTag';
import { formatRate } from './format';
import { formatTime } from '../../ui/format-time';
import { ConfirmMode, type RiskyMode } from './ConfirmMode';
import { ModeBadge } from './ModeBadge';
import { ModeChangeTable } from './ModeChangeTable';
import { useLoad } from './use-load';
import { TryRevision } from './TryRevision';
import { RolloutGatesView } from './RolloutGates';

/** The rollout of one output type: mode, shadow history, error rates, enable graph (gated), roll back, the log of mode changes. */
export function RolloutPage() {
  const { key = '' } = useParams();
  const client = useClient();
  const id = useId();
  const status = useLoad(() => client.call('rollout.status', {}), [client]);
  const history = useLoad(() => client.call('comparisons.list', { outputTypeKey: key }), [client, key]);
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<RiskyMode | null>(null);

  const rollout = status.data?.outputTypes.find((o) => o.key === key) ?? null;
  // The status carries the newest changes of all targets: enough to tell a guard's roll back, and
  // a stamp that changes when the log grows (the log below pages through rollout.log).
  const changes = status.data?.changes.filter((c) => c.target === key || (rollout?.workflowId && c.target === rollout.workflowId)) ?? [];
  const logVersion = status.data?.changes[0]?.id ?? '';

  async function set(mode: ExecutionMode) {
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      const change = await client.call('rollout.set', { target: key, mode, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(mode === 'graph' && override ? { override: true } : {}) });
      setMessage(`${key} is now in ${change.toMode} mode (was ${change.fromMode ?? 'unset'}); it applies to the next dispatch.`);
      setReason('');
      setOverride(false);
      status.reload();
    } catch (e) {
      setError(`Refused: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  // A guarded rollout tells the app; the page shows the new mode at once.
  useEffect(() => client.on('notifications.desktop', (n) => n.event === 'rollout.guarded' && status.reload()), [client, status]);
  const graphBlocked = rollout ? rollout.graphBlockedBy !== null && !override : true;
  // The backend says why graph is refused (rollout.status), in the same words as its refusal.
  const blockReason = rollout?.graphBlockedBy ? `Graph cannot be enabled: ${rollout.graphBlockedBy}. Run it in shadow until it passes these gates, or override with a reason.` : null;
  const guarded = changes[0]?.who === 'guard' && changes[0].target === key ? changes[0] : null;
  const workflowWords = rollout?.workflowId ? `workflow ${rollout.workflowId} revision ${rollout.workflowRevision ?? '?'}` : 'its workflow';

  return (
    <>
      <Anchor component={Link} to="/output-types" size="sm">
        Output types
      </Anchor>
      <Title order={1} tabIndex={-1} mt={4}>
        Rollout of {rollout?.name ?? key}
      </Title>
      {status.error && <Alert color="red">The rollout status could not be loaded: {status.error}</Alert>}
      {status.data && !rollout && <Alert color="red">No output type {key} in the rollout status.</Alert>}
      {rollout && (
        <>
          {guarded && (
            <Alert role="alert" color="orange" variant="light" title="The guard rolled graph back to shadow" my="md">
              {guarded.reason} ({formatTime(guarded.createdAt)}). Look at the failed graph runs, fix the workflow, and enable graph again when the gates allow.
            </Alert>
          )}
          <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-mode`}>
            <Title order={2} id={`${id}-mode`} mb="xs">
              Mode
            </Title>
            <Table variant="vertical" layout="fixed" withTableBorder aria-label="Mode facts" maw={760}>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={200} fw="normal">
                    Current mode
                  </Table.Th>
                  <Table.Td>
                    <Text span fw={600} data-testid="effective-mode">
                      {rollout.effectiveMode}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th fw="normal">Set on the output type</Table.Th>
                  <Table.Td>{rollout.ownMode ?? 'no (follows its workflow)'}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th fw="normal">Workflow</Table.Th>
                  <Table.Td>{rollout.workflowId ? `${rollout.workflowId} revision ${rollout.workflowRevision ?? '?'}, ${rollout.workflowMode ?? 'legacy'} mode` : 'none (legacy preset only)'}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th fw="normal">Latest comparison</Table.Th>
                  <Table.Td>
                    {rollout.latestComparison ? (
                      <>
                        <VerdictTag verdict={rollout.latestComparison.verdict} />{' '}
                        <Anchor component={Link} to={`/comparisons/${rollout.latestComparison.id}`}>
                          {formatTime(rollout.latestComparison.createdAt)}
                        </Anchor>
                        , {rollout.latestComparison.review ? (rollout.latestComparison.review === 'approve' ? 'approved' : 'rejected') : 'not reviewed'}
                      </>
                    ) : (
                      'none yet'
                    )}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th fw="normal">Clean pass</Table.Th>
                  <Table.Td>{rollout.cleanPass ? 'yes: an approved pass of the bound revision' : 'no'}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Paper>
          <RolloutGatesView rollout={rollout} />
          <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-change`}>
            <Title order={2} id={`${id}-change`} mb="xs">
              Change the mode
            </Title>
            <Group gap="xs" mb="xs">
              <Text>Now:</Text>
              <ModeBadge mode={rollout.effectiveMode} />
            </Group>
            <TextInput label={`Reason${override ? ' (required for an override)' : ' (optional)'}`} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maw={520} />
            {rollout.graphBlockedBy !== null && (
              <Checkbox mt="xs" label="Override: enable graph although a gate is not met (recorded with the gates it overrides)" checked={override} onChange={(e) => setOverride(e.currentTarget.checked)} />
            )}
            {blockReason && (
              <Text id={`${id}-blocked`} mt="xs">
                {blockReason}
              </Text>
            )}
            <Group gap="xs" mt="sm">
              <Button disabled={busy || graphBlocked || (override && !reason.trim()) || rollout.effectiveMode === 'graph'} aria-describedby={blockReason ? `${id}-blocked` : undefined} onClick={() => setAsking('graph')}>
                Enable graph
              </Button>
              <Button variant="default" disabled={busy || rollout.effectiveMode === 'shadow'} onClick={() => void set('shadow')}>
                Run in shadow
              </Button>
              <Button variant="default" disabled={busy || rollout.effectiveMode === 'legacy'} onClick={() => setAsking('legacy')}>
                Roll back to legacy
              </Button>
            </Group>
            <Text role="status" mt="xs">
              {message}
            </Text>
            {error && (
              <Alert role="alert" color="red" mt="xs">
                {error}
              </Alert>
            )}
          </Paper>
          <ConfirmMode
            mode={asking}
            target={key}
            reason={reason}
            consequence={
              asking === 'graph'
                ? `The next dispatch of ${key} renders through ${workflowWords} and publishes its result; the legacy preset no longer runs${override ? `. This is an override: ${rollout.graphBlockedBy ?? 'a gate is not met'}` : ''}.`
                : `The next dispatch of ${key} renders with its legacy preset again; shadow runs and comparisons of ${workflowWords} stop.`
            }
            onCancel={() => setAsking(null)}
            onConfirm={() => {
              const mode = asking;
              setAsking(null);
              if (mode) void set(mode);
            }}
          />
          {rollout.workflowId && <TryRevision outputTypeKey={key} workflowId={rollout.workflowId} bound={rollout.workflowRevision} onTried={() => status.reload()} />}
          <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-rates`}>
            <Title order={2} id={`${id}-rates`} mb="xs">
              Error rates
            </Title>
            <Table aria-label="Error rates" maw={760}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Mode</Table.Th>
                  <Table.Th scope="col" ta="right">
                    Runs
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    Failed
                  </Table.Th>
                  <Table.Th scope="col">Rate</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(['legacy', 'graph'] as const).map((m) => (
                  <Table.Tr key={m}>
                    <Table.Th scope="row" fw="normal">
                      {m}
                    </Table.Th>
                    <Table.Td ta="right">{rollout.errorRates[m].runs}</Table.Td>
                    <Table.Td ta="right">{rollout.errorRates[m].failed}</Table.Td>
                    <Table.Td>{formatRate(rollout.errorRates[m])}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </>
      )}
      <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-history`}>
        <Title order={2} id={`${id}-history`} mb="xs">
          Shadow history
        </Title>
        {history.error && <Alert color="red">{history.error}</Alert>}
        {history.data && history.data.items.length === 0 && <Text>No shadow comparison of {key} yet.</Text>}
        {history.data && history.data.items.length > 0 && (
          <Table aria-label="Shadow history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Date</Table.Th>
                <Table.Th scope="col">Verdict</Table.Th>
                <Table.Th scope="col" ta="right">
                  Workflow revision
                </Table.Th>
                <Table.Th scope="col">Review</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.data.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Th scope="row" fw="normal">
                    <Anchor component={Link} to={`/comparisons/${c.id}`}>
                      {formatTime(c.createdAt)}
                    </Anchor>
                  </Table.Th>
                  <Table.Td>
                    <VerdictTag verdict={c.verdict} />
                  </Table.Td>
                  <Table.Td ta="right">{c.workflowRevision ?? '—'}</Table.Td>
                  <Table.Td>{c.review ? `${c.review.decision === 'approve' ? 'Approved' : 'Rejected'} by ${c.review.who}` : 'Pending'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-log`}>
        <Title order={2} id={`${id}-log`} mb="xs">
          Mode changes
        </Title>
        {status.data && <ModeChangeTable filter={{ targets: rollout?.workflowId ? [key, rollout.workflowId] : [key] }} version={logVersion} label="Mode changes" targetHeader="Target" empty="No mode change yet." />}
      </Paper>
    </>
  );
}
