import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Code, Group, Table, Text, Title } from '@mantine/core';
import type { OutputType } from '../../../shared/output-types/profile';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { MigratePanel } from './MigratePanel';
import { ModeBadge } from './ModeBadge';
import { WorkflowRollout } from './WorkflowRollout';
import { OutputTypeForm } from './OutputTypeForm';
import { FORM_LABEL } from './format';
import { useLoad } from './use-load';

type Panel = { kind: 'new' } | { kind: 'edit'; outputType: OutputType } | { kind: 'migrate'; key: string } | null;

/** Output types: legacy presets beside invocation profiles; new and edit workflow-first; migrate; rollout per output type. */
export function OutputTypesPage() {
  const client = useClient();
  const { data, error, reload } = useLoad(() => client.call('outputTypes.list', {}), [client]);
  const [panel, setPanel] = useState<Panel>(null);
  const [status, setStatus] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);

  async function edit(key: string) {
    setLoadError(null);
    try {
      const got = await client.call('outputTypes.get', { key });
      if (!got.profile) {
        setLoadError(`${key} has no invocation profile yet: migrate it first.`);
        return;
      }
      setPanel({ kind: 'edit', outputType: got.profile });
    } catch (e) {
      setLoadError(errorText(e));
    }
  }

  return (
    <>
      <Title order={1} tabIndex={-1}>
        Output types
      </Title>
      <Text my="xs" maw={760}>
        What the studio orders, and how it is produced: a legacy render preset, an invocation profile of a workflow, or both while it migrates.
      </Text>
      <Group my="sm">
        <Button onClick={() => setPanel({ kind: 'new' })}>New output type</Button>
      </Group>
      <Text role="status">{status}</Text>
      {loadError && (
        <Alert role="alert" color="red" my="xs">
          {loadError}
        </Alert>
      )}
      {panel?.kind === 'new' && (
        <OutputTypeForm
          key="new"
          editing={null}
          onCancel={() => setPanel(null)}
          onSaved={(saved) => {
            setPanel(null);
            setStatus(`Created ${saved.name} (${saved.key}).`);
            reload();
          }}
        />
      )}
      {panel?.kind === 'edit' && (
        <OutputTypeForm
          key={`edit:${panel.outputType.key}`}
          editing={panel.outputType}
          onCancel={() => setPanel(null)}
          onSaved={(saved) => {
            setPanel(null);
            setStatus(`Saved ${saved.name} (${saved.key}).`);
            reload();
          }}
        />
      )}
      {panel?.kind === 'migrate' && <MigratePanel key={panel.key} outputKey={panel.key} onDone={reload} onClose={() => setPanel(null)} />}
      {error && <Alert color="red">The output types could not be loaded: {error}</Alert>}
      {!data && !error && <Text>Loading…</Text>}
      {data && data.outputTypes.length === 0 && <Text>No output types yet: import legacy presets (Workflows → Import legacy presets) or create one from a workflow.</Text>}
      {data && data.outputTypes.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Output types">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Key</Table.Th>
                <Table.Th scope="col">Form</Table.Th>
                <Table.Th scope="col">Artifact</Table.Th>
                <Table.Th scope="col">Mode</Table.Th>
                <Table.Th scope="col">Active</Table.Th>
                <Table.Th scope="col">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.outputTypes.map((o) => (
                <Table.Tr key={o.key}>
                  <Table.Th scope="row" fw="normal">
                    {o.name}
                  </Table.Th>
                  <Table.Td>
                    <Code>{o.key}</Code>
                  </Table.Td>
                  <Table.Td>{FORM_LABEL[o.form]}</Table.Td>
                  <Table.Td>{o.artifact}</Table.Td>
                  <Table.Td>
                    <ModeBadge mode={o.executionMode} />
                  </Table.Td>
                  <Table.Td>{o.active ? 'yes' : 'no'}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      {o.form !== 'legacy_preset' && (
                        <Button variant="default" onClick={() => void edit(o.key)} aria-label={`Edit ${o.key}`}>
                          Edit
                        </Button>
                      )}
                      {o.form !== 'invocation_profile' && (
                        <Button variant="default" onClick={() => setPanel({ kind: 'migrate', key: o.key })} aria-label={`Migrate ${o.key}`}>
                          Migrate
                        </Button>
                      )}
                      <Anchor component={Link} to={`/output-types/${encodeURIComponent(o.key)}/rollout`} aria-label={`Rollout of ${o.key}`} size="sm">
                        Rollout
                      </Anchor>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <WorkflowRollout key={data ? data.outputTypes.length : 0} />
    </>
  );
}
