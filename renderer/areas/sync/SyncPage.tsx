import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Paper, PasswordInput, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useClient } from '../../app/services';
import { formatTime } from '../../ui/format-time';
import { ConflictsView } from './ConflictsView';
import { READABLE_ALERT } from './alert-styles';
import { syncStore, useSync } from './sync-store';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Hub address and token, and "Sync now" with its progress. */
function HubForm() {
  const client = useClient();
  const status = useSync((s) => s.status);
  const heldToken = useSync((s) => s.token !== null);
  const running = useSync((s) => s.running);
  const [hubUrl, setHubUrl] = useState('');
  const [token, setToken] = useState('');
  // The hub last synced with, as the backend remembers it, fills the field once.
  const storedHub = status?.hubUrl ?? null;
  useEffect(() => {
    if (storedHub) setHubUrl((current) => current || storedHub);
  }, [storedHub]);

  const urlProblem = hubUrl && !/^https?:\/\/\S+$/i.test(hubUrl.trim()) ? 'The hub address is an http:// or https:// URL' : null;
  const canSync = hubUrl.trim() !== '' && !urlProblem && (token !== '' || heldToken) && !running;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSync) return;
    const typed = token;
    // The token leaves the field at once: it is held for this window and never shown back.
    setToken('');
    await syncStore(client).getState().run(hubUrl.trim(), typed || null);
  };

  return (
    <Paper withBorder p="md" mb="md" component="form" aria-labelledby="sync-hub" onSubmit={(e) => void submit(e)}>
      <h2 id="sync-hub">Hub</h2>
      <Stack gap="sm" maw={560}>
        <TextInput label="Hub URL" placeholder="https://hub.studio.example:7400" value={hubUrl} onChange={(e) => setHubUrl(e.currentTarget.value)} error={urlProblem} autoComplete="url" />
        <PasswordInput
          label="Your hub token"
          description={
            heldToken
              ? 'A token is held for this window (not stored on disk). Type another to replace it.'
              : 'Given by the hub’s admin (lightbox users add). Held for this window only, never stored or shown again.'
          }
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
          autoComplete="off"
        />
        <Group gap="sm">
          <Button type="submit" disabled={!canSync} loading={running}>
            Sync now
          </Button>
          {heldToken && !running && (
            <Button variant="default" onClick={() => syncStore(client).getState().forgetToken()}>
              Forget the token
            </Button>
          )}
        </Group>
        {running && (
          <Stack gap={4} role="status" aria-live="polite">
            <Text size="sm">Syncing with the hub: pulling its changes, merging, pushing yours…</Text>
            {/* How long a sync takes is not known ahead: a moving bar, not a percentage; the sentence above says it. */}
            <Progress.Root aria-hidden>
              <Progress.Section value={100} striped animated withAria={false} />
            </Progress.Root>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** The last sync, what waits, what is open; a hub that could not be reached said plainly. */
function StatusView() {
  const status = useSync((s) => s.status);
  const lastRun = useSync((s) => s.lastRun);
  const unreachable = useSync((s) => s.unreachable);
  const runError = useSync((s) => s.runError);
  const loadError = useSync((s) => s.loadError);
  return (
    <section aria-labelledby="sync-status">
      <h2 id="sync-status">Status</h2>
      {unreachable && (
        <Alert styles={READABLE_ALERT} role="alert" color="red" variant="light" title="The hub could not be reached" mb="sm">
          <Text size="sm" c="var(--text)">
            {status ? `${plural(status.pending, 'change')} wait${status.pending === 1 ? 's' : ''} here and will be pushed at the next sync; nothing was lost.` : 'Your changes wait here; nothing was lost.'}
          </Text>
          <Text size="sm" c="var(--text)">
            {unreachable}
          </Text>
        </Alert>
      )}
      {runError && (
        <Alert styles={READABLE_ALERT} role="alert" color="red" variant="light" title="The sync did not finish" mb="sm">
          {runError}
        </Alert>
      )}
      {loadError && (
        <Alert styles={READABLE_ALERT} role="alert" color="red" variant="light" mb="sm">
          The sync status could not be read: {loadError}
        </Alert>
      )}
      {lastRun && (
        <Alert styles={READABLE_ALERT} role="status" color={lastRun.result.conflicts > 0 || lastRun.result.refused.length > 0 ? 'yellow' : 'green'} variant="light" title="Synced" mb="sm">
          <Text size="sm" c="var(--text)">
            {`${plural(lastRun.result.pushed, 'revision')} pushed, ${plural(lastRun.result.pulled, 'revision')} pulled`}
            {lastRun.result.merged.length > 0 ? `, merged without conflict: ${lastRun.result.merged.join(', ')}` : ''}
            {lastRun.result.conflicts > 0 ? `; ${plural(lastRun.result.conflicts, 'conflict')} to resolve below` : ''}.
          </Text>
          {lastRun.result.refused.length > 0 && (
            <Text size="sm" c="var(--text)">
              Refused: {lastRun.result.refused.map((r) => `${r.workflowId} (${r.path}): ${r.message}`).join('; ')}
            </Text>
          )}
        </Alert>
      )}
      {!status && !loadError ? (
        <Text role="status" c="dimmed">
          Reading the sync status…
        </Text>
      ) : (
        status && (
          <Table aria-label="Sync status" maw={560} withTableBorder>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row" fw="normal">Hub</Table.Th>
                <Table.Td>{status.hubUrl ?? 'None yet'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row" fw="normal">Last sync</Table.Th>
                <Table.Td>
                  {status.lastSyncAt ? formatTime(status.lastSyncAt) : 'Never'}
                  {lastRun ? ` (${lastRun.result.pushed} pushed, ${lastRun.result.pulled} pulled)` : ''}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row" fw="normal">Changes waiting to be pushed</Table.Th>
                <Table.Td ta="right">{status.pending}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row" fw="normal">Open conflicts</Table.Th>
                <Table.Td ta="right">{status.conflicts}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )
      )}
    </section>
  );
}

/**
 * Sync with the studio hub (issue 17 items 3 and 6): the hub and token, Sync now, the status, and
 * the conflicts a merge left for a person, shown base / mine / theirs and resolved by choice.
 */
export function SyncPage() {
  const client = useClient();
  useEffect(() => {
    void syncStore(client).getState().refresh();
  }, [client]);
  return (
    <>
      <Title order={1} tabIndex={-1} mb="md">
        Sync
      </Title>
      <Text mb="md" maw={720}>
        Your workflows go to the studio hub and the hub&apos;s come here. Work offline as long as you like: changes wait here until the next sync. Where you and the hub
        changed the same thing, the merge waits for your choice below.
      </Text>
      <HubForm />
      <StatusView />
      <ConflictsView />
    </>
  );
}
