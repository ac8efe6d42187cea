import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
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
import { ActionsHeader } from '../../ui/ActionsHeader';

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
  const searchId = useId();
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
    <>
      <h1 tabIndex={-1}>Workflows</h1>
      <p className="lede">
        Node-graph workflows that turn a CAD file or an order line into renders. Each save is a new revision; open one to edit it on the canvas, validate,
        dry-run and dispatch it.
      </p>
      <div className="toolbar wf-list-toolbar">
        <label htmlFor={searchId}>Search workflows</label>
        <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="name or id" />
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })} disabled={!defs.loaded}>
          New workflow
        </button>
        <label htmlFor={importId} className="wf-file-label">
          Import a workflow file
        </label>
        <input
          id={importId}
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
        <label htmlFor={legacyId} className="wf-file-label">
          Import legacy presets
        </label>
        <input
          id={legacyId}
          type="file"
          multiple
          accept=".json,application/json"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length) void importLegacy(files);
          }}
        />
      </div>
      {status && (
        <p role="status" className="save-status">
          {status}
        </p>
      )}
      {failure && (
        <p role="alert" className="banner banner-error">
          {failure}
        </p>
      )}
      {importOutcome && (
        <div role="alert" className="banner banner-error">
          <p>{importOutcome.message}</p>
          {importOutcome.problems.length > 0 && (
            <table className="grid" aria-label={`Problems in ${importOutcome.fileName}`}>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {importOutcome.problems.map((p, i) => (
                  <tr key={i}>
                    <td>
                      <code>{p.path || '(document)'}</code>
                    </td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {migrated && <MigrationResult result={migrated} />}
      {listError && (
        <p role="alert" className="banner banner-error">
          {listError}
        </p>
      )}
      {!workflows && !listError && <p role="status">Reading the workflows…</p>}
      {workflows && workflows.length === 0 && <p>{search.trim() ? `No workflow matches “${search.trim()}”.` : 'No workflows yet. Create one, or import a file or legacy presets.'}</p>}
      {workflows && workflows.length > 0 && (
        <div className="table-scroll">
          <table className="grid" aria-label="Workflows">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Family</th>
                <th scope="col">Mode</th>
                <th scope="col" className="num">
                  Revision
                </th>
                <th scope="col" className="num">
                  Nodes
                </th>
                <th scope="col">Updated</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {workflows.map((w) => (
                <tr key={w.id}>
                  <th scope="row">
                    <Link to={`/workflows/${encodeURIComponent(w.id)}`}>{w.name}</Link>
                    <div className="muted">
                      <code>{w.id}</code>
                    </div>
                  </th>
                  <td>{w.family}</td>
                  <td>{w.executionMode}</td>
                  <td className="num">{w.revision}</td>
                  <td className="num">{w.nodeCount}</td>
                  <td className="nowrap">{formatTime(w.updatedAt)}</td>
                  <td className="row-actions nowrap">
                    <button type="button" aria-label={`Rename ${w.name}`} onClick={() => setDialog({ kind: 'rename', workflow: w })}>
                      Rename
                    </button>
                    <button type="button" aria-label={`Duplicate ${w.name}`} onClick={() => void duplicate(w)}>
                      Duplicate
                    </button>
                    <button type="button" aria-label={`Export ${w.name}`} onClick={() => void exportOne(w)}>
                      Export
                    </button>
                    <button type="button" aria-label={`History of ${w.name}`} onClick={() => setDialog({ kind: 'history', workflow: w })}>
                      History
                    </button>
                    <button type="button" className="danger" aria-label={`Delete ${w.name}`} onClick={() => setDialog({ kind: 'delete', workflow: w })}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Modal open={dialog?.kind === 'create'} onClose={() => setDialog(null)} title="New workflow">
        <CreateForm onCreate={create} onCancel={() => setDialog(null)} />
      </Modal>
      <Modal open={dialog?.kind === 'rename'} onClose={() => setDialog(null)} title={dialog?.kind === 'rename' ? `Rename ${dialog.workflow.name}` : 'Rename'}>
        {dialog?.kind === 'rename' && <RenameForm workflow={dialog.workflow} onRename={(name) => rename(dialog.workflow, name)} onCancel={() => setDialog(null)} />}
      </Modal>
      <Modal open={dialog?.kind === 'delete'} onClose={() => setDialog(null)} title={dialog?.kind === 'delete' ? `Delete ${dialog.workflow.name}?` : 'Delete?'}>
        {dialog?.kind === 'delete' && (
          <>
            <p>
              The workflow leaves the list; its revisions are kept. Its id <code>{dialog.workflow.id}</code> cannot be saved to again.
            </p>
            <div className="actions">
              <button type="button" autoFocus onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button type="button" className="danger" onClick={() => void remove(dialog.workflow)}>
                Delete workflow
              </button>
            </div>
          </>
        )}
      </Modal>
      <Modal open={dialog?.kind === 'history'} onClose={() => setDialog(null)} title={dialog?.kind === 'history' ? `Revisions of ${dialog.workflow.name}` : 'Revisions'} className="wf-history">
        {dialog?.kind === 'history' && (
          <>
            <RevisionsPanel
              workflow={dialog.workflow}
              onRestored={(revision) => {
                void refresh();
                setDialog({ kind: 'history', workflow: { ...dialog.workflow, revision } });
              }}
            />
            <div className="actions">
              <button type="button" onClick={() => setDialog(null)}>
                Close
              </button>
            </div>
          </>
        )}
      </Modal>
    </>
  );
}

function CreateForm({ onCreate, onCancel }: { onCreate: (name: string, family: Family) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [family, setFamily] = useState<Family>('order_line');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameId = useId();
  const errId = useId();
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
      <div className="wf-row">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} type="text" autoFocus value={name} maxLength={200} aria-invalid={Boolean(error)} aria-describedby={error ? errId : undefined} onChange={(e) => setName(e.target.value)} />
      </div>
      <fieldset className="wf-fieldset">
        <legend>Family</legend>
        <label className="choice">
          <input type="radio" name="family" value="order_line" checked={family === 'order_line'} onChange={() => setFamily('order_line')} /> Order line: renders an order line (stills,
          turntables, .blend)
        </label>
        <label className="choice">
          <input type="radio" name="family" value="cad_file" checked={family === 'cad_file'} onChange={() => setFamily('cad_file')} /> CAD file: ingests a CAD file (mesh, metadata, thumbnail)
        </label>
      </fieldset>
      {error && (
        <p id={errId} className="field-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Create workflow
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RenameForm({ workflow, onRename, onCancel }: { workflow: WorkflowSummary; onRename: (name: string) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState(workflow.name);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const errId = useId();
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
      <div className="wf-row">
        <label htmlFor={nameId}>New name</label>
        <input id={nameId} type="text" autoFocus value={name} maxLength={200} aria-invalid={Boolean(error)} aria-describedby={error ? errId : undefined} onChange={(e) => setName(e.target.value)} />
      </div>
      {error && (
        <p id={errId} className="field-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Rename
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function MigrationResult({ result }: { result: Migrated }) {
  return (
    <section className="section" aria-label="Legacy migration">
      <h2>Legacy migration</h2>
      <p>{result.verified ? 'Verified: projecting the workflows back gives the legacy documents, no differences.' : `Not verified: ${result.differences.length} differences.`}</p>
      {result.workflows.length > 0 && (
        <ul>
          {result.workflows.map((w) => (
            <li key={w.workflowId}>
              Pipeline {w.pipelineKey} → workflow <Link to={`/workflows/${encodeURIComponent(w.workflowId)}`}>{w.workflowId}</Link> revision {w.revision}
            </li>
          ))}
        </ul>
      )}
      {result.outputTypes.length > 0 && (
        <p>
          Output types: {result.outputTypes.map((o) => `${o.key} (→ ${o.workflowId} r${o.workflowRevision})`).join(', ')}
        </p>
      )}
      {result.differences.length > 0 && (
        <table className="grid" aria-label="Migration differences">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Path</th>
              <th scope="col">Legacy</th>
              <th scope="col">Projected back</th>
            </tr>
          </thead>
          <tbody>
            {result.differences.map((d, i) => (
              <tr key={i}>
                <td>
                  {d.kind} {d.key}
                </td>
                <td>
                  <code>{d.path}</code>
                </td>
                <td>{showValue(d.legacy)}</td>
                <td>{showValue(d.projected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
