import type { EventBus } from '../../platform/transport/event-bus';
import { ApiFailure } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings/schema';
import type { FarmAgentView } from '../../../shared/farm/status';
import type { SlurmStatus } from '../../../shared/farm/slurm';
import { findTool } from '../../platform/tools/find-executable';
import { createLocalFarm, idleFarmStatus, type FarmStatus, type LocalFarm, type LocalFarmOptions } from './local-farm';

/**
 * The backend's handle on the render farm. The farm is created on first use, so verbs and
 * tests that never render start no worker thread and need no Blender. Farm settings are read
 * when it is created; changing them takes effect at the next start.
 */
export interface FarmService {
  /** The farm, created on the first call (Blender resolved like preflight does). */
  get(): Promise<LocalFarm>;
  /** True once get() created the farm. */
  readonly started: boolean;
  /** The status; an idle picture from settings when nothing has started the farm. */
  status(): FarmStatus;
  cancel(target: { taskId: string } | { runId: string }): { cancelled: number };
  /** Kills every Blender synchronously, then resolves once the workers are down. */
  close(): Promise<void>;
}

export interface FarmServiceOptions {
  dataDir: string;
  settings: () => Settings;
  env: NodeJS.ProcessEnv;
  events?: EventBus;
  /** For tests: another farm factory. */
  create?: (options: LocalFarmOptions) => LocalFarm;
  /** What a run renders for (its order line, its CAD file), so each task can say so; null for an unknown run. */
  runContext?: (runId: string) => FarmRunContext | null;
  /** The render agents to list with the farm (agents/controller.ts). */
  agents?: () => FarmAgentView[];
  /** The Slurm pilots to list with the farm (slurm/slurm-pilots.ts). */
  slurm?: () => SlurmStatus;
}

export interface FarmRunContext {
  orderLineId: string | null;
  cadFileId: string | null;
  cadFileName: string | null;
}

export function createFarmService(options: FarmServiceOptions): FarmService {
  let farm: LocalFarm | null = null;
  let creating: Promise<LocalFarm> | null = null;
  let closed = false;
  // A run's order line and CAD file never change: asked once per run, not on every farm.changed.
  const contexts = new Map<string, FarmRunContext | null>();
  const withContext = (local: FarmStatus): FarmStatus => {
    const withAgents = options.agents ? { ...local, agents: options.agents() } : local;
    const status = options.slurm ? { ...withAgents, slurm: options.slurm() } : withAgents;
    const lookup = options.runContext;
    if (!lookup) return status;
    const tasks = status.tasks.map((task) => {
      if (!task.runId) return task;
      if (!contexts.has(task.runId)) {
        let found: FarmRunContext | null = null;
        try {
          found = lookup(task.runId);
        } catch {
          // A run the store does not know (a render outside any run): the task stays without context.
        }
        // Unknown now may be known in a moment (the run row is written as it starts): only keep hits.
        if (!found) return task;
        if (contexts.size > 1000) contexts.clear();
        contexts.set(task.runId, found);
      }
      return { ...task, ...contexts.get(task.runId) };
    });
    return { ...status, tasks };
  };

  const create = async (): Promise<LocalFarm> => {
    const settings = options.settings();
    const found = await findTool('blender', settings.blenderPath, options.env);
    if (!found.found) throw new ApiFailure('blender_not_found', `${found.problem} ${found.fix}`, '');
    if (closed) throw new ApiFailure('farm_closed', 'the render farm is shutting down', '');
    const made = (options.create ?? createLocalFarm)({
      blenderPath: found.path,
      dataDir: options.dataDir,
      concurrency: settings.farm.concurrency,
      threadsPerBlender: settings.farm.threadsPerBlender,
      mode: settings.farm.mode,
      env: options.env,
      blenderEnv: settings.blenderEnv,
    });
    const events = options.events;
    if (events) {
      made.on('changed', (status) => events.emit('farm.changed', withContext(status)));
      made.on('log', (line) => events.emit('farm.log', line));
    }
    farm = made;
    return made;
  };

  return {
    get() {
      if (closed) return Promise.reject(new ApiFailure('farm_closed', 'the render farm is shutting down', ''));
      creating ??= create().catch((error: unknown) => {
        // A missing Blender now may be installed later: let the next call try again.
        creating = null;
        throw error;
      });
      return creating;
    },
    get started() {
      return farm !== null;
    },
    status() {
      if (farm) return withContext(farm.status());
      return withContext(idleFarmStatus(options.settings().farm));
    },
    cancel(target) {
      if (!farm) return { cancelled: 0 };
      return { cancelled: 'taskId' in target ? Number(farm.cancelTask(target.taskId)) : farm.cancelRun(target.runId) };
    },
    close() {
      closed = true;
      if (farm) return farm.close();
      // Created while closing: close it as soon as it exists.
      return creating ? creating.then((f) => f.close(), () => undefined) : Promise.resolve();
    },
  };
}
