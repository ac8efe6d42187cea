import path from 'node:path';
import { ApiFailure } from '../../../shared/contract/errors';
import type { Settings } from '../../../shared/settings/schema';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { compilePipeline } from '../../catalog/legacy/compile-pipeline';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import { workflowIdOf } from '../../catalog/legacy/migrate-pipeline';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { CadIngester, IngestOutcome } from '../../production/cad-library/cad-library';
import type { RunStore } from '../../production/runs/run-store';
import type { CadTaskRunner } from '../cad/ingest';
import type { ExecutableRegistry } from '../executors';
import { NodeError } from '../executors/context';
import type { RenderFarm } from '../farm/types';
import { createRunContext } from '../runtime/run-context';
import { lastArtifact, runGraph, type GraphRunInput } from '../runtime/run-graph';
import type { Tools } from '../tools/resolve-tools';

/** The preset workflow CAD files are ingested with when no workflow is bound (shipped). */
export const CAD_PIPELINE = 'cad_ingest_default';

export interface CadIngestRunnerDeps {
  dataDir: string;
  runs: RunStore;
  registry: ExecutableRegistry;
  legacy: LegacyService;
  workflows?: WorkflowStore;
  settings: () => Settings;
  farm: () => Promise<RenderFarm>;
  tools: () => Promise<Tools>;
  cadRunner?: CadTaskRunner;
  timeoutMs?: number;
  onNode?: (event: Parameters<NonNullable<GraphRunInput['onNode']>>[0] & { runId: string }) => void;
  onLog?: (event: { runId: string; nodeId: string; line: string }) => void;
}

type Bound = { document: WorkflowDocument; compiled: boolean; pipelineKey: string | null };

/** A cad_file run publishes and notifies nothing: its outputs go into the CAD library. */
export const CAD_EFFECTS = {
  publish: () => Promise.reject(new NodeError('a cad_file workflow publishes no media asset')),
  notify: () => {
    throw new NodeError('a cad_file workflow sends no notification');
  },
};

/**
 * CAD import through the one runtime: the cad_file workflow bound in Settings, else the migrated
 * cad_ingest_default, else the shipped cad_ingest_default pipeline compiled as legacy dispatch
 * compiles it. The thumbnail renders on the farm. Answers what the library keeps.
 */
export function createCadIngestRunner(deps: CadIngestRunnerDeps): CadIngester {
  function bound(): Bound {
    const chosen = deps.settings().cadIngestWorkflowId;
    if (chosen) {
      let document: WorkflowDocument;
      try {
        if (!deps.workflows) throw new Error('no workflow store');
        document = deps.workflows.get(chosen);
      } catch {
        throw new ApiFailure('not_found', `cadIngestWorkflowId: '${chosen}' is not a saved workflow; choose a cad_file workflow in Settings, or clear it to use the default`, 'cadIngestWorkflowId');
      }
      if (document.family !== 'cad_file') throw new ApiFailure('invalid_input', `cadIngestWorkflowId: '${chosen}' is a ${document.family} workflow; expected a cad_file workflow`, 'cadIngestWorkflowId');
      return { document, compiled: false, pipelineKey: null };
    }
    try {
      const migrated = deps.workflows?.get(workflowIdOf(CAD_PIPELINE));
      if (migrated && migrated.family === 'cad_file') return { document: migrated, compiled: false, pipelineKey: null };
    } catch {
      // Not migrated: the shipped pipeline, compiled.
    }
    const pipeline = deps.legacy.pipeline(CAD_PIPELINE);
    if (!pipeline || pipeline.family !== 'cad_file') throw new ApiFailure('not_found', `the CAD ingest workflow "${CAD_PIPELINE}" is missing`, 'cadIngestWorkflowId');
    return { document: compilePipeline(pipeline, null), compiled: true, pipelineKey: CAD_PIPELINE };
  }

  return async (file) => {
    let target: Bound;
    try {
      target = bound();
    } catch (error) {
      return { status: 'failed', error: (error as Error).message };
    }
    const { document } = target;
    const runId = deps.runs.create({
      family: 'cad_file',
      cadFileId: file.id,
      attempt: deps.runs.ofCadFile(file.id).length + 1,
      mode: target.compiled ? 'legacy' : 'graph',
      role: 'authoritative',
      ...(target.compiled ? { pipelineKey: target.pipelineKey } : { workflowId: document.id, workflowRevision: document.revision }),
    });
    let outcome: IngestOutcome;
    try {
      const [farm, tools] = await Promise.all([deps.farm(), deps.tools()]);
      const result = await runGraph({
        document,
        registry: deps.registry,
        parameterValues: {},
        overrides: {},
        run: createRunContext({
          runId,
          mode: target.compiled ? 'legacy' : 'graph',
          role: 'authoritative',
          farm,
          tools: { ...tools, ...(deps.cadRunner ? { cadRunner: deps.cadRunner } : {}) },
          signal: new AbortController().signal,
          names: { order: '', line: '', cad: path.basename(file.name, path.extname(file.name)), preset: target.pipelineKey ?? document.id },
          timeoutMs: deps.timeoutMs ?? 10 * 60_000,
          cadSource: { type: 'cad_source', cadFileId: file.id, file: file.sourcePath, name: file.name },
          effects: CAD_EFFECTS,
        }),
        runs: deps.runs,
        cache: null,
        ...(target.compiled ? { parallel: 1 } : {}),
        workRoot: path.join(deps.dataDir, 'runs', runId),
        onNode: (e) => deps.onNode?.({ runId, ...e }),
        onLog: (nodeId, line) => deps.onLog?.({ runId, nodeId, line }),
      });
      const mesh = lastArtifact(result.outputs, 'mesh_asset');
      if (result.status !== 'succeeded') outcome = { status: result.status, error: result.error ?? result.status };
      else if (!mesh) outcome = { status: 'failed', error: `the ingest workflow "${document.name}" produced no mesh` };
      else {
        outcome = {
          status: 'succeeded',
          error: null,
          result: {
            glbPath: mesh.glb,
            glbSha256: mesh.glbSha256,
            metadata: lastArtifact(result.outputs, 'metadata')?.metadata ?? mesh.metadata,
            thumbnailPath: lastArtifact(result.outputs, 'image')?.file ?? null,
          },
        };
      }
    } catch (error) {
      outcome = { status: 'failed', error: (error as Error).message };
    }
    deps.runs.finish(runId, outcome.status, outcome.status === 'succeeded' ? undefined : { step: null, message: outcome.error ?? outcome.status });
    return outcome;
  };
}
