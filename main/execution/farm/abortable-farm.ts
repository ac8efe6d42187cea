import type { RenderFarm } from './types';
import type { LocalFarm } from './local-farm';

/**
 * The farm as one run sees it: once `signal` aborts, the run's queued and running jobs are
 * cancelled and any job it submits later is refused, so a cancel that lands between two steps
 * (or before a turntable has queued its chunks) still stops everything.
 */
export function abortableFarm(farm: RenderFarm, signal: AbortSignal, runId: string): RenderFarm {
  signal.addEventListener('abort', () => farm.cancelRun(runId), { once: true });
  // The farm's status stays visible through the wrapper (the Farm page, test fault injection).
  const status = (farm as Partial<Pick<LocalFarm, 'status'>>).status?.bind(farm);
  return {
    ...(status ? { status } : {}),
    get concurrency() {
      return farm.concurrency;
    },
    runJob(job, options) {
      if (signal.aborted) return Promise.reject(new Error(`run ${runId} was cancelled; job ${options.label} not started`));
      return farm.runJob(job, { ...options, runId: options.runId ?? runId });
    },
    cancelRun: (id) => farm.cancelRun(id),
    close: () => farm.close(),
  };
}
