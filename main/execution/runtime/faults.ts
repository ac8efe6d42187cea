import fs from 'node:fs';
import { z } from 'zod';
import type { RenderFarm } from '../farm/types';
import type { LocalFarm } from '../farm/local-farm';

/**
 * Test-only fault injection, from the environment of the process that runs the graph:
 *
 *   LIGHTBOX_TEST_FAULTS='[{"node":"step4_render_still","fault":"fail","mode":"graph"}]'
 *
 * `fail` throws before the node runs, `hang` never finishes (the node's timeout ends it; set
 * LIGHTBOX_TEST_NODE_TIMEOUT_MS to make that quick), `kill` SIGKILLs the Blender process of
 * every farm job the node starts (so its retries fail too). `mode` (graph | shadow) limits a fault
 * to runs of that mode; without it the fault applies to every graph-runtime run. Legacy dispatch
 * never reads this: it is how tests prove that a graph failure falls back to legacy.
 */
export const FaultSchema = z.object({ node: z.string().min(1), fault: z.enum(['fail', 'hang', 'kill']), mode: z.enum(['graph', 'shadow']).optional() }).strict();
export type Fault = z.infer<typeof FaultSchema>;

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Fault[] {
  const raw = env.LIGHTBOX_TEST_FAULTS;
  if (!raw) return [];
  const parsed = z.array(FaultSchema).safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`LIGHTBOX_TEST_FAULTS is not a list of {node, fault, mode?}: ${parsed.error.message}`);
  return parsed.data;
}

export function nodeTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const n = Number(env.LIGHTBOX_TEST_NODE_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export class InjectedFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InjectedFault';
  }
}

/** A farm whose every job for this node gets its Blender killed as soon as it runs. */
export function killingFarm(farm: RenderFarm): RenderFarm {
  const local = farm as Partial<LocalFarm>;
  if (typeof local.status !== 'function') return farm;
  const status = local.status.bind(farm);
  return {
    get concurrency() {
      return farm.concurrency;
    },
    runJob(job, options) {
      const pending = farm.runJob(job, options);
      const killed = new Set<number>();
      const timer = setInterval(() => {
        const now = status();
        const task = now.tasks.find((t) => t.label === options.label && t.state === 'running');
        const process = task && now.processes.find((p) => p.taskId === task.id && p.pid !== null);
        if (process?.pid && !killed.has(process.pid)) {
          killed.add(process.pid);
          try {
            globalThis.process.kill(process.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }, 20);
      return pending.finally(() => clearInterval(timer));
    },
    cancelRun: (runId) => farm.cancelRun(runId),
    close: () => farm.close(),
  };
}

/**
 * Test-only pause points in publishing, so a test can SIGKILL a dispatch at the worst moment:
 *
 *   LIGHTBOX_TEST_PUBLISH_PAUSE='{"at":"staged","marker":"/tmp/x/paused"}'
 *
 * `staged`: a step's files are copied for publishing and the step has not returned; `committed`:
 * the run's final transaction (asset rows, line status) is committed and the files are not yet
 * moved into place. The process writes `marker` and then blocks for `ms` (default 2 minutes).
 */
export const PublishPauseSchema = z.object({ at: z.enum(['staged', 'committed']), marker: z.string().min(1), ms: z.number().int().positive().optional() }).strict();

export function publishPause(at: 'staged' | 'committed', env: NodeJS.ProcessEnv = process.env): void {
  const raw = env.LIGHTBOX_TEST_PUBLISH_PAUSE;
  if (!raw) return;
  const pause = PublishPauseSchema.parse(JSON.parse(raw));
  if (pause.at !== at) return;
  fs.writeFileSync(pause.marker, `${process.pid}\n`);
  // Blocks the whole process, as a stall at this very instruction would.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause.ms ?? 120_000);
}
