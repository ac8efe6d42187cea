import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Anchor, Button, Group, List, Menu, Radio, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { ContractError } from '../../../shared/contract';
import type { z } from 'zod';
import type { LegacyMigrateOutput } from '../../../shared/legacy/api';
import type { WorkflowSummary } from '../../../shared/workflow/api';
import { DEFAULT_EXECUTION_MODE, WORKFLOW_SCHEMA_VERSION, type Family, type WorkflowDocument } from '../../../shared/workflow/document';
import { useClient, useConnection } from '../../app/services';
import { errorText, refusedProblems } from '../../transport/errors';
import { downloadJson, idFromName } from './doc-utils';
import { formatTime } from '../../ui/format-time';
import { Modal } from '../../ui/Modal';
import { familyInputNode, useNodeDefs } from './node-defs';
import { RevisionsPanel } from './RevisionsDialog';
import { showValue } from './doc-diff';

type Migrated = z.infer<typeof LegacyMigrateOutput>;

interface ImportOutcome {
  fileName: string;
  message: string;
  problems: { path: string; message: string }[];
}

type Dialog =
  | { kind: 'create' }
  | { kind: 'rename'; workflow: WorkflowSummary }
  | { kind: 'delete'; workflow: WorkflowSummary }
  | { kind: 'history'; workflow: WorkflowSummary }
  | null;

/** Workflows: list, search, create, duplicate, rename, delete, import/export, legacy migration, revisions. */
export function WorkflowsPage() {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const navigate = useNavigate();
  const defs = useNodeDefs();
  const [search, setSearch] = useState('');
  const [workflows, setWorkflows] = useState<WorkflowSummary[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [importOutcome, setImportOutcome] = useState<ImportOutcome | null>(null);
  const [migrated, setMigrated] = useState<Migrated | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const importId = useId();
  const legacyId = useId();

  const refresh = useCallback(async () => {
    try {
      const r = await client.call('workflows.list', search.trim() ? { search: search.trim() } : {});
      setWorkflows(r.workflows);
      setListError(null);
    } catch (e) {
      setListError(`The workflows could not be read: ${errorText(e)}`);
    }
  }, [client, search]);

  useEffect(() => {
    if (epoch === 0) return;
    const t = setTimeout(() => void refresh(), 150);
    return () => clearTimeout(t);
  }, [refresh, epoch]);

  const announce = (text: string) => {
    setFailure(null);
    setStatus(text);
  };
  const fail = (text: string) => {
    setStatus(null);
    setFailure(text);
  };

  const create = async (name: string, family: Family) => {
    const input = familyInputNode(defs.defs, family);
    if (!input) throw new Error(`the backend lists no input node for ${family} workflows`);
    const doc: WorkflowDocument = {
      schemaVersion: WORKFLOW_SCHEMA_VERSION,
      id: idFromName(name),
      name,
      family,
      executionMode: DEFAULT_EXECUTION_MODE,
      revision: 0,
      nodes: [{ id: `${input.type}_1`, type: input.type, typeVersion: input.version, settings: {}, position: { x: 0, y: 0 } }],
      edges: [],
      metadata: {},
    };
    const r = await client.call('workflows.save', { document: doc, note: 'created' });
    setDialog(null);
    void navigate(`/workflows/${encodeURIComponent(r.document.id)}`);
  };

  const duplicate = async (w: WorkflowSummary) => {
    try {
      const doc = await client.call('workflows.get', { id: w.id });
      const name = `${doc.name} copy`.slice(0, 200);
      const r = await client.call('workflows.save', { document: { ...doc, id: idFromName(name), name, revision: 0 }, note: `duplicated from ${doc.id} revision ${doc.revision}` });
      announce(`Duplicated ${w.name} as ${r.document.name}.`);
      await refresh();
    } catch (e) {
      fail(`${w.name} could not be duplicated: ${errorText(e)}`);
    }
  };

  const rename = async (w: WorkflowSummary, name: string) => {
    const doc = await client.call('workflows.get', { id: w.id });
    await client.call('workflows.save', { document: { ...doc, name }, note: `renamed from ${doc.name}` });
    setDialog(null);
    announce(`Renamed ${w.name} to ${name}.`);
    await refresh();
  };

  const remove = async (w: WorkflowSummary) => {
    try {
      await client.call('workflows.delete', { id: w.id });
      setDialog(null);
      announce(`Deleted ${w.name}.`);
      await refresh();
    } catch (e) {
      setDialog(null);
      fail(`${w.name} could not be deleted: ${errorText(e)}`);
    }
  };

  const exportOne = async (w: WorkflowSummary) => {
    try {
      const doc = await client.call('workflows.get', { id: w.id });
      downloadJson(`${doc.id}.workflow.json`, doc);
      announce(`Exported ${w.name} (revision ${doc.revision}).`);
    } catch (e) {
      fail(`${w.name} could not be exported: ${errorText(e)}`);
    }
  };

  const importFile = async (file: File) => {
    setImportOutcome(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (e) {
      setImportOutcome({ fileName: file.name, message: `${file.name} is not JSON: ${errorText(e)}`, problems: [] });
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setImportOutcome({ fileName: file.name, message: `${file.name} is not a workflow: it must be a JSON object.`, problems: [] });
      return;
    }
    let doc: Record<string, unknown> = { ...(parsed as Record<string, unknown>), revision: 0 };
    // An id already in use (or deleted) gets a fresh one: an import never overwrites a workflow.
    const all = await client.call('workflows.list', { includeDeleted: true }).catch(() => ({ workflows: [] as WorkflowSummary[] }));
    if (typeof doc.id === 'string' && all.workflows.some((w) => w.id === doc.id)) {
      doc = { ...doc, id: idFromName(typeof doc.name === 'string' ? doc.name : 'imported') };
    }
    try {
      const r = await client.call('workflows.save', { document: doc, note: `imported from ${file.name}` });
      announce(`Imported ${file.name} as ${r.document.name} (${r.document.id}).`);
      await refresh();
    } catch (e) {
      const problems = refusedProblems(e);
      const issues = e instanceof ContractError ? (e.issues ?? []) : [];
      setImportOutcome({ fileName: file.name, message: `${file.name} was not imported: ${errorText(e)}`, problems: problems.length ? problems : issues });
    }
  };

  const importLegacy = async (files: File[]) => {
    setMigrated(null);
    setImportOutcome(null);
    try {
      const documents = await Promise.all(files.map(async (f) => ({ fileName: f.name, text: await f.text() })));
      const r = await client.call('legacy.migrate', { documents, verify: true });
      setMigrated(r);
      announce(`Migrated ${r.workflows.length} legacy ${r.workflows.length === 1 ? 'workflow' : 'workflows'} and ${r.outputTypes.length} output ${r.outputTypes.length === 1 ? 'type' : 'types'}.`);
      await refresh();
    } catch (e) {
      const issues = e instanceof ContractError ? (e.issues ?? []) : [];
      setImportOutcome({ fileName: files.map((f) => f.name).join(', '), message: `The legacy presets were not imported: ${errorText(e)}`, problems: issues });
    }
  };

  return (
    <Stack gap="sm">
      <Title order={1} tabIndex={-1}>
        Workflows
      </Title>
      <Text c="dimmed" maw="72ch">
        Node-graph workflows that turn a CAD file or an order line into renders. Each save is a new revision; open one to edit it on the canvas, validate,
        dry-run and dispatch it.
      </Text>
      <Group gap="sm" align="flex-end">
        <TextInput type="search" label="Search workflows" value={search} onChange={(e) => setSearch(e.currentTarget.value)} placeholder="name or id" w={240} />
        <Button onClick={() => setDialog({ kind: 'create' })} disabled={!defs.loaded}>
          New workflow
        </Button>
        {/* The file inputs stay native (a person or a test picks files into them); their labels are drawn as buttons. */}
        <FilePick
          id={importId}
          label="Import a workflow file"
          onFiles={(files) => {
            const file = files[0];
            if (file) void importFile(file);
          }}
        />
        <FilePick id={legacyId} label="Import legacy presets" multiple onFiles={(files) => void importLegacy(files)} />
      </Group>
      {status && (
        <Text role="status" size="sm" c="var(--ok)">
          {status}
        </Text>
      )}
      {failure && (
        <Alert role="alert" color="red" p="xs">
          {failure}
        </Alert>
      )}
      {importOutcome && (
        <Alert role="alert" color="red" p="xs">
          <Text size="sm">{importOutcome.message}</Text>
          {importOutcome.problems.length > 0 && (
            <Table aria-label={`Problems in ${importOutcome.fileName}`} mt={4} highlightOnHover={false}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Path</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {importOutcome.problems.map((p, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>
                      <code>{p.path || '(document)'}</code>
                    </Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Alert>
      )}
      {migrated && <MigrationResult result={migrated} />}
      {listError && (
        <Alert role="alert" color="red" p="xs">
          {listError}
        </Alert>
      )}
      {!workflows && !listError && <Text role="status">Reading the workflows…</Text>}
      {workflows && workflows.length === 0 && <Text>{search.trim() ? `No workflow matches “${search.trim()}”.` : 'No workflows yet. Create one, or import a file or legacy presets.'}</Text>}
      {workflows && workflows.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Workflows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Family</Table.Th>
                <Table.Th>Mode</Table.Th>
                <Table.Th ta="right">Revision</Table.Th>
                <Table.Th ta="right">Nodes</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workflows.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Th scope="row" fw={400}>
                    <Anchor component={Link} to={`/workflows/${encodeURIComponent(w.id)}`} fw={500}>
                      {w.name}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {w.id}
                    </Text>
                  </Table.Th>
                  <Table.Td>{w.family}</Table.Td>
                  <Table.Td>{w.executionMode}</Table.Td>
                  <Table.Td ta="right">{w.revision}</Table.Td>
                  <Table.Td ta="right">{w.nodeCount}</Table.Td>
                  <Table.Td className="nowrap">{formatTime(w.updatedAt)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button variant="default" aria-label={`Rename ${w.name}`} onClick={() => setDialog({ kind: 'rename', workflow: w })}>
                        Rename
                      </Button>
                      <Button variant="default" aria-label={`History of ${w.name}`} onClick={() => setDialog({ kind: 'history', workflow: w })}>
                        History
                      </Button>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <Button variant="subtle" aria-label={`More actions for ${w.name}`}>
                            More…
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item aria-label={`Duplicate ${w.name}`} onClick={() => void duplicate(w)}>
                            Duplicate
                          </Menu.Item>
                          <Menu.Item aria-label={`Export ${w.name}`} onClick={() => void exportOne(w)}>
                            Export
                          </Menu.Item>
                          <Menu.Divider />
                          <Menu.Item color="red" aria-label={`Delete ${w.name}`} onClick={() => setDialog({ kind: 'delete', workflow: w })}>
                            Delete…
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Modal open={dialog?.kind === 'create'} onClose={() => setDialog(null)} title="New workflow">
        <CreateForm onCreate={create} onCancel={() => setDialog(null)} />
      </Modal>
      <Modal open={dialog?.kind === 'rename'} onClose={() => setDialog(null)} title={dialog?.kind === 'rename' ? `Rename ${dialog.workflow.name}` : 'Rename'}>
        {dialog?.kind === 'rename' && <RenameForm workflow={dialog.workflow} onRename={(name) => rename(dialog.workflow, name)} onCancel={() => setDialog(null)} />}
      </Modal>
      <Modal open={dialog?.kind === 'delete'} onClose={() => setDialog(null)} title={dialog?.kind === 'delete' ? `Delete ${dialog.workflow.name}?` : 'Delete?'}>
        {dialog?.kind === 'delete' && (
          <Stack gap="sm">
            <Text size="sm">
              The workflow leaves the list; its revisions are kept. Its id <code>{dialog.workflow.id}</code> cannot be saved to again.
            </Text>
            <Group justify="flex-end" gap="xs">
              <Button variant="default" data-autofocus onClick={() => setDialog(null)}>
                Cancel
              </Button>
              <Button color="red" onClick={() => void remove(dialog.workflow)}>
                Delete workflow
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <Modal open={dialog?.kind === 'history'} onClose={() => setDialog(null)} title={dialog?.kind === 'history' ? `Revisions of ${dialog.workflow.name}` : 'Revisions'} size="xl">
        {dialog?.kind === 'history' && (
          <Stack gap="sm">
            <RevisionsPanel
              workflow={dialog.workflow}
              onRestored={(revision) => {
                void refresh();
                setDialog({ kind: 'history', workflow: { ...dialog.workflow, revision } });
              }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)}>
                Close
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

/**
 * A native file input, visually hidden, under a label drawn as a Mantine button: the label opens
 * the picker on click, and the input's keyboard focus shows on the label.
 */
function FilePick({ id, label, multiple = false, onFiles }: { id: string; label: string; multiple?: boolean; onFiles: (files: File[]) => void }) {
  return (
    <span className="wf-file-pick">
      <input
        id={id}
        type="file"
        className="visually-hidden"
        multiple={multiple}
        accept=".json,application/json"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length) onFiles(files);
        }}
      />
      <Button component="label" htmlFor={id} variant="default">
        {label}
      </Button>
    </span>
  );
}

function CreateForm({ onCreate, onCancel }: { onCreate: (name: string, family: Family) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [family, setFamily] = useState<Family>('order_line');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Name: enter a name.');
      return;
    }
    setBusy(true);
    try {
      await onCreate(name.trim(), family);
    } catch (err) {
      setError(`Not created: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-label="New workflow" onSubmit={(e) => void submit(e)}>
      <Stack gap="sm">
        <TextInput label="Name" data-autofocus value={name} maxLength={200} error={error ?? undefined} onChange={(e) => setName(e.currentTarget.value)} />
        <Radio.Group label="Family" value={family} onChange={(v) => setFamily(v as Family)}>
          <Stack gap={6} mt={4}>
            <Radio value="order_line" label="Order line: renders an order line (stills, turntables, .blend)" />
            <Radio value="cad_file" label="CAD file: ingests a CAD file (mesh, metadata, thumbnail)" />
          </Stack>
        </Radio.Group>
        <Group justify="flex-end" gap="xs">
          <Button type="submit" loading={busy}>
            Create workflow
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RenameForm({ workflow, onRename, onCancel }: { workflow: WorkflowSummary; onRename: (name: string) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState(workflow.name);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('New name: enter a name.');
      return;
    }
    try {
      await onRename(name.trim());
    } catch (err) {
      setError(`Not renamed: ${errorText(err)}`);
    }
  };
  return (
    <form aria-label={`Rename ${workflow.name}`} onSubmit={(e) => void submit(e)}>
      <Stack gap="sm">
        <TextInput label="New name" data-autofocus value={name} maxLength={200} error={error ?? undefined} onChange={(e) => setName(e.currentTarget.value)} />
        <Group justify="flex-end" gap="xs">
          <Button type="submit">Rename</Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function MigrationResult({ result }: { result: Migrated }) {
  return (
    <Stack component="section" gap="xs" aria-label="Legacy migration" className="wf-panel">
      <Title order={2}>Legacy migration</Title>
      <Text size="sm">{result.verified ? 'Verified: projecting the workflows back gives the legacy documents, no differences.' : `Not verified: ${result.differences.length} differences.`}</Text>
      {result.workflows.length > 0 && (
        <List size="sm">
          {result.workflows.map((w) => (
            <List.Item key={w.workflowId}>
              Pipeline {w.pipelineKey} → workflow{' '}
              <Anchor component={Link} to={`/workflows/${encodeURIComponent(w.workflowId)}`}>
                {w.workflowId}
              </Anchor>{' '}
              revision {w.revision}
            </List.Item>
          ))}
        </List>
      )}
      {result.outputTypes.length > 0 && <Text size="sm">Output types: {result.outputTypes.map((o) => `${o.key} (→ ${o.workflowId} r${o.workflowRevision})`).join(', ')}</Text>}
      {result.differences.length > 0 && (
        <Table aria-label="Migration differences">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Document</Table.Th>
              <Table.Th>Path</Table.Th>
              <Table.Th>Legacy</Table.Th>
              <Table.Th>Projected back</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.differences.map((d, i) => (
              <Table.Tr key={i}>
                <Table.Td>
                  {d.kind} {d.key}
                </Table.Td>
                <Table.Td>
                  <code>{d.path}</code>
                </Table.Td>
                <Table.Td>{showValue(d.legacy)}</Table.Td>
                <Table.Td>{showValue(d.projected)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
