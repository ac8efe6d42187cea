import { useId, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, NativeSelect, Paper, Text, Title } from '@mantine/core';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { useLoad } from './use-load';

/**
 * "Try this revision in shadow" on an output type's rollout page (rollout.tryRevision): the output
 * type pins a revision of its workflow and observes it in shadow; the gate then asks for an approved
 * pass of that revision.
 */
export function TryRevision({ outputTypeKey, workflowId, bound, onTried }: { outputTypeKey: string; workflowId: string; bound: number | null; onTried: () => void }) {
  const client = useClient();
  const id = useId();
  const revisions = useLoad(() => client.call('workflows.revisions', { id: workflowId }), [client, workflowId]);
  const [picked, setPicked] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const newest = revisions.data?.revisions[0]?.revision;
  const revision = picked ? Number(picked) : newest;

  async function tryIt() {
    if (revision === undefined) return;
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      const { outputType } = await client.call('rollout.tryRevision', { outputTypeKey, workflowId, revision });
      setMessage(`${outputTypeKey} now runs ${workflowId} revision ${revision} in shadow; graph: ${outputType.graphBlockedBy ? `not yet, ${outputType.graphBlockedBy}` : 'allowed'}.`);
      onTried();
    } catch (e) {
      setError(`Not tried: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-try`}>
      <Title order={2} id={`${id}-try`} mb="xs">
        Try a revision in shadow
      </Title>
      <Text maw={760}>
        Pins a revision of{' '}
        <Anchor component={Link} to={`/workflows/${encodeURIComponent(workflowId)}`}>
          {workflowId}
        </Anchor>{' '}
        (now revision {bound ?? '?'}) and runs it in shadow: legacy stays authoritative, and graph can be enabled once a comparison of that revision passes and is approved. The mode log records it.
      </Text>
      {revisions.error && (
        <Alert color="red" mt="xs">
          The revisions could not be read: {revisions.error}
        </Alert>
      )}
      <Group align="flex-end" gap="xs" mt="sm">
        <NativeSelect
          label="Revision to try"
          value={picked || String(newest ?? '')}
          onChange={(e) => setPicked(e.currentTarget.value)}
          data={(revisions.data?.revisions ?? []).map((r) => ({
            value: String(r.revision),
            label: `Revision ${r.revision}${r.note ? `: ${r.note}` : ''}${r.revision === bound ? ' (pinned now)' : ''}`,
          }))}
          miw={260}
        />
        <Button disabled={revision === undefined} loading={busy} onClick={() => void tryIt()}>
          {revision === undefined ? 'Try in shadow' : `Try revision ${revision} in shadow`}
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
  );
}
