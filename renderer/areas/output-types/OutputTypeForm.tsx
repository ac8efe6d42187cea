import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ContractError } from '../../../shared/contract';
import type { OutputType } from '../../../shared/output-types/profile';
import type { ExecutionMode, Family } from '../../../shared/workflow/document';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { ParameterField, type ParameterView } from './ParameterField';
import { PreviewRender } from './PreviewRender';
import { formatValue } from './format';

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
  const fieldErrors = (path: string) => {
    const list = problemsAt(path);
    return list.length ? (
      <ul id={`${id}-${path}-err`} className="field-error plain-list">
        {list.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    ) : null;
  };

  return (
    <form className="form section ot-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={`${id}-title`} tabIndex={-1} ref={headingRef}>
        {title}
      </h2>
      {saveError && (
        <div className="banner banner-error" role="alert" tabIndex={-1} ref={errorRef}>
          <p>{saveError.message}</p>
          <ul>
            {saveError.issues.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                {i.path ? <code>{i.path}</code> : null} {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-workflow`}>Workflow</label>
        <div className="field-control">
          <select
            id={`${id}-workflow`}
            value={workflowId}
            aria-invalid={problemsAt('workflowId').length > 0}
            aria-describedby={problemsAt('workflowId').length ? `${id}-workflowId-err` : undefined}
            onChange={(e) => {
              setWorkflowId(e.target.value);
              setValues({});
              setSaveError(null);
            }}
          >
            <option value="">Pick a workflow…</option>
            {workflows?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.id}, {w.family === 'order_line' ? `revision ${w.revision}` : 'cad_file workflow'})
              </option>
            ))}
          </select>
        </div>
        {fieldErrors('workflowId')}
      </div>
      {defaultsError && <p className="field-error">{defaultsError}</p>}
      {workflowId && (
        <>
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <div className="field-control">
              <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={problemsAt('name').length > 0} aria-describedby={problemsAt('name').length ? `${id}-name-err` : undefined} />
            </div>
            {fieldErrors('name')}
          </div>
          {!editing && (
            <div className="field">
              <label htmlFor={`${id}-key`}>Key (optional)</label>
              <div className="field-control">
                <input id={`${id}-key`} value={key} onChange={(e) => setKey(e.target.value)} aria-describedby={`${id}-key-hint`} />
              </div>
              <p id={`${id}-key-hint`} className="hint">
                Lower-case letters, digits and _; the backend derives one from the name when empty.
              </p>
              {fieldErrors('key')}
            </div>
          )}
          <div className="field">
            <label htmlFor={`${id}-policy`}>Revision</label>
            <div className="field-control">
              <select id={`${id}-policy`} value={revisionPolicy} onChange={(e) => setRevisionPolicy(e.target.value as 'pinned' | 'latest_approved')}>
                <option value="pinned">Pinned to revision {revision ?? defaults?.workflowRevision ?? selected?.revision ?? '…'}</option>
                <option value="latest_approved">Latest approved revision</option>
              </select>
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-mode`}>Execution mode</label>
            <div className="field-control">
              <select id={`${id}-mode`} value={executionMode} onChange={(e) => setExecutionMode(e.target.value as ExecutionMode | '')}>
                <option value="">Follow the workflow</option>
                <option value="legacy">legacy</option>
                <option value="shadow">shadow</option>
                <option value="graph">graph</option>
              </select>
            </div>
            <p className="hint">Enabling graph is done on the rollout screen, after an approved shadow pass.</p>
          </div>
          <fieldset className="ot-params">
            <legend>Parameters of {defaults?.workflowName ?? workflowId}</legend>
            {!defaults && <p className="muted">Loading the workflow's parameters…</p>}
            {defaults && defaults.parameters.length === 0 && <p className="muted">This workflow exposes no parameters.</p>}
            {defaults?.parameters.map((p) => (
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
          </fieldset>
          {defaults && (
            <section className="ot-contract" aria-label="Artifact contract">
              <h3>Artifact contract</h3>
              {defaults.artifact ? (
                <dl className="facts">
                  {Object.entries(defaults.artifact).map(([k, v]) => (
                    <div key={k} className="ot-fact">
                      <dt>{k}</dt>
                      <dd>{formatValue(v)}</dd>
                    </div>
                  ))}
                </dl>
              ) : (
                <p className="muted">This workflow delivers nothing an output type can promise.</p>
              )}
            </section>
          )}
          <div role="status" aria-label="Validation" className="ot-validation">
            {checking ? (
              <p className="muted">Checking against the workflow…</p>
            ) : allProblems.length === 0 ? (
              <p className="tag tag-ok">Valid</p>
            ) : (
              <>
                <p className="tag tag-fail">
                  {allProblems.length} problem{allProblems.length === 1 ? '' : 's'}
                </p>
                {otherProblems.length > 0 && (
                  <ul className="field-error">
                    {otherProblems.map((p) => (
                      <li key={`${p.path}:${p.message}`}>
                        {p.path && <code>{p.path}</code>} {p.message}
                      </li>
                    ))}
                  </ul>
                )}
              </>
            )}
          </div>
          {defaults?.family === 'order_line' && <PreviewRender workflowId={workflowId} revision={revision} parameterValues={values} />}
        </>
      )}
      <div className="actions">
        <button type="submit" disabled={saving}>
          {editing ? 'Save changes' : 'Create output type'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
