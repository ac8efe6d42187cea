import path from 'node:path';
import type Database from 'better-sqlite3';
import { createDispatch, type Dispatch, type Handlers } from '../../platform/transport/dispatch';
import { EventBus } from '../../platform/transport/event-bus';
import { openDatabase, schemaVersion } from '../../platform/db/open-database';
import { prepareDataDir } from '../../platform/data-dir/prepare';
import { dataDirCandidateProblem } from '../../platform/data-dir/check';
import type { DataDirSource } from '../../../shared/settings/schema';
import { ApiFailure, ErrorCodes, type AppInfo } from '../../../shared/contract';
import type { KeyValueStore } from '../../platform/settings/key-value-store';
import { createSettingsService, shownSettings, type SettingsService, type StoredSettings } from '../../platform/settings/settings-service';
import { defaultSettings } from '../../platform/settings/defaults';
import { createPreflightService } from '../../execution/preflight/preflight-service';
import type { PreflightService } from '../../execution/preflight/types';
import { appVersion } from '../../../workers/resources/paths';
import { createNodeRegistry } from '../../catalog/nodes/registry';
import { nodeHandlers } from './handlers/nodes-handlers';
import { createWorkflowStore } from '../../catalog/workflows/workflow-store';
import { workflowHandlers } from './handlers/workflows-handlers';
import type { WorkflowStore } from '../../catalog/workflows/types';
import { createLegacyService, type LegacyService } from '../../catalog/legacy/legacy-service';
import { legacyHandlers } from './handlers/legacy-handlers';
import { createFarmService, type FarmService } from '../../execution/farm/farm-service';
import { farmHandlers, farmRunContext } from './handlers/farm-handlers';
import { createProduction, type Production } from './production';
import { productionHandlers } from './handlers/production-handlers';
import { type ExecutableRegistry } from '../../execution/executors';
import { NODE_RUNTIMES } from '../../nodes/executors';
import { NODE_SPECS } from '../../nodes/specs';
import { createHubSync } from '../../production/sync/hub-sync';
import { createWatermarks } from '../../production/sync/watermark';
import { createRecordLog } from '../../production/sync/record-log';
import { createOutputTypeStore } from '../../catalog/output-types/output-type-store';
import { modeChangeRecords, outputTypeRecords } from '../../catalog/output-types/output-type-sync';
import { runRecords } from '../../production/runs/run-sync';
import { comparisonRecords, reviewRecords } from '../../review/comparison/comparison-sync';
import { createPeopleStore } from '../../platform/people/people-store';
import { createWorkstationSync, type WorkstationSync } from '../../production/sync/workstation-sync';
import { syncHandlers } from './handlers/sync-handlers';
import { createAgentController, type AgentController } from '../../execution/farm/agents/controller';
import { createBlobStore } from '../../execution/farm/remote/blob-store';
import { createAgentTokenStore } from '../../platform/farm-tokens/agent-token-store';
import { agentHandlers } from './handlers/agent-handlers';
import { createSlurmPilots, type SlurmPilots } from '../../execution/farm/slurm/slurm-pilots';

/** The one setting that lives outside the data directory: where the data directory is. */
export type LocationSettings = { dataDir?: string | null };

export interface BackendOptions {
  dataDir: string;
  dataDirSource: DataDirSource;
  /** Settings kept inside the data directory (electron-store in the app, a JSON file in Node). */
  openSettingsStore: (dataDir: string) => KeyValueStore<StoredSettings>;
  /** Where the chosen data directory is remembered between starts. */
  locationStore: KeyValueStore<LocationSettings>;
  transport: 'ipc' | 'http';
  env?: NodeJS.ProcessEnv;
}

export interface Backend {
  readonly dataDir: string;
  readonly events: EventBus;
  readonly settings: SettingsService;
  readonly preflight: PreflightService;
  readonly db: Database.Database;
  readonly nodes: ExecutableRegistry;
  readonly workflows: WorkflowStore;
  readonly legacy: LegacyService;
  /** The render farm, started on first use (farm.get()). */
  readonly farm: FarmService;
  /** Render agents: their registry and leases (the host mounts their routes; lightbox serve). */
  readonly agents: AgentController;
  /** This process serves render agents (their routes are mounted): agents take leases, Slurm pilots may be submitted. */
  serveAgents(): void;
  /** The Slurm cluster's pilot jobs, from the `slurm` setting (issue 16 item 4). */
  readonly slurm: SlurmPilots;
  /** CAD library, orders, runs, media assets, notifications and the legacy dispatcher. */
  readonly production: Production;
  /** This data directory's side of syncing with a hub (the hub's side answers sync.pull/push). */
  readonly sync: WorkstationSync;
  readonly dispatch: Dispatch;
  /** Long-running transports (app, host) deliver the notification outbox in the background. */
  startBackground(): void;
  info(): AppInfo;
  /**
   * Kills every farm Blender and closes the database before returning; the promise resolves
   * once the farm's worker threads are down. Callers that cannot wait may ignore it.
   */
  close(): Promise<void>;
}

/**
 * Builds every service for one data directory. Both the Electron main process and the
 * headless host call this; they differ only in the stores and the transport on top.
 */
export function createBackend(options: BackendOptions): Backend {
  const { dataDir } = options;
  prepareDataDir(dataDir);
  const db = openDatabase(path.join(dataDir, 'lightbox.db'));
  const events = new EventBus();
  // Called on updates only, so after the pilots below exist.
  const settings = createSettingsService(options.openSettingsStore(dataDir), defaultSettings(), (next) => {
    slurm.configure(next.slurm);
    events.emit('settings.changed', shownSettings(next));
  });
  let preflightRun = 0;
  const preflight = createPreflightService({
    db,
    dataDir,
    settings: () => settings.get(),
    env: options.env ?? process.env,
    onCheck: (check) => events.emit('preflight.progress', { runId: String(preflightRun), check }),
  });

  const nodes = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
  const workflows = createWorkflowStore(db, nodes);
  const legacy = createLegacyService(db, workflows, nodes);
  // runContext is only called once tasks exist, so after production below is made.
  const farm = createFarmService({ dataDir, settings: () => settings.get(), env: options.env ?? process.env, events, runContext: (runId) => farmRunContext(production, runId), agents: () => agents.list(), slurm: () => slurm.status() });
  const agents = createAgentController({ farm, db, blobs: createBlobStore(path.join(dataDir, 'farm', 'blobs')), ...agentTimings(options.env ?? process.env), onChanged: () => events.emit('farm.changed', farm.status()) });
  const agentTokens = createAgentTokenStore(db);
  const slurm = createSlurmPilots({
    settings: () => settings.get().slurm,
    farmStatus: () => farm.status(),
    tokens: agentTokens,
    onChange: () => events.emit('farm.changed', farm.status()),
    pollMs: positiveMs((options.env ?? process.env).LIGHTBOX_SLURM_POLL_MS),
  });
  const production = createProduction({ db, dataDir, legacy, workflows, registry: nodes, farm, settings: () => settings.get(), env: options.env ?? process.env, events });
  // What sync moves besides revisions, each kind beside its own store (issue 17 item 3).
  const outputTypeStore = createOutputTypeStore(db);
  const recordKinds = [
    outputTypeRecords(outputTypeStore, workflows),
    runRecords(production.runs, workflows),
    comparisonRecords(production.comparisons, production.runs, workflows),
    reviewRecords(production.comparisons),
    modeChangeRecords(outputTypeStore, (id) => production.comparisons.has(id)),
  ];
  const sync = createWorkstationSync(db, workflows, nodes, recordKinds);
  const people = createPeopleStore(db);
  const hubSync = createHubSync(workflows, {
    log: createRecordLog(db),
    kinds: recordKinds,
    roleOf: (name) => people.list().find((p) => p.name === name && p.revokedAt === null)?.role,
    watermarks: createWatermarks(db),
  });

  const info = (): AppInfo => ({
    name: 'Lightbox',
    version: appVersion(),
    platform: process.platform,
    transport: options.transport,
    dataDir,
    dataDirSource: options.dataDirSource,
    configuredDataDir: options.locationStore.get('dataDir') ?? null,
    schemaVersion: schemaVersion(db),
  });

  const handlers: Handlers = {
    'app.info': () => info(),
    'settings.get': () => shownSettings(settings.get()),
    'settings.defaults': () => settings.defaults(),
    'settings.update': (patch, ctx) => {
      // An executable's path runs code on this machine: not settable from another one.
      if (ctx.loopback === false) {
        for (const field of ['blenderPath', 'ffmpegPath'] as const) {
          if (patch[field] !== undefined) {
            throw new ApiFailure(ErrorCodes.forbidden, `${field} names an executable: change it in the desktop app or from a browser on this machine`, field);
          }
        }
        // Blender's environment can run code too (LD_PRELOAD, PYTHONSTARTUP).
        if (patch.blenderEnv !== undefined) {
          throw new ApiFailure(ErrorCodes.forbidden, "blenderEnv sets Blender's environment: change it in the desktop app or from a browser on this machine", 'blenderEnv');
        }
        // A pilot's command runs on the cluster's nodes as the Slurm user.
        if (patch.slurm !== undefined) {
          throw new ApiFailure(ErrorCodes.forbidden, "slurm names the command pilot jobs run on the cluster: change it in the desktop app or from a browser on this machine", 'slurm');
        }
      }
      return shownSettings(settings.update(patch));
    },
    'settings.setDataDir': ({ path: next }) => {
      if (next === null) options.locationStore.delete('dataDir');
      else {
        // Checked, not created: the folders are made at the next start, in the directory chosen.
        const problem = dataDirCandidateProblem(next, 'path');
        if (problem) throw new ApiFailure('data_dir_unusable', problem, 'path');
        options.locationStore.set('dataDir', path.resolve(next));
      }
      return info();
    },
    'preflight.run': () => {
      preflightRun += 1;
      return preflight.run();
    },
    'preflight.last': () => preflight.last(),
    ...nodeHandlers(nodes),
    ...workflowHandlers(workflows),
    ...legacyHandlers(legacy),
    ...farmHandlers(farm),
    ...agentHandlers(agentTokens, agents),
    ...productionHandlers(production, legacy, dataDir),
    ...syncHandlers(hubSync, sync),
  };

  return {
    dataDir,
    events,
    settings,
    preflight,
    db,
    nodes,
    workflows,
    legacy,
    farm,
    agents,
    serveAgents() {
      agents.activate();
      slurm.start();
    },
    slurm,
    production,
    sync,
    dispatch: createDispatch(handlers),
    info,
    startBackground: () => production.outbox.start(),
    close: () => {
      // Pending pilots are cancelled; running ones finish their work and idle out.
      const pilotsClosed = slurm.close();
      agents.close();
      const farmClosed = farm.close();
      // Stop claiming notifications; a delivery already in flight is simply due again next start.
      void production.outbox.stop();
      db.close();
      return Promise.all([farmClosed, pilotsClosed]).then(() => undefined);
    },
  };
}

/** Render agent lease timeout and heartbeat from LIGHTBOX_AGENT_LEASE_TIMEOUT_MS / LIGHTBOX_AGENT_HEARTBEAT_MS (tests make them short). */
function agentTimings(env: NodeJS.ProcessEnv): { leaseTimeoutMs?: number; heartbeatMs?: number } {
  return { leaseTimeoutMs: positiveMs(env.LIGHTBOX_AGENT_LEASE_TIMEOUT_MS), heartbeatMs: positiveMs(env.LIGHTBOX_AGENT_HEARTBEAT_MS) };
}

function positiveMs(value: string | undefined): number | undefined {
  return value && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}
