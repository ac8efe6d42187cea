import { useMemo, useState } from 'react';
import type { FarmAgentView } from '../../../shared/farm/status';
import { Accordion, Alert, Group, Paper, SegmentedControl, Text } from '@mantine/core';
import { useClient } from '../../app/services';
import { AgentTokens } from './AgentTokens';
import { AgentsTable } from './AgentsTable';
import { SlurmPilots } from './SlurmPilots';
import { ProcessTable } from './ProcessTable';
import { TaskTable } from './TaskTable';
import { FILTER_LABELS, TASK_FILTERS, matches, newestFirst, taskName, type TaskFilter } from './task-view';
import { useFarmStatus, useTaskLog } from './use-farm-status';

/**
 * The render farm: this machine's Blender processes (local slots), render agents and Slurm pilots
 * with their tokens, the work queue (newest first, by state) with
 * progress, links to each task's run and order line, cancel and per-task logs; Blender's version
 * checks folded away below, since they are the farm's own and not anyone's work.
 */
export function FarmPage() {
  const client = useClient();
  const { status, error, patchAgent } = useFarmStatus();
  const [selected, setSelected] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [filter, setFilter] = useState<TaskFilter>('all');
  const liveLines = useTaskLog(selected);

  const cancel = (taskId: string) => {
    setActionError(null);
    client.call('farm.cancel', { taskId }).catch((e: unknown) => setActionError((e as Error).message));
  };

  const drain = (agent: FarmAgentView) => {
    setActionError(null);
    return client.call('farm.agents.drain', { agent: agent.id }).then(patchAgent, (e: unknown) => setActionError(`${agent.name} was not drained: ${(e as Error).message}`));
  };
  /** An agent's current task: the queue shows it (selected, every state) and its log opens. */
  const showTask = (taskId: string) => {
    setFilter('all');
    setSelected(taskId);
    requestAnimationFrame(() => document.getElementById('farm-task-log')?.scrollIntoView({ block: 'nearest' }));
  };

  const connected = status?.agents.filter((a) => a.state === 'online' || a.state === 'draining') ?? [];
  const online = connected.length;
  const agentSlots = connected.reduce((n, a) => n + a.slots, 0);

  const ordered = useMemo(() => newestFirst(status?.tasks ?? []), [status]);
  const work = ordered.filter((t) => !t.probe);
  const shown = work.filter((t) => matches(t, filter));
  const probes = ordered.filter((t) => t.probe);
  const task = status?.tasks.find((t) => t.id === selected) ?? null;
  const storedLines = task?.attempts.flatMap((a) => [`# attempt ${a.attempt} on slot ${a.slot}: ${a.outcome}${a.error ? ` (${a.error})` : ''}`, ...a.log]) ?? [];
  const titleOf = (taskId: string) => {
    const t = status?.tasks.find((x) => x.id === taskId);
    return t ? taskName(t) : taskId;
  };

  return (
    <>
      <h1 tabIndex={-1}>Farm</h1>
      {error && (
        <Alert role="alert" color="red" mb="sm">
          The farm status could not be read: {error}
        </Alert>
      )}
      {actionError && (
        <Alert role="alert" color="red" mb="sm">
          {actionError}
        </Alert>
      )}
      {!status && !error && (
        <Text role="status" c="dimmed">
          Reading the farm status…
        </Text>
      )}
      {status && (
        <>
          <Text role="status" mb="sm">
            {status.started
              ? `Running: ${status.concurrency} Blender process${status.concurrency === 1 ? '' : 'es'}, ${status.mode} mode.`
              : `Not started: the farm starts with the first render (${status.concurrency} Blender process${status.concurrency === 1 ? '' : 'es'}, ${status.mode} mode).`}
            {online > 0 && ` ${online} render agent${online === 1 ? '' : 's'} online with ${agentSlots} slot${agentSlots === 1 ? '' : 's'}.`}
          </Text>
          <h2>Local slots</h2>
          {status.processes.length > 0 ? (
            <ProcessTable processes={status.processes} taskTitle={titleOf} />
          ) : (
            <Text>{status.concurrency === 0 ? 'None: this farm only hands work to render agents.' : 'No Blender process is running.'}</Text>
          )}
          <h2>Render agents and Slurm pilots</h2>
          {status.agents.length > 0 ? (
            <AgentsTable agents={status.agents} onShowTask={showTask} onDrain={drain} />
          ) : (
            <Text>No render agent has connected yet: create an agent token below and run the command it gives on a render machine.</Text>
          )}
          <SlurmPilots slurm={status.slurm} />
          <h2>Tasks</h2>
          <Group gap="sm" mb="xs" align="center">
            <Text span size="sm" id="farm-task-filter">
              Show
            </Text>
            <SegmentedControl
              aria-labelledby="farm-task-filter"
              size="xs"
              value={filter}
              onChange={(v) => setFilter(v as TaskFilter)}
              data={TASK_FILTERS.map((f) => ({ value: f, label: `${FILTER_LABELS[f]} (${work.filter((t) => matches(t, f)).length})` }))}
            />
          </Group>
          {shown.length > 0 ? (
            <TaskTable label="Render queue" tasks={shown} selected={selected} onSelect={setSelected} onCancel={cancel} />
          ) : (
            <Text>{work.length === 0 ? 'Nothing rendered yet: the queue is empty.' : 'No task in this state.'}</Text>
          )}
          {probes.length > 0 && (
            <Accordion variant="contained" mt="md" maw={1100}>
              <Accordion.Item value="probes">
                <Accordion.Control>
                  Blender version checks ({probes.length}): the farm asking Blender its version, not renders
                </Accordion.Control>
                <Accordion.Panel>
                  <TaskTable label="Blender version checks" tasks={probes} selected={selected} onSelect={setSelected} onCancel={cancel} />
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          )}
          {task && (
            <Paper component="section" id="farm-task-log" withBorder p="sm" mt="md" maw={1100} aria-label={`Log of ${taskName(task)}`}>
              <h2 style={{ marginTop: 0 }}>Log: {taskName(task)}</h2>
              <Text size="sm" c="dimmed" mb={4}>
                Job {task.label}; when the task ends its whole log is written to farm/logs/{task.id}.log in the data folder.
              </Text>
              <pre className="log farm-log">{[...storedLines, ...liveLines].join('\n') || 'No output yet.'}</pre>
            </Paper>
          )}
          <h2>Agent tokens</h2>
          <AgentTokens />
        </>
      )}
    </>
  );
}
