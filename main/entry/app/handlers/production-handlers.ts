import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { confineToDataDir } from '../../../platform/data-dir/confine';
import type { HandlerGroup } from '../../../platform/transport/dispatch';
import { ApiFailure } from '../../../../shared/contract/errors';
import type { LegacyService } from '../../../catalog/legacy/legacy-service';
import type { Production } from '../production';
import { previewOf } from '../../../production/media/preview';
import { fileDataUrl } from '../../../platform/files/data-url';
import { pairThumbnail } from '../../../review/groups/thumbnails';


type ProductionMethods =
  | 'cad.uploadBegin'
  | 'cad.uploadChunk'
  | 'cad.uploadFinish'
  | 'cad.list'
  | 'cad.summary'
  | 'cad.get'
  | 'cad.thumbnail'
  | 'cad.delete'
  | 'cad.retry'
  | 'outputTypes.list'
  | 'orders.create'
  | 'orders.list'
  | 'orders.lines'
  | 'orders.summary'
  | 'orders.line'
  | 'orders.dispatch'
  | 'orders.cancel'
  | 'orders.archive'
  | 'orders.unarchive'
  | 'assets.list'
  | 'assets.preview'
  | 'notifications.list'
  | 'runs.comparison'
  | 'rollout.status'
  | 'rollout.set'
  | 'rollout.tryRevision'
  | 'rollout.setRules'
  | 'workflows.plan'
  | 'workflows.run'
  | 'runs.list'
  | 'runs.get'
  | 'runs.cancel'
  | 'runs.rerun'
  | 'runs.file'
  | 'outputTypes.defaults'
  | 'outputTypes.validate'
  | 'outputTypes.create'
  | 'outputTypes.update'
  | 'outputTypes.get'
  | 'comparisons.list'
  | 'comparisons.summary'
  | 'rollout.log'
  | 'comparisons.get'
  | 'comparisons.heatmap'
  | 'comparisons.review'
  | 'review.groups'
  | 'review.members'
  | 'review.decide'
  | 'review.open'
  | 'review.excuse'
  | 'review.thumbnails';

export function productionHandlers(production: Production, legacy: LegacyService, backendDataDir: string): HandlerGroup<ProductionMethods> {
  const { cad, orders, dispatcher, media, outbox, runs, uploads } = production;
  return {
    'cad.uploadBegin': ({ fileName, bytes }) => uploads.begin(fileName, bytes),
    'cad.uploadChunk': ({ uploadId, offset, base64 }) => uploads.chunk(uploadId, offset, base64),
    'cad.uploadFinish': async ({ uploadId }) => {
      const { file, fileName } = uploads.finish(uploadId);
      try {
        const imported = await cad.importFile(file, fileName);
        return { cadFile: imported.cadFile, created: imported.created };
      } finally {
        uploads.discard(uploadId);
      }
    },
    'cad.list': (query) => cad.page(query),
    'cad.summary': () => cad.summary(),
    'cad.get': ({ id }) => cad.get(id),
    'cad.thumbnail': ({ id }) => {
      cad.get(id);
      const file = cad.thumbnailPath(id);
      if (!file || !fs.existsSync(file)) return { dataUrl: null };
      return { dataUrl: fileDataUrl(file, 'image/png') };
    },
    'cad.delete': ({ id }) => cad.delete(id),
    'cad.retry': ({ id }) => {
      const retried = cad.retry(id);
      // The ingest goes on in the background; cad.changed events report it.
      return { cadFile: retried.cadFile, created: retried.created };
    },
    'outputTypes.list': () => ({
      outputTypes: legacy.listOutputTypes().map((row) => ({
        key: row.key,
        name: row.name,
        artifact: row.artifact,
        executionMode: row.executionMode,
        active: row.legacy ? row.legacy.active !== false : (row.outputType?.active ?? true),
        form: row.legacy && row.outputType ? ('both' as const) : row.legacy ? ('legacy_preset' as const) : ('invocation_profile' as const),
      })),
    }),
    'orders.create': (input) => orders.create(input),
    'orders.list': (query) => orders.page(query),
    'orders.lines': (query) => orders.lines(query),
    'orders.summary': ({ includeArchived }) => orders.summary({ includeArchived }),
    'orders.line': ({ id }) => {
      const line = orders.line(id);
      if (!line) throw new ApiFailure('not_found', `no order line "${id}"`, 'id');
      return { line, runs: runs.ofOrderLine(id), assets: media.list(id), notifications: outbox.list({ orderLineId: id }), renderLogs: runs.renderLogsOfLine(id) };
    },
    'orders.dispatch': ({ orderLineId, mode, draft }) => {
      const started = dispatcher.start(orderLineId, { mode, draft });
      // Runs in the background; its end is reported by orders.progress and stored with the line.
      started.done.catch(() => undefined);
      return { orderLineId, runId: started.runId, attempt: started.attempt, alreadyDone: started.alreadyDone };
    },
    'orders.cancel': ({ orderLineId }) => {
      const line = orders.line(orderLineId);
      if (!line) throw new ApiFailure('not_found', `no order line "${orderLineId}"`, 'orderLineId');
      // Rendering: stop the dispatch (its end arrives as orders.progress). Waiting: cancelled for good.
      if (line.status === 'rendering') return { cancelled: dispatcher.cancel(orderLineId), line: orders.line(orderLineId) ?? null };
      return { cancelled: true, line: orders.withdraw(orderLineId) };
    },
    'orders.archive': ({ orderId }) => orders.archive(orderId),
    'orders.unarchive': ({ orderId }) => orders.unarchive(orderId),
    'assets.list': (query) => media.page(query),
    'assets.preview': ({ id }) => {
      const asset = media.get(id);
      if (!asset) throw new ApiFailure('not_found', `no media asset "${id}"`, 'id');
      return previewOf(media.absolute(asset), asset.format, asset.bytes, `${asset.file} from the media library`);
    },
    'notifications.list': (query) => outbox.page(query),
    'runs.comparison': ({ runId }) => production.comparisons.ofRun(runId) ?? null,
    'rollout.status': () => production.rollout.status(),
    'rollout.set': (input) => production.rollout.set(input),
    'rollout.tryRevision': (input) => production.rollout.tryRevision(input),
    'rollout.setRules': (input) => production.rollout.setRules(input),
    'workflows.plan': (input) => production.runner.plan(input),
    'workflows.run': (input) => production.runner.run(input),
    'runs.list': (filter) => production.runner.list(filter),
    'runs.get': ({ runId }) => {
      const run = production.runner.get(runId);
      return { ...run, cadFileName: run.cadFileId ? (cad.namesOf([run.cadFileId]).get(run.cadFileId) ?? null) : null };
    },
    // A dispatch's runs are cancelled through their order line; editor runs here.
    'runs.cancel': ({ runId }) => {
      if (production.runner.cancel(runId)) return { cancelled: true };
      const run = runs.get(runId);
      return { cancelled: run?.orderLineId ? dispatcher.cancel(run.orderLineId) : false };
    },
    'runs.rerun': ({ runId, fromNode }) => production.runner.rerun(runId, fromNode),
    'runs.file': ({ runId, nodeId, port, index }) => production.runner.file(runId, nodeId, port, index),
    'outputTypes.defaults': ({ workflowId, revision, parameterValues }) => production.outputTypes.defaults(workflowId, revision, parameterValues),
    'outputTypes.validate': (draft) => production.outputTypes.validate(draft),
    'outputTypes.create': (draft) => production.outputTypes.create(draft),
    'outputTypes.update': ({ key, ...draft }) => production.outputTypes.update(key, draft),
    'outputTypes.get': ({ key }) => {
      const row = legacy.outputType(key);
      if (!row) throw new ApiFailure('not_found', `no output type "${key}"`, 'key');
      return { key: row.key, name: row.name, artifact: row.artifact, executionMode: row.executionMode, legacy: row.legacy, profile: row.outputType };
    },
    'comparisons.list': (query) => production.comparisons.page(query),
    'comparisons.summary': () => ({ ...production.comparisons.summary(), pendingGroups: production.reviewGroups.awaitingCount() }),
    'rollout.log': (query) => production.rollout.log(query),
    'comparisons.get': ({ id }) => {
      const found = production.comparisons.get(id);
      if (!found) throw new ApiFailure('not_found', `no comparison "${id}"`, 'id');
      return found;
    },
    'comparisons.heatmap': ({ id, artifact }) => {
      const found = production.comparisons.get(id);
      if (!found) throw new ApiFailure('not_found', `no comparison "${id}"`, 'id');
      const entry = found.report.artifacts[artifact];
      if (!entry) throw new ApiFailure('not_found', `comparison ${id} has no artifact ${artifact}`, 'artifact');
      if (!entry.heatmap) return { dataUrl: null, reason: entry.sameHash ? 'identical files: nothing to map' : 'no heatmap for this artifact (not an image)' };
      // Only files the comparison wrote, inside its own folder of the data directory.
      const file = confineToDataDir(path.join(backendDataDir, 'comparisons', id), entry.heatmap);
      if (!fs.existsSync(file)) return { dataUrl: null, reason: 'the heatmap file is gone' };
      return { dataUrl: fileDataUrl(file, 'image/png') };
    },
    'comparisons.review': ({ comparisonId, decision, note, who }) => production.comparisons.review({ comparisonId, decision, ...(note ? { note } : {}), who: who ?? os.userInfo().username }),
    'review.groups': (filter) => production.reviewGroups.groups(filter),
    'review.members': (query) => production.reviewGroups.members(query),
    'review.decide': ({ groupId, decision, note, who }) => production.reviewGroups.decide({ groupId, decision, note, who: who ?? os.userInfo().username }),
    'review.open': ({ comparisonId, who }) => production.reviewGroups.open({ comparisonId, who: who ?? os.userInfo().username }),
    'review.excuse': ({ comparisonId, reason, who }) => production.reviewGroups.excuse({ comparisonId, reason, who: who ?? os.userInfo().username }),
    'review.thumbnails': async ({ comparisonIds, size }) => {
      const found = comparisonIds.map((id, i) => {
        const c = production.comparisons.get(id);
        if (!c) throw new ApiFailure('not_found', `comparisonIds[${i}]: no comparison "${id}"`, `comparisonIds.${i}`);
        return c;
      });
      return { items: await Promise.all(found.map((c) => pairThumbnail(c.id, c.report, { dataDir: backendDataDir, comparisonDir: path.join(backendDataDir, 'comparisons', c.id) }, size))) };
    },
  };
}
