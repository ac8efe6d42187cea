import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Group, NativeSelect, Table, Text, TextInput } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import type { RunListItem } from '../../../shared/runs/api';
import type { WorkflowSummary } from '../../../shared/workflow/api';
import { useClient, useConnection } from '../../app/services';
import { formatTime } from '../../ui/format-time';
import { SearchField } from '../../ui/SearchField';
import { RunStatusTag } from './RunStatusTag';
import { formatDuration, runDurationMs, runSubject, shortId } from './run-format';
import { useRunsList, type RunsFilter } from './use-runs-list';
import { useVirtualRows } from '../../ui/paged/use-virtual-rows';

const MODES = ['legacy', 'graph', 'shadow'] as const;
const ROLES = ['authoritative', 'shadow'] as const;
const STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
const FILTER_KEYS = ['q', 'workflow', 'mode', 'role', 'status', 'from', 'to'] as const;
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
  const q = params.get('q')?.trim();
  if (q) filter.q = q.slice(0, 200);
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
  const chosenWorkflow = params.get('workflow') ?? '';
  const known = workflows.some((w) => w.id === chosenWorkflow);
  const workflowOptions = [
    { value: '', label: 'Any workflow' },
    ...(!known && chosenWorkflow ? [{ value: chosenWorkflow, label: chosenWorkflow }] : []),
    ...workflows.map((w) => ({ value: w.id, label: `${w.name === w.id ? w.id : `${w.name} (${w.id})`}${w.deletedAt ? ', deleted' : ''}` })),
  ];
  const select = (key: FilterKey, label: string, options: readonly string[], anyLabel: string) => (
    <NativeSelect label={label} value={params.get(key) ?? ''} onChange={(e) => onChange(key, e.currentTarget.value)} data={[{ value: '', label: anyLabel }, ...options.map((o) => ({ value: o, label: o }))]} />
  );
  return (
    <form aria-label="Filter runs" role="search" onSubmit={(e) => e.preventDefault()}>
      <Group gap="sm" align="flex-end" wrap="wrap" mb="sm">
        <SearchField value={params.get('q') ?? ''} onChange={(value) => onChange('q', value)} description="run id, workflow, pipeline or CAD file name" />
        <NativeSelect label="Workflow" value={chosenWorkflow} onChange={(e) => onChange('workflow', e.currentTarget.value)} data={workflowOptions} maw={280} />
        {select('mode', 'Mode', MODES, 'Any mode')}
        {select('role', 'Role', ROLES, 'Any role')}
        {select('status', 'Status', STATUSES, 'Any status')}
        <TextInput label="Started from" type="date" value={params.get('from') ?? ''} onChange={(e) => onChange('from', e.currentTarget.value)} />
        <TextInput label="Started until" type="date" value={params.get('to') ?? ''} onChange={(e) => onChange('to', e.currentTarget.value)} />
      </Group>
    </form>
  );
}

/** One line of text per cell, mostly. */
const ROW_ESTIMATE = 44;

/** Memoized: scrolling draws new rows without drawing the rows still in view again. */
const RunRow = memo(function RunRow({ run, index }: { run: RunListItem; index: number }) {
  const label = `Run ${shortId(run.id)}`;
  return (
    <Table.Tr aria-rowindex={index + 2}>
      <Table.Th scope="row" fw="normal">
        <Link to={`/runs/${encodeURIComponent(run.id)}`}>{label}</Link>
      </Table.Th>
      <Table.Td>
        <RunStatusTag status={run.status} />
      </Table.Td>
      <Table.Td>{run.cadFileName ?? (run.cadFileId ? <Text span c="dimmed" size="sm">{run.cadFileId} (removed)</Text> : '—')}</Table.Td>
      <Table.Td>
        {runSubject(run)}
        {run.workflowId && run.outputTypeKey && <Text c="dimmed" size="sm">output type {run.outputTypeKey}</Text>}
        {run.draft && <Text c="dimmed" size="sm">draft</Text>}
      </Table.Td>
      <Table.Td>{run.mode}</Table.Td>
      <Table.Td>{run.role}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(run.startedAt)}</Table.Td>
      <Table.Td ta="right">{run.status === 'running' ? 'running' : formatDuration(runDurationMs(run))}</Table.Td>
      <Table.Td ta="right">
        {run.failedNodes > 0 ? (
          <Text span c="var(--fail)" fw={600} size="sm">
            {run.failedNodes} of {run.nodeCount}
          </Text>
        ) : (
          <span>0 of {run.nodeCount}</span>
        )}
      </Table.Td>
    </Table.Tr>
  );
});

/** The runs table: only the rows in view of its scroll box are drawn; the next page is read near its end. */
function RunsTable({ runs, hasMore, loadMore }: { runs: RunListItem[]; hasMore: boolean; loadMore: () => void }) {
  const scroll = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows({ count: runs.length, scrollRef: scroll, estimate: ROW_ESTIMATE, hasMore, onNearEnd: loadMore, getKey: (i) => runs[i]?.id ?? i });
  return (
    <div ref={scroll} style={{ maxHeight: '70vh', overflow: 'auto', contain: 'content' }}>
      <Table aria-label="Runs" aria-rowcount={hasMore ? -1 : runs.length + 1} striped highlightOnHover verticalSpacing={6} ta="left" miw={760} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Run</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">CAD file</Table.Th>
            <Table.Th scope="col">Workflow or output type</Table.Th>
            <Table.Th scope="col">Mode</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Started</Table.Th>
            <Table.Th scope="col" ta="right">
              Duration
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Failed nodes
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {virtual.before > 0 && <tr aria-hidden="true" style={{ height: virtual.before }} />}
          {virtual.rows.map(({ index, key }) => (
            <RunRow key={key} index={index} run={runs[index] as RunListItem} />
          ))}
          {virtual.after > 0 && <tr aria-hidden="true" style={{ height: virtual.after }} />}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** Every run of every workflow and dispatch, newest first, filtered; live through runs.node events. */
export function RunsListPage() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterOf(params), [params]);
  const { runs, loaded, error, hasMore, loadMore } = useRunsList(filter);
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
      <Text className="lede" mb="sm">
        Every execution of a workflow or a legacy pipeline, newest first: the CAD file it rendered, its mode and role, status,
        timings and the nodes that failed. Open a run to follow it node by node.
      </Text>
      <Filters params={params} onChange={change} workflows={workflows} />
      <Group gap="sm" mb="xs" mih={26}>
        {filtered && (
          <Button variant="default" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            Clear filters
          </Button>
        )}
        <Text span role="status" c="dimmed" size="sm">
          {loaded && !error ? `${runs.length}${hasMore ? '+' : ''} ${runs.length === 1 && !hasMore ? 'run' : 'runs'}${filtered ? ' match' : ''}${running ? `, ${running} running` : ''}` : ''}
        </Text>
      </Group>
      {error && (
        <Alert role="alert" color="red" mb="sm">
          {error}
        </Alert>
      )}
      {!loaded && !error && <Text c="dimmed">Reading the runs…</Text>}
      {loaded && runs.length === 0 && !error && <Text>{filtered ? 'No run matches these filters.' : 'No runs yet.'}</Text>}
      {runs.length > 0 && <RunsTable runs={runs} hasMore={hasMore} loadMore={loadMore} />}
    </>
  );
}
