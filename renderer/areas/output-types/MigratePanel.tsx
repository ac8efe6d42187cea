import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { MethodOutput } from '../../../shared/contract';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { settingRows, type SummaryParameter } from './migration-summary';

type Got = MethodOutput<'outputTypes.get'>;
type Plan = MethodOutput<'legacy.migrate'>;

interface Loaded {
  got: Got;
  /** The bound workflow's parameters (titles, defaults); null when no workflow can be read yet. */
  parameters: SummaryParameter[] | null;
  /** Not migrated yet: what a dry run of the migration would do. */
  plan: Plan | null;
}

/** Reads the output type and what to put beside it: the bound workflow's parameters, or a dry run of the migration. */
async function load(client: ReturnType<typeof useClient>, key: string): Promise<Loaded> {
  const got = await client.call('outputTypes.get', { key });
  const profile = got.profile?.profile;
  const parametersOf = async (workflowId: string, revision: number) => {
    try {
      return (await client.call('outputTypes.defaults', { workflowId, revision })).parameters;
    } catch {
      return null; // Not stored yet (a dry run's new workflow): the rows fall back to the preset's own words.
    }
  };
  if (profile) return { got, parameters: await parametersOf(profile.workflowId, profile.workflowRevision), plan: null };
  const plan = await client.call('legacy.migrate', { keys: [key], verify: true, dryRun: true });
  const target = plan.outputTypes.find((o) => o.key === key);
  return { got, parameters: null, plan: target ? plan : { ...plan, outputTypes: [] } };
}

function SettingsTable({ loaded, migrated }: { loaded: Loaded; migrated: boolean }) {
  const profile = loaded.got.profile?.profile ?? null;
  const { rows, defaultsOnly } = settingRows(loaded.got.legacy, migrated ? (loaded.parameters ?? []) : null, profile?.parameterValues ?? null);
  if (rows.length === 0) return <Text>The legacy preset sets no render setting of its own: everything uses the defaults.</Text>;
  return (
    <>
      <Table.ScrollContainer minWidth={480}>
        <Table aria-label={migrated ? 'Settings before and after' : 'Settings of the legacy preset'} withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Setting</Table.Th>
              <Table.Th scope="col">{migrated ? 'Before: legacy preset' : 'Legacy preset'}</Table.Th>
              {migrated && <Table.Th scope="col">After: workflow parameter</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.name}>
                <Table.Th scope="row" fw="normal">
                  {r.title}
                </Table.Th>
                <Table.Td>{r.legacy}</Table.Td>
                {migrated && <Table.Td>{r.workflow}</Table.Td>}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {migrated && defaultsOnly > 0 && (
        <Text>
          The other {defaultsOnly} parameter{defaultsOnly === 1 ? '' : 's'} of the workflow keep{defaultsOnly === 1 ? 's its default' : ' their defaults'}.
        </Text>
      )}
    </>
  );
}

/** A plain alert (text and links in the page's own colours, so they keep their contrast) marked by a coloured edge. */
const edge = (colour: string) => ({ root: { borderLeft: `4px solid ${colour}` } });

/** What migrating will do, in words, from a dry run of it (nothing stored). */
function PlanAlert({ loaded, outputKey }: { loaded: Loaded; outputKey: string }) {
  const plan = loaded.plan;
  const target = plan?.outputTypes.find((o) => o.key === outputKey);
  const pipeline = typeof loaded.got.legacy?.pipeline === 'string' ? loaded.got.legacy.pipeline : null;
  const count = loaded.got.legacy ? settingRows(loaded.got.legacy, null, null).rows.length : 0;
  return (
    <Alert role="status" variant="default" title="Not migrated yet" styles={edge('var(--link)')}>
      <Text>Migrating {outputKey} will:</Text>
      <List size="sm" spacing={2}>
        <List.Item>
          {target ? `bind workflow ${target.workflowId} revision ${target.workflowRevision}` : 'bind a workflow'}
          {pipeline ? `, made from the legacy pipeline ${pipeline} (reused as it is when it already exists)` : ''};
        </List.Item>
        <List.Item>
          give {outputKey} an invocation profile carrying the preset&apos;s {count} setting{count === 1 ? '' : 's'} below as parameter values;
        </List.Item>
        <List.Item>check that projecting the profile back gives the preset exactly: if it does not, nothing is stored.</List.Item>
      </List>
      <Text mt={4}>The legacy preset stays renderable and {outputKey} keeps rendering in legacy mode until a shadow pass of the workflow is approved.</Text>
      {plan && (
        <Text mt={4}>
          {plan.verified
            ? 'A dry run found the migration lossless.'
            : `A dry run found ${plan.differences.length} difference${plan.differences.length === 1 ? '' : 's'} when projecting back, so it would not be stored.`}
        </Text>
      )}
    </Alert>
  );
}

/**
 * Migrate one legacy output type (legacy.migrate with its key, verified). Already migrated: says so
 * and shows the legacy preset's settings beside the workflow's parameter values, in words. Not yet:
 * says what migrating will do, then does it.
 */
export function MigratePanel({ outputKey, onDone, onClose }: { outputKey: string; onDone: () => void; onClose: () => void }) {
  const client = useClient();
  const id = useId();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [wasMigrated, setWasMigrated] = useState<boolean | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
    let live = true;
    load(client, outputKey).then(
      (l) => {
        if (!live) return;
        setLoaded(l);
        setWasMigrated(l.got.profile !== null);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [client, outputKey]);

  async function migrate() {
    setBusy(true);
    setError(null);
    setStatus('Migrating…');
    try {
      const answer = await client.call('legacy.migrate', { keys: [outputKey], verify: true });
      setLoaded(await load(client, outputKey));
      setStatus(
        answer.verified
          ? `Migrated ${outputKey}: verified, projecting back gives the original.`
          : `Migration of ${outputKey} was not stored: ${answer.differences.length} difference(s) when projecting back.`,
      );
      onDone();
    } catch (e) {
      setError(`The migration was refused: ${errorText(e)}`);
      setStatus('');
    } finally {
      setBusy(false);
    }
  }

  const profile = loaded?.got.profile?.profile ?? null;
  return (
    <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-h`}>
      <Stack gap="sm">
        <Title order={2} id={`${id}-h`} tabIndex={-1} ref={headingRef}>
          Migrate {outputKey}
        </Title>
        {loaded && (
          <Text>
            {loaded.got.name} ({outputKey}), a {loaded.got.artifact} output type{loaded.got.legacy ? '' : ' without a legacy preset'}.
          </Text>
        )}
        {!loaded && !error && <Text>Reading {outputKey}…</Text>}
        {loaded && wasMigrated && profile && (
          <Alert role="status" variant="default" title="Already migrated" styles={edge('var(--ok)')}>
            <Text>
              {outputKey} already runs workflow{' '}
              <Anchor component={Link} to={`/workflows/${encodeURIComponent(profile.workflowId)}`}>
                {profile.workflowId}
              </Anchor>{' '}
              revision {profile.workflowRevision} through an invocation profile; its legacy preset stays as it was. Nothing needs migrating: its rollout (shadow, then graph) is on the{' '}
              <Anchor component={Link} to={`/output-types/${encodeURIComponent(outputKey)}/rollout`}>
                rollout page
              </Anchor>
              .
            </Text>
          </Alert>
        )}
        {loaded && !wasMigrated && !profile && <PlanAlert loaded={loaded} outputKey={outputKey} />}
        <Text role="status">{status}</Text>
        {error && (
          <Alert color="red" title="Not migrated">
            {error}
          </Alert>
        )}
        {loaded && <SettingsTable loaded={loaded} migrated={profile !== null} />}
        <Group gap="xs">
          {loaded && !profile && (
            <Button onClick={() => void migrate()} loading={busy}>
              Migrate {outputKey} now
            </Button>
          )}
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
