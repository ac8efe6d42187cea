import type Database from 'better-sqlite3';
import { ApiFailure } from '../../../shared/contract/errors';
import type { OrderLine } from '../../../shared/orders/api';
import type { ExecutionMode, WorkflowDocument } from '../../../shared/workflow/document';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import { fillPresetDefaults } from '../../catalog/legacy/preset-schema';
import { modeOf } from '../../catalog/output-types/output-type-store';
import { projectPreset } from '../../catalog/legacy/project';
import type { WorkflowStore } from '../../catalog/workflows/types';

/**
 * An output type as a dispatch invokes it: its row, its invocation profile (null until migrated) and
 * the parameter values a dispatch passes its bound workflow. The one reading, for dispatch and for
 * editor runs (which run another revision, or another workflow, with the same values); undefined
 * when there is no such output type.
 */
export function outputTypeInvocation(legacy: Pick<LegacyService, 'outputType'>, key: string) {
  const outputType = legacy.outputType(key);
  if (!outputType) return undefined;
  const profile = outputType.outputType?.profile ?? null;
  return { outputType, profile, parameterValues: profile?.parameterValues ?? {} };
}

function currentMode(workflows: WorkflowStore, id: string): ExecutionMode | undefined {
  try {
    return workflows.get(id).executionMode;
  } catch {
    return undefined;
  }
}

/**
 * What a dispatch of an order line runs (DESIGN.md): the execution mode, the legacy preset and
 * pipeline, the bound workflow at the revision its policy picks. Refusals name why.
 */
export function createTargetResolver(deps: { db: Database.Database; legacy: LegacyService; workflows?: WorkflowStore | undefined; graph?: unknown }) {
  const { db } = deps;

  /**
   * The revision a profile runs: the pinned one, or with `latest_approved` the newest revision
   * whose shadow comparison for this output type passed and was approved (else the pinned one).
   */
  function revisionFor(outputTypeKey: string, profile: { workflowId: string; workflowRevision: number; revisionPolicy?: 'pinned' | 'latest_approved' }): number {
    if (profile.revisionPolicy !== 'latest_approved') return profile.workflowRevision;
    const row = db
      .prepare<[string, string], { revision: number | null }>(
        `SELECT max(c.workflow_revision) AS revision FROM comparisons c
         WHERE c.output_type_key = ? AND c.workflow_id = ? AND c.verdict = 'pass'
           AND (SELECT r.decision FROM comparison_reviews r WHERE r.comparison_id = c.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1) = 'approve'`,
      )
      .get(outputTypeKey, profile.workflowId);
    return row?.revision ?? profile.workflowRevision;
  }

  /** What a dispatch of this line would run: mode, the legacy preset and pipeline, the bound workflow. */
  function resolveTarget(line: OrderLine, override?: ExecutionMode) {
    const invocation = outputTypeInvocation(deps.legacy, line.outputTypeKey);
    if (!invocation) throw new ApiFailure('not_found', `output type "${line.outputTypeKey}" no longer exists`, 'orderLineId');
    const { outputType, profile, parameterValues } = invocation;
    let workflow: WorkflowDocument | null = null;
    if (profile && deps.workflows) {
      try {
        workflow = deps.workflows.get(profile.workflowId, revisionFor(outputType.key, profile));
      } catch {
        workflow = null;
      }
    }
    // DESIGN.md: the dispatch's override, else the output type's mode, else the workflow's (as rolled
    // out now, whatever revision the profile pins), else legacy (modeOf).
    const workflowMode = profile && deps.workflows ? currentMode(deps.workflows, profile.workflowId) : undefined;
    // The legacy side: the imported preset, else the profile projected back to one (a migrated workflow).
    const legacyPreset = outputType.legacy ?? (outputType.outputType && workflow ? projectPreset(outputType.outputType, workflow) : null);
    const filled = legacyPreset ? fillPresetDefaults(legacyPreset) : null;
    const found = filled ? deps.legacy.pipeline(filled.pipeline as string) : undefined;
    if (outputType.legacy && !found) throw new ApiFailure('not_found', `preset "${outputType.key}" names the preset workflow "${String(filled?.pipeline)}", which is neither imported nor shipped`, 'orderLineId');
    if (found && found.family !== 'order_line') throw new ApiFailure('not_dispatchable', `preset workflow "${found.key}" is a ${found.family} workflow; an order line needs an order_line one`, 'orderLineId');
    const legacy = filled && found ? { preset: filled, pipeline: found } : null;
    if (!legacy && !(profile && workflow)) throw new ApiFailure('not_dispatchable', `output type "${outputType.key}" has neither a legacy render preset nor a bound workflow`, 'orderLineId');
    const active = outputType.outputType?.active ?? legacy?.preset.active ?? true;
    if (active === false) throw new ApiFailure('inactive', `output type "${outputType.key}" is inactive: inactive output types cannot be dispatched`, 'orderLineId');
    // The output type's own mode is the stored one, profile.executionMode. A workflow-only output type
    // (made from a workflow, not a preset) has no legacy form: graph is its mode.
    const mode: ExecutionMode = override ?? modeOf(profile?.executionMode, workflowMode, legacy !== null);
    if (!legacy && mode !== 'graph') throw new ApiFailure('not_dispatchable', `${mode} mode needs a legacy form of output type "${outputType.key}"; it was made from a workflow: dispatch it in graph mode`, 'mode');
    if (mode !== 'legacy') {
      if (!profile || !workflow) throw new ApiFailure('not_dispatchable', `${mode} mode needs output type "${outputType.key}" to bind a workflow (migrate it first)`, 'mode');
      if (!deps.graph) throw new ApiFailure('mode_unavailable', `${mode} mode needs the graph runtime, which this backend was built without`, 'mode');
    }
    const preset = legacy?.preset ?? null;
    const pipelineKey = legacy ? legacy.pipeline.key : null;
    const pipeline = legacy?.pipeline ?? null;
    // rolledOut: the mode is the rollout's, not a dispatch's override (only those count for the rollout guard).
    return { mode, rolledOut: override === undefined, preset, pipelineKey, pipeline, profile: profile ?? null, workflow, outputTypeKey: outputType.key, parameterValues };
  }

  return resolveTarget;
}

export type DispatchTarget = ReturnType<ReturnType<typeof createTargetResolver>>;
