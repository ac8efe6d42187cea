import type { RenderFarm } from './types';

/**
 * The same farm, its jobs queued at `priority` unless they ask for one. A shadow run uses it so
 * the observer of a line that legacy just finished goes ahead of later lines' legacy renders: its
 * comparison arrives while the batch is still rendering, not after the whole batch.
 */
export function withPriority(farm: RenderFarm, priority: number): RenderFarm {
  return {
    get concurrency() {
      return farm.concurrency;
    },
    runJob: (job, options) => farm.runJob(job, { ...options, priority: options.priority ?? priority }),
    cancelRun: (runId) => farm.cancelRun(runId),
    close: () => farm.close(),
  };
}
