import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useClient } from '../../app/services';
import { Modal } from '../../ui/Modal';
import { formatTime } from '../../ui/format-time';
import { agentCommand, controllerUrl, tokenState, type AgentToken } from './agent-view';

const ERROR_STYLES = { error: { color: 'var(--fail)' } };

function Copy({ value, what }: { value: string; what: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button variant="default" size="xs" onClick={copy} aria-label={`Copy the ${what}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

/** The token just made, shown this once with the command a render machine runs. */
function NewTokenDialog({ made, onClose }: { made: (AgentToken & { token: string }) | null; onClose: () => void }) {
  const controller = controllerUrl(window.location);
  const command = made ? agentCommand(controller, made.token) : '';
  return (
    <Modal open={made !== null} onClose={onClose} title={`Agent token for ${made?.name ?? ''}`}>
      <Stack gap="sm">
        <Text>This is the only time the token is shown: Lightbox keeps only a fingerprint of it. Copy it now.</Text>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code style={{ overflowWrap: 'anywhere' }}>
            {made?.token}
          </Code>
          <Copy value={made?.token ?? ''} what="token" />
        </Group>
        <Text>On the render machine (with Blender installed), run:</Text>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap', flex: 1 }}>
            {command}
          </Code>
          <Copy value={command} what="command" />
        </Group>
        <Text size="sm" c="dimmed">
          Add --slots N for more Blender processes on that machine. Instead of --token you can set LIGHTBOX_AGENT_TOKEN, which keeps the token out of the
          process list.
          {controller === null && ' This desktop app does not take render agents: start `lightbox serve` on the machine that hands out the work and use its address as the controller.'}
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function RevokeDialog({ name, busy, onKeep, onRevoke }: { name: string | null; busy: boolean; onKeep: () => void; onRevoke: () => void }) {
  return (
    <Modal open={name !== null} onClose={onKeep} title={`Revoke the token of ${name ?? ''}?`} size="md">
      <Stack gap="sm">
        <Text>The agent using it is refused from its next request on and stops taking work. A new token can be made for the same name.</Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onKeep}>
            Keep it
          </Button>
          <Button color="red.9" loading={busy} onClick={onRevoke}>
            Revoke the token
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * Render agent tokens: make one for a machine (shown once, with the command to run there), see
 * which exist, revoke one. Only a hub admin may; the error says so to anyone else.
 */
export function AgentTokens() {
  const client = useClient();
  const [tokens, setTokens] = useState<AgentToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<(AgentToken & { token: string }) | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(
    () =>
      client.call('farm.agentTokens.list', {}).then(
        (r) => {
          setTokens(r.tokens);
          setError(null);
        },
        (e: unknown) => setError((e as Error).message),
      ),
    [client],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  const create = (event: FormEvent) => {
    event.preventDefault();
    setNameError(null);
    setCreating(true);
    client
      .call('farm.agentTokens.create', { name: name.trim() })
      .then(
        (r) => {
          setMade(r);
          setName('');
          return reload();
        },
        (e: unknown) => setNameError((e as Error).message),
      )
      .finally(() => setCreating(false));
  };

  const revoke = () => {
    if (!revoking) return;
    setBusy(true);
    client
      .call('farm.agentTokens.revoke', { name: revoking })
      .then(
        () => reload(),
        (e: unknown) => setError((e as Error).message),
      )
      .finally(() => {
        setBusy(false);
        setRevoking(null);
      });
  };

  return (
    <>
      <form onSubmit={create} aria-label="New agent token">
        <Group gap="xs" align="flex-end" mb="xs">
          <TextInput
            label="Agent name"
            description="The render machine it is for, e.g. its host name"
            placeholder="render-box-1"
            maxLength={64}
            w={320}
            value={name}
            error={nameError}
            styles={ERROR_STYLES}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Button type="submit" loading={creating} disabled={name.trim() === ''}>
            Create agent token
          </Button>
        </Group>
      </form>
      {error && (
        <Alert role="alert" color="red" mb="sm">
          Agent tokens: {error}
        </Alert>
      )}
      {tokens && tokens.length === 0 && <Text>No agent token yet: make one for each render machine.</Text>}
      {tokens && tokens.length > 0 && (
        <Table.ScrollContainer minWidth={560} type="native">
          <Table aria-label="Agent tokens" verticalSpacing={4} maw={1100}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Agent</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">Expires</Table.Th>
                <Table.Th scope="col">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.map((t) => {
                const state = tokenState(t);
                return (
                  <Table.Tr key={`${t.name} ${t.createdAt}`}>
                    <Table.Th scope="row" fw="normal">
                      {t.name}
                    </Table.Th>
                    <Table.Td>
                      <Badge tt="none" size="sm" styles={{ root: { color: state === 'active' ? 'var(--ok)' : 'var(--text)', background: state === 'active' ? 'var(--ok-bg)' : 'var(--panel-soft)' } }}>
                        {state === 'revoked' ? `revoked ${formatTime(t.revokedAt)}` : state}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(t.createdAt)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</Table.Td>
                    <Table.Td>
                      {state === 'active' && (
                        <Button variant="default" color="red" size="xs" onClick={() => setRevoking(t.name)} aria-label={`Revoke the token of ${t.name}`}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewTokenDialog made={made} onClose={() => setMade(null)} />
      <RevokeDialog name={revoking} busy={busy} onKeep={() => setRevoking(null)} onRevoke={revoke} />
    </>
  );
}
