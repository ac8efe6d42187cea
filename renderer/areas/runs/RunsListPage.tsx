import { useEffect, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { RunSummary } from '../../../shared/runs/api';
import type { WorkflowSummary } from '../../../shared/workflow/api';
import { useClient, useConnection } from '../../app/services';
import { formatTime } from '../../ui/format-time';
import { RunStatusTag } from './RunStatusTag';
import { formatDuration, runDurationMs, runSubject, shortId } from './run-format';
import { useRunsList, type RunsFilter } from './use-runs-list';

const MODES = ['legacy', 'graph', 'shadow'] as const;
const ROLES = ['authoritative', 'shadow'] as const;
const STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
const FILTER_KEYS = ['workflow', 'mode', 'role', 'status', 'from', 'to'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

/** A yyyy-mm-dd day (local time) as the ISO instant it starts at; `nextDay` for an inclusive end. */
function dayStart(day: string | null, nextDay = false): string | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d + (nextDay ? 1 : 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The filter as the URL holds it (so a filtered list can be linked and survives reloads). */
function filterOf(params: URLSearchParams): RunsFilter {
  const filter: RunsFilter = {};
  const workflow = params.get('workflow');
  if (workflow) filter.workflowId = workflow;
  const mode = oneOf(MODES, params.get('mode'));
  if (mode) filter.mode = mode;
  const role = oneOf(ROLES, params.get('role'));
  if (role) filter.role = role;
  const status = oneOf(STATUSES, params.get('status'));
  if (status) filter.status = status;
  const since = dayStart(params.get('from'));
  if (since) filter.since = since;
  const until = dayStart(params.get('to'), true);
  if (until) filter.until = until;
  return filter;
}

function useWorkflows(): WorkflowSummary[] {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const [workflows, setWorkflows] = useState<WorkflowSummary[]>([]);
  useEffect(() => {
    if (epoch === 0) return;
    let live = true;
    client.call('workflows.list', { includeDeleted: true }).then(
      ({ workflows: list }) => live && setWorkflows(list),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client, epoch]);
  return workflows;
}

function Filters({ params, onChange, workflows }: { params: URLSearchParams; onChange: (key: FilterKey, value: string) => void; workflows: WorkflowSummary[] }) {
  const id = useId();
  const chosenWorkflow = params.get('workflow') ?? '';
  const known = workflows.some((w) => w.id === chosenWorkflow);
  const select = (key: FilterKey, label: string, options: readonly string[], anyLabel: string) => (
    <div className="run-filter">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <select id={`${id}-${key}`} value={params.get(key) ?? ''} onChange={(e) => onChange(key, e.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form className="run-filters" aria-label="Filter runs" role="search" onSubmit={(e) => e.preventDefault()}>
      <div className="run-filter">
        <label htmlFor={`${id}-workflow`}>Workflow</label>
        <select id={`${id}-workflow`} value={chosenWorkflow} onChange={(e) => onChange('workflow', e.target.value)}>
          <option value="">Any workflow</option>
          {!known && chosenWorkflow && <option value={chosenWorkflow}>{chosenWorkflow}</option>}
          {workflows.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name === w.id ? w.id : `${w.name} (${w.id})`}
              {w.deletedAt ? ', deleted' : ''}
            </option>
          ))}
        </select>
      </div>
      {select('mode', 'Mode', MODES, 'Any mode')}
      {select('role', 'Role', ROLES, 'Any role')}
      {select('status', 'Status', STATUSES, 'Any status')}
      <div className="run-filter">
        <label htmlFor={`${id}-from`}>Started from</label>
        <input id={`${id}-from`} type="date" value={params.get('from') ?? ''} onChange={(e) => onChange('from', e.target.value)} />
      </div>
      <div className="run-filter">
        <label htmlFor={`${id}-to`}>Started until</label>
        <input id={`${id}-to`} type="date" value={params.get('to') ?? ''} onChange={(e) => onChange('to', e.target.value)} />
      </div>
    </form>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const label = `Run ${shortId(run.id)}`;
  return (
    <tr>
      <th scope="row">
        <Link to={`/runs/${encodeURIComponent(run.id)}`}>{label}</Link>
      </th>
      <td>
        <RunStatusTag status={run.status} />
      </td>
      <td>{run.mode}</td>
      <td>{run.role}</td>
      <td className="detail">
        {runSubject(run)}
        {run.workflowId && run.outputTypeKey && <div className="muted">output type {run.outputTypeKey}</div>}
        {run.draft && <div className="muted">draft</div>}
      </td>
      <td className="nowrap">{formatTime(run.startedAt)}</td>
      <td className="num">{run.status === 'running' ? 'running' : formatDuration(runDurationMs(run))}</td>
      <td className="num">
        {run.failedNodes > 0 ? (
          <span className="tag tag-fail">
            {run.failedNodes} of {run.nodeCount}
          </span>
        ) : (
          <span>0 of {run.nodeCount}</span>
        )}
      </td>
    </tr>
  );
}

/** Every run of every workflow and dispatch, newest first, filtered; live through runs.node events. */
export function RunsListPage() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterOf(params), [params]);
  const { runs, loaded, error } = useRunsList(filter);
  const workflows = useWorkflows();
  const filtered = FILTER_KEYS.some((k) => params.get(k));
  const running = runs.filter((r) => r.status === 'running').length;

  const change = (key: FilterKey, value: string) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  return (
    <>
      <h1 tabIndex={-1}>Runs</h1>
      <p className="lede">
        Every execution of a workflow or a legacy pipeline, newest first: its mode and role, status, timings and the nodes
        that failed. Open a run to follow it node by node.
      </p>
      <Filters params={params} onChange={change} workflows={workflows} />
      <div className="toolbar">
        {filtered && (
          <button type="button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            Clear filters
          </button>
        )}
        <span role="status" className="muted">
          {loaded && !error ? `${runs.length} ${runs.length === 1 ? 'run' : 'runs'}${filtered ? ' match' : ''}${running ? `, ${running} running` : ''}` : ''}
        </span>
      </div>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      {!loaded && !error && <p className="muted">Reading the runs…</p>}
      {loaded && runs.length === 0 && !error && <p>{filtered ? 'No run matches these filters.' : 'No runs yet.'}</p>}
      {runs.length > 0 && (
        <div className="table-scroll">
          <table className="grid run-table" aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Mode</th>
                <th scope="col">Role</th>
                <th scope="col">Workflow or output type</th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Failed nodes
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <RunRow key={run.id} run={run} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
