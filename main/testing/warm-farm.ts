import type { FarmJobOptions, RenderFarm } from '../execution/farm/types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WarmBlender } from '../../workers/blender/warm-blender';
import { ingestCad } from '../execution/cad/ingest';
import { TEST_BLENDER } from './processes';
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

/** The STEP part render tests use: a small CAx-IF assembly shipped with occt-import-js. */
export const TEST_STEP = path.resolve('node_modules/occt-import-js/test/testfiles/cax-if/as1-oc-214.stp');

export interface RenderFixture {
  tmp: string;
  /** TEST_STEP ingested once. */
  glb: string;
  warm: WarmBlender;
  farm: ReturnType<typeof warmFarm>;
  stop(): Promise<void>;
}

/** For a beforeAll: a temp folder, TEST_STEP ingested, a started warm Blender and its farm. */
export async function startRenderFixture(prefix: string): Promise<RenderFixture> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const warm = new WarmBlender({ binary: TEST_BLENDER });
  const [ingested] = await Promise.all([ingestCad({ file: TEST_STEP, outDir: path.join(tmp, 'cad'), thumbnail: false }), warm.start()]);
  return {
    tmp,
    glb: ingested.glbPath,
    warm,
    farm: warmFarm(warm, 2),
    stop: async () => {
      await warm.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
