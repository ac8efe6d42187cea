import { useState } from 'react';
import { useClient } from '../../app/services';
import { ProcessTable } from './ProcessTable';
import { TaskTable } from './TaskTable';
import { useFarmStatus, useTaskLog } from './use-farm-status';

/** The embedded render farm: Blender processes, the queue with progress, cancel, per-task logs. */
export function FarmPage() {
  const client = useClient();
  const { status, error } = useFarmStatus();
  const [selected, setSelected] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const liveLines = useTaskLog(selected);

  const cancel = (taskId: string) => {
    setActionError(null);
    client.call('farm.cancel', { taskId }).catch((e: unknown) => setActionError((e as Error).message));
  };

  const task = status?.tasks.find((t) => t.id === selected) ?? null;
  const storedLines = task?.attempts.flatMap((a) => [`# attempt ${a.attempt} on slot ${a.slot}: ${a.outcome}${a.error ? ` (${a.error})` : ''}`, ...a.log]) ?? [];

  return (
    <>
      <h1 tabIndex={-1}>Farm</h1>
      {error && <p role="alert">The farm status could not be read: {error}</p>}
      {actionError && <p role="alert">{actionError}</p>}
      {!status && !error && <p role="status">Reading the farm status…</p>}
      {status && (
        <>
          <p role="status">
            {status.started
              ? `Running: ${status.concurrency} Blender process${status.concurrency === 1 ? '' : 'es'}, ${status.mode} mode.`
              : `Not started: the farm starts with the first render (${status.concurrency} Blender process${status.concurrency === 1 ? '' : 'es'}, ${status.mode} mode).`}
          </p>
          <h2>Processes</h2>
          {status.processes.length > 0 ? <ProcessTable processes={status.processes} /> : <p>No Blender process is running.</p>}
          <h2>Queue</h2>
          <TaskTable tasks={status.tasks} selected={selected} onSelect={setSelected} onCancel={cancel} />
          {task && (
            <section aria-label={`Log of ${task.label}`}>
              <h2>Log: {task.label}</h2>
              <pre className="log">{[...storedLines, ...liveLines].join('\n') || 'No output yet.'}</pre>
            </section>
          )}
        </>
      )}
    </>
  );
}
