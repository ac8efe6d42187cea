import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Fieldset, Group, List, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { ContractError } from '../../../shared/contract';
import type { OutputType } from '../../../shared/output-types/profile';
import type { ExecutionMode, Family } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { ParameterField, type ParameterView } from './ParameterField';
import { PreviewRender } from './PreviewRender';
import { humanize, inWords } from './migration-summary';
import { ToneBadge } from '../comparisons/VerdictTag';

interface Problem {
  path: string;
  message: string;
}

interface Defaults {
  workflowRevision: number;
  workflowName: string;
  family: Family;
  artifactKind: string | null;
  parameters: ParameterView[];
  artifact: Record<string, unknown> | null;
  problems: Problem[];
}


/**
 * Workflow-first form for a new output type or an edit of one: pick a workflow, see its exposed
 * parameters with the backend's defaults and constraints, live validation beside the fields, a
 * draft preview render, then save. Only values the user sets are sent; the backend fills the rest.
 */
export function OutputTypeForm({ editing, onSaved, onCancel }: { editing: OutputType | null; onSaved: (saved: OutputType) => void; onCancel: () => void }) {
  const client = useClient();
  const id = useId();
  const title = editing ? `Edit ${editing.name}` : 'New output type';
  const [workflows, setWorkflows] = useState<{ id: string; name: string; family: string; revision: number }[] | null>(null);
  const [name, setName] = useState(editing?.name ?? '');
  const [key, setKey] = useState('');
  const [workflowId, setWorkflowId] = useState(editing?.profile.workflowId ?? '');
  const [revisionPolicy, setRevisionPolicy] = useState<'pinned' | 'latest_approved'>(editing?.profile.revisionPolicy ?? 'pinned');
  const [executionMode, setExecutionMode] = useState<ExecutionMode | ''>(editing?.profile.executionMode ?? '');
  const [values, setValues] = useState<Record<string, unknown>>(editing?.profile.parameterValues ?? {});
  const [defaults, setDefaults] = useState<Defaults | null>(null);
  const [defaultsError, setDefaultsError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checking, setChecking] = useState(false);
  const [saving, setSaving] = useState(false);
  const [search, setSearch] = useState('');
  const [onlySet, setOnlySet] = useState(false);
  const [saveError, setSaveError] = useState<{ message: string; issues: Problem[] } | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => headingRef.current?.focus(), []);
  useEffect(() => {
    if (saveError) errorRef.current?.focus();
  }, [saveError]);

  useEffect(() => {
    let live = true;
    client.call('workflows.list', {}).then(
      ({ workflows }) => live && setWorkflows(workflows.filter((w) => !w.deletedAt).map((w) => ({ id: w.id, name: w.name, family: w.family, revision: w.revision }))),
      (e: unknown) => live && setDefaultsError(`The workflows could not be loaded: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client]);

  // The workflow's exposed parameters, defaults and contract, again whenever values change (the contract depends on them).
  const revision = editing && editing.profile.workflowId === workflowId && revisionPolicy === 'pinned' ? editing.profile.workflowRevision : undefined;
  useEffect(() => {
    if (!workflowId) {
      setDefaults(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client.call('outputTypes.defaults', { workflowId, ...(revision ? { revision } : {}), parameterValues: values }).then(
        (d) => {
          if (!live) return;
          setDefaults(d as Defaults);
          setDefaultsError(null);
        },
        (e: unknown) => live && setDefaultsError(errorText(e)),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, workflowId, revision, values]);

  const draft = useMemo(
    () => ({
      name: name.trim(),
      workflowId,
      ...(key.trim() && !editing ? { key: key.trim() } : {}),
      ...(revision ? { workflowRevision: revision } : {}),
      revisionPolicy,
      parameterValues: values,
      ...(executionMode ? { executionMode } : {}),
    }),
    [name, key, workflowId, revision, revisionPolicy, values, executionMode, editing],
  );

  // Live validation against the workflow.
  useEffect(() => {
    if (!workflowId) {
      setProblems([]);
      return;
    }
    let live = true;
    setChecking(true);
    const timer = setTimeout(() => {
      client.call('outputTypes.validate', { ...draft, name: draft.name || 'unnamed' }).then(
        (answer) => {
          if (!live) return;
          setProblems(answer.problems);
          setChecking(false);
        },
        (e: unknown) => {
          if (!live) return;
          setChecking(false);
          if (e instanceof ContractError) setProblems(e.issues?.length ? e.issues : [{ path: e.path, message: e.message }]);
          else setProblems([{ path: '', message: errorText(e) }]);
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, draft, workflowId]);

  const allProblems = saveError ? [...saveError.issues, ...problems.filter((p) => !saveError.issues.some((i) => i.path === p.path && i.message === p.message))] : problems;
  const problemsAt = (path: string) => allProblems.filter((p) => p.path === path).map((p) => p.message);
  const paramNames = new Set(defaults?.parameters.map((p) => `parameterValues.${p.name}`) ?? []);
  const otherProblems = allProblems.filter((p) => !['name', 'key', 'workflowId'].includes(p.path) && !paramNames.has(p.path));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaveError(null);
    if (!name.trim() || !workflowId) {
      setSaveError({ message: 'The output type was not saved.', issues: [...(!name.trim() ? [{ path: 'name', message: 'A name is needed.' }] : []), ...(!workflowId ? [{ path: 'workflowId', message: 'Pick a workflow.' }] : [])] });
      return;
    }
    setSaving(true);
    try {
      const saved = editing ? await client.call('outputTypes.update', { ...draft, key: editing.key }) : await client.call('outputTypes.create', draft);
      onSaved(saved);
    } catch (e) {
      const issues = e instanceof ContractError ? (e.issues?.length ? e.issues : [{ path: e.path, message: e.message }]) : [{ path: '', message: errorText(e) }];
      setSaveError({ message: `The output type was refused: ${errorText(e)}`, issues });
    } finally {
      setSaving(false);
    }
  }

  const selected = workflows?.find((w) => w.id === workflowId);
  const fieldError = (path: string) => {
    const list = problemsAt(path);
    return list.length ? list.join('; ') : undefined;
  };
  const needle = search.trim().toLowerCase();
  const shownParameters = (defaults?.parameters ?? []).filter((p) => !needle || `${p.title ?? ''} ${p.name}`.toLowerCase().includes(needle));
  const visibleParameters = onlySet ? shownParameters.filter((p) => values[p.name] !== undefined || problemsAt(`parameterValues.${p.name}`).length > 0) : shownParameters;

  return (
    <Paper component="form" withBorder p="md" my="md" aria-labelledby={`${id}-title`} onSubmit={(e: FormEvent) => void submit(e)} noValidate>
      <Stack gap="sm">
        <Title order={2} id={`${id}-title`} tabIndex={-1} ref={headingRef}>
          {title}
        </Title>
        {saveError && (
          <Alert role="alert" color="red" title={saveError.message} tabIndex={-1} ref={errorRef}>
            <List size="sm">
              {saveError.issues.map((i) => (
                <List.Item key={`${i.path}:${i.message}`}>
                  {i.path ? `${i.path}: ` : ''}
                  {i.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <NativeSelect
          label="Workflow"
          value={workflowId}
          error={fieldError('workflowId')}
          onChange={(e) => {
            setWorkflowId(e.currentTarget.value);
            setValues({});
            setSaveError(null);
          }}
          data={[
            { value: '', label: 'Pick a workflow…' },
            ...(workflows ?? []).map((w) => ({ value: w.id, label: `${w.name} (${w.id}, ${w.family === 'order_line' ? `revision ${w.revision}` : 'cad_file workflow'})` })),
          ]}
          maw={560}
        />
        {defaultsError && (
          <Alert color="red" role="alert">
            {defaultsError}
          </Alert>
        )}
        {workflowId && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" maw={760}>
              <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError('name')} />
              {!editing && (
                <TextInput
                  label="Key (optional)"
                  value={key}
                  onChange={(e) => setKey(e.currentTarget.value)}
                  description="Lower-case letters, digits and _; made from the name when empty."
                  error={fieldError('key')}
                />
              )}
              <NativeSelect
                label="Revision"
                value={revisionPolicy}
                onChange={(e) => setRevisionPolicy(e.currentTarget.value as 'pinned' | 'latest_approved')}
                data={[
                  { value: 'pinned', label: `Pinned to revision ${revision ?? defaults?.workflowRevision ?? selected?.revision ?? '…'}` },
                  { value: 'latest_approved', label: 'Latest approved revision' },
                ]}
              />
              <NativeSelect
                label="Execution mode"
                value={executionMode}
                onChange={(e) => setExecutionMode(e.currentTarget.value as ExecutionMode | '')}
                description="Graph is enabled on the rollout page, after an approved shadow pass."
                data={[
                  { value: '', label: 'Follow the workflow' },
                  { value: 'legacy', label: 'legacy' },
                  { value: 'shadow', label: 'shadow' },
                  { value: 'graph', label: 'graph' },
                ]}
              />
            </SimpleGrid>
            <Fieldset legend={`Parameters of ${defaults?.workflowName ?? workflowId}`} variant="default">
              {!defaults && <Text>Loading the workflow&apos;s parameters…</Text>}
              {defaults && defaults.parameters.length === 0 && <Text>This workflow exposes no parameters.</Text>}
              {defaults && defaults.parameters.length > 0 && (
                <Stack gap="sm">
                  <Text>Leave a parameter empty to use its default; only the values you set are stored.</Text>
                  {defaults.parameters.length > 6 && (
                    <Group gap="md" align="flex-end">
                      <TextInput label="Find a parameter" value={search} onChange={(e) => setSearch(e.currentTarget.value)} placeholder="samples, camera…" w={260} />
                      <Checkbox label="Only the values set here" checked={onlySet} onChange={(e) => setOnlySet(e.currentTarget.checked)} mb={4} />
                    </Group>
                  )}
                  {visibleParameters.length === 0 && <Text>No parameter matches.</Text>}
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="sm">
                    {visibleParameters.map((p) => (
                      <ParameterField
                        key={`${workflowId}:${p.name}`}
                        param={p}
                        value={values[p.name]}
                        problems={problemsAt(`parameterValues.${p.name}`)}
                        onChange={(v) =>
                          setValues((current) => {
                            const next = { ...current };
                            if (v === undefined) delete next[p.name];
                            else next[p.name] = v;
                            return next;
                          })
                        }
                      />
                    ))}
                  </SimpleGrid>
                </Stack>
              )}
            </Fieldset>
            {defaults && (
              <section aria-labelledby={`${id}-contract`}>
                <Title order={3} id={`${id}-contract`} mb={4}>
                  Artifact contract
                </Title>
                {defaults.artifact ? (
                  <Table variant="vertical" layout="fixed" withTableBorder maw={560} aria-label="What this output type delivers">
                    <Table.Tbody>
                      {Object.entries(defaults.artifact).map(([k, v]) => (
                        <Table.Tr key={k}>
                          <Table.Th w={180} fw="normal">
                            {humanize(k)}
                          </Table.Th>
                          <Table.Td>{inWords(v)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                ) : (
                  <Text>This workflow delivers nothing an output type can promise.</Text>
                )}
              </section>
            )}
            <div role="status" aria-label="Validation">
              {checking ? (
                <Text>Checking against the workflow…</Text>
              ) : allProblems.length === 0 ? (
                <ToneBadge tone="ok">Valid</ToneBadge>
              ) : (
                <>
                  <ToneBadge tone="fail">
                    {allProblems.length} problem{allProblems.length === 1 ? '' : 's'}
                  </ToneBadge>
                  {otherProblems.length > 0 && (
                    <List size="sm" c="var(--fail)" mt={4}>
                      {otherProblems.map((p) => (
                        <List.Item key={`${p.path}:${p.message}`}>
                          {p.path ? `${p.path}: ` : ''}
                          {p.message}
                        </List.Item>
                      ))}
                    </List>
                  )}
                </>
              )}
            </div>
            {defaults?.family === 'order_line' && <PreviewRender workflowId={workflowId} revision={revision} parameterValues={values} />}
          </>
        )}
        <Group gap="xs">
          <Button type="submit" loading={saving}>
            {editing ? 'Save changes' : 'Create output type'}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
