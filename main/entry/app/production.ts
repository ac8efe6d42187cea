import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Settings } from '../../../shared/settings/schema';
import type { EventBus } from '../../platform/transport/event-bus';
import { createCadLibrary } from '../../production/cad-library/cad-library';
import { createCadIngestRunner } from '../../execution/cad-import/cad-ingest-runner';
import { createOrderDispatcher } from '../../execution/dispatch/order-dispatcher';
import type { FarmService } from '../../execution/farm/farm-service';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import { createMediaLibrary } from '../../production/media/media-library';
import { createNotificationOutbox } from '../../production/notifications';
import { createOrderStore } from '../../production/orders/order-store';
import { createRunStore } from '../../production/runs/run-store';
import { resolveTools } from '../../execution/tools/resolve-tools';
import { createUploads } from '../../production/uploads/uploads';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { ExecutableRegistry } from '../../execution/executors';
import { createNodeCache } from '../../execution/runtime/node-cache';
import { createComparisonStore } from '../../review/comparison/comparison-store';
import { createRolloutService } from '../../review/rollout/rollout-service';
import { createReviewGroups } from '../../review/groups/review-groups';
import { createWorkflowRunner } from '../../execution/workflow-runs/workflow-runner';
import { createOutputTypeService } from '../../catalog/output-types/output-type-service';
import { faultsFromEnv, nodeTimeoutFromEnv } from '../../execution/runtime/faults';

export interface ProductionOptions {
  db: Database.Database;
  dataDir: string;
  legacy: LegacyService;
  workflows: WorkflowStore;
  registry: ExecutableRegistry;
  farm: FarmService;
  settings: () => Settings;
  env: NodeJS.ProcessEnv;
  events: EventBus;
}

/**
 * The production data model and the legacy dispatcher: CAD library, orders, runs, media
 * library, notification outbox. Crashed runs of an earlier process are recovered at creation.
 */
export function createProduction(options: ProductionOptions) {
  const { db, dataDir, events } = options;
  const runs = createRunStore(db);
  const orders = createOrderStore(db);
  const media = createMediaLibrary(db, path.join(dataDir, 'media'));
  // Desktop notifications are delivered by showing them in an app window: only when one listens.
  const outbox = createNotificationOutbox(db, {
    onDesktop: (notification) => {
      if (events.subscriberCount === 0) return false;
      events.emit('notifications.desktop', notification);
      return true;
    },
  });
  const tools = () => resolveTools(options.settings(), options.env);
  const cache = createNodeCache(db, dataDir);
  // A new comparison asks a studio lead to look at its review group: one desktop notification per
  // group's pending set (the first comparison after a decision raises it), not one per comparison.
  const comparisons = createComparisonStore({
    db,
    dataDir,
    runs,
    media,
    outbox,
    onStored: (c) =>
      outbox.enqueue({
        idempotencyKey: reviewGroups.pendingSetKey(c),
        channel: 'desktop',
        event: 'comparison.review',
        payload: { event: 'comparison.review', groupId: reviewGroups.groupIdOf(c), comparisonId: c.id, outputType: c.outputTypeKey, workflowId: c.workflowId, verdict: c.verdict, reasons: c.report.reasons.slice(0, 5) },
        // About the comparison, not the line: the line's own notifications stay the render's.
        orderLineId: null,
        runId: c.shadowRunId,
      }),
  });
  const reviewGroups = createReviewGroups({ db, comparisons });
  const dispatcher = createOrderDispatcher({
    db,
    dataDir,
    runs,
    orders,
    media,
    outbox,
    legacy: options.legacy,
    workflows: options.workflows,
    registry: options.registry,
    graph: { cache, faults: faultsFromEnv(options.env), nodeTimeoutMs: nodeTimeoutFromEnv(options.env) },
    farm: () => options.farm.get(),
    tools,
    compare: (input) => comparisons.compute(input),
    // Rollout is made below; a failure is only reported once dispatches run.
    onGraphFailure: (key) => void rollout.guard(key),
    onProgress: (event) => events.emit('orders.progress', event),
    onNode: (event) => events.emit('runs.node', event),
    onLog: (event) => events.emit('runs.log', event),
  });
  const ingest = createCadIngestRunner({
    dataDir,
    runs,
    registry: options.registry,
    legacy: options.legacy,
    workflows: options.workflows,
    settings: options.settings,
    farm: () => options.farm.get(),
    tools,
    onNode: (event) => events.emit('runs.node', event),
    onLog: (event) => events.emit('runs.log', event),
  });
  const cad = createCadLibrary({ db, dataDir, runs, ingest, onChange: (file) => events.emit('cad.changed', file), maxBytes: () => options.settings().cadMaxFileMiB * 1024 * 1024 });
  const uploads = createUploads(dataDir);
  const faults = faultsFromEnv(options.env);
  const nodeTimeoutMs = nodeTimeoutFromEnv(options.env);
  const runner = createWorkflowRunner({
    db,
    dataDir,
    runs,
    orders,
    workflows: options.workflows,
    legacy: options.legacy,
    registry: options.registry,
    cache,
    farm: () => options.farm.get(),
    tools,
    faults,
    nodeTimeoutMs,
    onNode: (event) => events.emit('runs.node', event),
    onLog: (event) => events.emit('runs.log', event),
  });
  const outputTypes = createOutputTypeService({ db, workflows: options.workflows, registry: options.registry, legacy: options.legacy });
  const rollout = createRolloutService({
    db,
    legacy: options.legacy,
    workflows: options.workflows,
    comparisons,
    outputTypes,
    // A guarded rollback asks a lead to look: a desktop notification, once per rollback.
    onGuard: ({ outputTypeKey, change, reason }) =>
      outbox.enqueue({
        idempotencyKey: `rollout:guard:${change.id}`,
        channel: 'desktop',
        event: 'rollout.guarded',
        payload: { event: 'rollout.guarded', outputType: outputTypeKey, toMode: change.toMode, reason },
        orderLineId: null,
        runId: null,
      }),
  });
  dispatcher.recover({ sweep: true });
  cad.recover();
  return { runs, orders, media, outbox, dispatcher, cad, uploads, cache, comparisons, reviewGroups, rollout, runner, outputTypes };
}

export type Production = ReturnType<typeof createProduction>;
