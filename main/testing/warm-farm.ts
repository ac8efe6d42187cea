import type { FarmJobOptions, RenderFarm } from '../farm/types';
import type { WarmBlender } from '../../workers/blender/warm-blender';
import type { BlenderJobInput } from '../../workers/blender/job-spec';

/**
 * Test-only RenderFarm: one WarmBlender, jobs serialized, `concurrency` reported as asked so
 * turntable chunking is exercised, every job recorded for assertions. Not shipped: the real
 * farm is createLocalFarm (main/farm/local-farm.ts), which has its own tests.
 */
export function warmFarm(warm: WarmBlender, concurrency: number): RenderFarm & { jobs: { job: BlenderJobInput; options: FarmJobOptions }[] } {
  let chain: Promise<unknown> = Promise.resolve();
  const cancelled = new Set<string>();
  const jobs: { job: BlenderJobInput; options: FarmJobOptions }[] = [];
  return {
    concurrency,
    jobs,
    runJob(job, options) {
      jobs.push({ job, options });
      const run = chain.then(() => {
        if (options.runId && cancelled.has(options.runId)) throw new Error(`run ${options.runId} cancelled`);
        return warm.run(job, { timeoutMs: options.timeoutMs, onProgress: options.onProgress, onLog: options.onLog });
      });
      chain = run.catch(() => undefined);
      return run;
    },
    cancelRun(runId) {
      cancelled.add(runId);
      return 0;
    },
    async close() {},
  };
}
