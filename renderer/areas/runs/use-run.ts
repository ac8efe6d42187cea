import { useCallback, useEffect, useRef, useState } from 'react';
import type { Comparison } from '../../../shared/comparison/api';
import type { RunDetail, WorkflowRun } from '../../../shared/runs/api';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { useClient, useConnection } from '../../app/services';
import { errorText } from '../../transport/errors';
import type { NodeShownStatus } from './run-format';

/** What runs.node events said about a node since the run was last read. */
export interface LiveNode {
  nodeType: string;
  status: NodeShownStatus;
  error?: string;
  seq: number;
}

export interface Progress {
  done: number;
  total: number;
}

interface LogLine {
  line: string;
  seq: number;
}

export interface RunViewState {
  run: RunDetail | null;
  error: string | null;
  /** The sequence number of events when the shown run was asked for: later events are newer. */
  readSeq: number;
  live: Record<string, LiveNode>;
  progress: Record<string, Progress>;
  /** Log lines streamed (runs.log) after the shown run was read. */
  lines: Record<string, LogLine[]>;
  /** A runs.node event with no node id said the run ended; the stored run may not say so yet. */
  ended: boolean;
}

const REFRESH_DELAY_MS = 250;

const EMPTY: RunViewState = { run: null, error: null, readSeq: 0, live: {}, progress: {}, lines: {}, ended: false };

/** How many of the first `pending` lines the stored log already ends with (read while they streamed). */
function overlap(stored: string, pending: LogLine[]): number {
  const storedLines = stored.replace(/\n$/, '').split('\n');
  for (let k = Math.min(pending.length, storedLines.length); k > 0; k -= 1) {
    const tail = storedLines.slice(storedLines.length - k);
    if (tail.every((line, i) => line === pending[i]?.line)) return k;
  }
  return 0;
}

/**
 * One run, followed live (mount it keyed by the run id): runs.get, then runs.node / runs.log events of that run move it on at
 * once; the stored run (outputs, timings, full logs) is read again when a node finishes and when
 * the run ends, and after every reconnect.
 */
export function useRun(runId: string): RunViewState & { refresh: () => void } {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const [state, setState] = useState<RunViewState>(EMPTY);
  const seq = useRef(0);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, REFRESH_DELAY_MS);
    };
    const offNode = client.on('runs.node', (event) => {
      if (event.runId !== runId) return;
      seq.current += 1;
      const at = seq.current;
      if (!event.nodeId) {
        setState((s) => ({ ...s, ended: true }));
        later();
        return;
      }
      const isProgress = event.status === 'running' && event.done !== undefined && event.total !== undefined;
      setState((s) => ({
        ...s,
        live: { ...s.live, [event.nodeId]: { nodeType: event.nodeType, status: event.status, ...(event.error ? { error: event.error } : {}), seq: at } },
        progress: isProgress ? { ...s.progress, [event.nodeId]: { done: event.done ?? 0, total: event.total ?? 0 } } : s.progress,
      }));
      if (!isProgress) later();
    });
    const offLog = client.on('runs.log', (event) => {
      if (event.runId !== runId) return;
      seq.current += 1;
      const at = seq.current;
      setState((s) => ({ ...s, lines: { ...s.lines, [event.nodeId]: [...(s.lines[event.nodeId] ?? []), { line: event.line, seq: at }] } }));
    });
    return () => {
      offNode();
      offLog();
      if (timer) clearTimeout(timer);
    };
  }, [client, runId]);

  useEffect(() => {
    if (epoch === 0) return;
    let live = true;
    const askedAt = seq.current;
    client.call('runs.get', { runId }).then(
      (run) => {
        if (!live) return;
        setState((s) => {
          // Lines streamed before the read are in the stored log; so may be the first few after it.
          const lines: Record<string, LogLine[]> = {};
          for (const [nodeId, list] of Object.entries(s.lines)) {
            const pending = list.filter((l) => l.seq > askedAt);
            const stored = run.nodes.find((n) => n.nodeId === nodeId)?.log ?? '';
            const kept = pending.slice(overlap(stored, pending));
            if (kept.length) lines[nodeId] = kept;
          }
          return { ...s, run, error: null, readSeq: askedAt, lines };
        });
      },
      (e: unknown) => live && setState((s) => ({ ...s, error: `The run could not be read: ${errorText(e)}` })),
    );
    return () => {
      live = false;
    };
  }, [client, runId, epoch, version]);

  return { ...state, refresh };
}

/** The workflow document a run ran (its revision), for the graph layout; null for runs without one. */
export function useRunDocument(workflowId: string | null | undefined, revision: number | null | undefined): { document: WorkflowDocument | null; error: string | null } {
  const client = useClient();
  const [result, setResult] = useState<{ key: string; document: WorkflowDocument | null; error: string | null }>({ key: '', document: null, error: null });
  const key = workflowId ? `${workflowId}@${revision ?? ''}` : '';
  useEffect(() => {
    if (!workflowId) return;
    let live = true;
    client.call('workflows.get', revision ? { id: workflowId, revision } : { id: workflowId }).then(
      (document) => live && setResult({ key, document, error: null }),
      (e: unknown) => live && setResult({ key, document: null, error: `The workflow ${key} could not be read: ${errorText(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [client, workflowId, revision, key]);
  return result.key === key ? { document: result.document, error: result.error } : { document: null, error: null };
}

/** The shadow comparison the run took part in, read again when the run's status changes. */
export function useRunComparison(runId: string, status: string | undefined): { comparison: Comparison | null; error: string | null } {
  const client = useClient();
  const [result, setResult] = useState<{ comparison: Comparison | null; error: string | null }>({ comparison: null, error: null });
  useEffect(() => {
    if (!status) return;
    let live = true;
    client.call('runs.comparison', { runId }).then(
      (comparison) => live && setResult({ comparison, error: null }),
      (e: unknown) => live && setResult({ comparison: null, error: `The comparison could not be read: ${errorText(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [client, runId, status]);
  return result;
}

/** For a graph run that fell back to legacy: the legacy run of the same order line that stands in for it. */
export function useFallbackRun(run: WorkflowRun | null): string | null {
  const client = useClient();
  const [found, setFound] = useState<{ runId: string; fallback: string | null }>({ runId: '', fallback: null });
  const lineId = run?.orderLineId ?? null;
  const id = run?.id ?? '';
  const wanted = Boolean(run?.fallbackReason && lineId);
  const status = run?.status;
  useEffect(() => {
    if (!wanted || !lineId) return;
    let live = true;
    client.call('orders.line', { id: lineId }).then(
      (detail) => live && setFound({ runId: id, fallback: detail.runs.find((r) => r.fallbackOf === id)?.id ?? null }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client, wanted, lineId, id, status]);
  return found.runId === id ? found.fallback : null;
}
