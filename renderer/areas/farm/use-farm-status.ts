import { useCallback, useEffect, useState } from 'react';
import type { FarmAgentView, FarmStatus } from '../../../shared/farm/status';
import { useClient } from '../../app/services';

/** The farm's status: fetched once, then kept current by farm.changed events; patchAgent shows an action's answer at once. */
export function useFarmStatus(): { status: FarmStatus | null; error: string | null; patchAgent: (agent: FarmAgentView) => void } {
  const client = useClient();
  const [status, setStatus] = useState<FarmStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const off = client.on('farm.changed', (next) => live && setStatus(next));
    client.call('farm.status', {}).then(
      (first) => live && setStatus((current) => current ?? first),
      (e: unknown) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
      off();
    };
  }, [client]);
  const patchAgent = useCallback((agent: FarmAgentView) => setStatus((s) => (s ? { ...s, agents: s.agents.map((a) => (a.id === agent.id ? agent : a)) } : s)), []);
  return { status, error, patchAgent };
}

const MAX_LINES = 500;

/** Live log lines of one task (farm.log), on top of the last lines the status carries. */
export function useTaskLog(taskId: string | null): string[] {
  const client = useClient();
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => {
    setLines([]);
    if (!taskId) return;
    return client.on('farm.log', (event) => {
      if (event.taskId !== taskId) return;
      setLines((prev) => [...prev, event.line].slice(-MAX_LINES));
    });
  }, [client, taskId]);
  return lines;
}
