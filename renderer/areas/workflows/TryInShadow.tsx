import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import type { RolloutStatus } from '../../../shared/rollout/api';
import type { WorkflowFacts } from './RunPanel';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';

type OutputTypeRollout = RolloutStatus['outputTypes'][number];

/**
 * "Try this revision in shadow on output type X" (rollout.tryRevision): the output type pins the
 * saved revision and observes it in shadow; its comparisons, approval and graph then apply to it.
 */
export function TryInShadow({ doc, dirty }: { doc: WorkflowFacts; dirty: boolean }) {
  const client = useClient();
  const headingId = useId();
  const reasonsId = useId();
  const [outputTypes, setOutputTypes] = useState<OutputTypeRollout[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<OutputTypeRollout | null>(null);

  useEffect(() => {
    let live = true;
    client
      .call('rollout.status', {})
      .then((s) => {
        if (!live) return;
        // Only a migrated output type binds a workflow a revision can replace.
        const migrated = s.outputTypes.filter((o) => o.workflowId !== null);
        setOutputTypes(migrated);
        setChosen((current) => current || migrated.find((o) => o.workflowId === doc.id)?.key || '');
      })
      .catch((e: unknown) => live && setError(`The output types could not be read: ${errorText(e)}`));
    return () => {
      live = false;
    };
  }, [client, doc.id]);

  const reasons: string[] = [];
  if (dirty) reasons.push('Save the workflow first: the saved revision is what is tried.');
  if (doc.revision < 1) reasons.push('The workflow has never been saved.');
  if (!chosen) reasons.push('Choose an output type to try it on.');

  const tryIt = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { outputType } = await client.call('rollout.tryRevision', { outputTypeKey: chosen, workflowId: doc.id, revision: doc.revision });
      setDone(outputType);
      setOutputTypes((list) => (list ?? []).map((o) => (o.key === outputType.key ? outputType : o)));
    } catch (e) {
      setError(`Not tried: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack component="section" gap="xs" mt="sm" aria-labelledby={headingId}>
      <Title order={3} id={headingId}>
        Try in shadow
      </Title>
      <Text size="sm" c="dimmed">
        The output type pins revision {doc.revision} and runs it in shadow: legacy stays authoritative, each dispatch compares this revision with it, and once a comparison passes and is approved graph can be
        enabled for this revision.
      </Text>
      <NativeSelect label="Output type to try on" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)} className="wf-run-choice">
        <option value="">{outputTypes?.length ? '— choose an output type —' : 'No migrated output types'}</option>
        {(outputTypes ?? []).map((o) => (
          <option key={o.key} value={o.key}>
            {o.name} ({o.key}): now {o.workflowId} revision {o.workflowRevision}, {o.effectiveMode}
          </option>
        ))}
      </NativeSelect>
      <Group>
        <Button variant="default" disabled={reasons.length > 0 || busy} aria-describedby={reasonsId} onClick={() => void tryIt()}>
          {busy ? 'Trying…' : `Try revision ${doc.revision} in shadow`}
        </Button>
      </Group>
      <ul id={reasonsId} className="wf-reasons">
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {error && (
        <Alert color="red" p="xs">
          {error}
        </Alert>
      )}
      {done && (
        <Text role="status" size="sm">
          {done.name} ({done.key}) now runs {done.workflowId} revision {done.workflowRevision} in shadow. Graph: {done.graphBlockedBy ? `not yet, ${done.graphBlockedBy}` : 'allowed'}.{' '}
          <Anchor component={Link} to={`/output-types/${encodeURIComponent(done.key)}/rollout`}>
            Open its rollout
          </Anchor>
        </Text>
      )}
    </Stack>
  );
}
