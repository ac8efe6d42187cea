import os from 'node:os';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { ApiFailure } from '../../../shared/contract/errors';
import type { ModeChangeSchema, OutputTypeRolloutSchema, RolloutGates, RolloutRules, RolloutSetInput, RolloutSetRulesInput, RolloutStatus, RolloutTryRevisionInput } from '../../../shared/rollout/api';
import type { ComparisonStore, StoredComparison } from '../comparison/comparison-store';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import { createOutputTypeStore, modeOf } from '../../catalog/output-types/output-type-store';
import type { WorkflowStore } from '../../catalog/workflows/types';
import type { OutputTypeService } from '../../catalog/output-types/output-type-service';
import { contentMismatch } from './approval-content';
import { coverageGate, createGateCounts, errorRateGate, rateWords } from './gates';
import { createRolloutRules, STUDIO_SCOPE } from './rollout-rules';
import type { ModeLogPageQuery } from '../../catalog/output-types/mode-log';

/** How many of the newest mode changes rollout.status carries. */
export const STATUS_CHANGES = 50;


/** A guarded rollout rolled an output type back to shadow: who should hear of it, and why. */
export interface GuardEvent {
  outputTypeKey: string;
  change: ModeChange;
  reason: string;
}

type OutputTypeRollout = z.infer<typeof OutputTypeRolloutSchema>;
type ModeChange = z.infer<typeof ModeChangeSchema>;

/**
 * Rollout and rollback of graph mode, per output type and per workflow. Modes are read at every
 * dispatch, so a change (a rollback above all) applies to the next dispatch with no restart.
 * Enabling graph needs a clean shadow pass of the bound revision, or an override with a reason.
 */
export function createRolloutService(deps: {
  db: Database.Database;
  legacy: LegacyService;
  workflows: WorkflowStore;
  comparisons: ComparisonStore;
  outputTypes: Pick<OutputTypeService, 'validate'>;
  /** A guarded rollout rolled back: the composition root tells the app (and a lead). */
  onGuard?: (event: GuardEvent) => void;
}) {
  const { db, legacy, workflows, comparisons } = deps;
  // Modes and their log are the output-type store's; rollout reads and sets them there.
  const store = createOutputTypeStore(db);
  const rules = createRolloutRules(db);
  const counts = createGateCounts(db);

  const workflowOf = (id: string) => {
    try {
      return workflows.get(id);
    } catch {
      return null;
    }
  };

  /** Why graph cannot be enabled on an output type now (null: it can). The one wording of the rule. */
  /** The bound revision's content hash, or null when that revision is not stored here. */
  const boundContent = (workflowId: string, revision: number): string | null => {
    try {
      return workflows.revision(workflowId, revision).contentHash;
    } catch {
      return null;
    }
  };

  function blockedBy(
    profile: { workflowId: string; workflowRevision: number } | null,
    latest: { verdict: string; workflowId: string | null; workflowRevision: number | null; workflowContentHash: string | null; reviewedContentHash: string | null; review: { decision: string } | null } | null,
  ): string | null {
    if (!profile) return 'it binds no workflow yet: migrate it first';
    if (!latest) return 'it has no shadow comparison yet';
    if (latest.verdict !== 'pass') return `its latest shadow comparison is "${latest.verdict}"`;
    if (latest.workflowId !== profile.workflowId) return `its latest pass was for workflow ${latest.workflowId}, not the bound ${profile.workflowId}`;
    // Approvals follow content: the same content under another number still applies, other content never.
    const mismatch = contentMismatch({ revision: profile.workflowRevision, contentHash: boundContent(profile.workflowId, profile.workflowRevision) }, latest);
    if (mismatch) return mismatch;
    if (latest.review?.decision === 'reject') return 'its latest shadow pass was rejected by a reviewer';
    if (latest.review?.decision !== 'approve') return 'its latest shadow pass is not approved yet';
    return null;
  }

  /** When graph was last enabled for the output type (or its workflow): where the guard starts counting. */
  const graphSince = (key: string, workflowId: string | null): string => {
    return store.lastModeChangeTo('graph', [key, workflowId ?? key]) ?? new Date(0).toISOString();
  };

  /** The three gates of enabling graph (issue 19), each in words. */
  function gatesOf(key: string, profile: { workflowId: string; workflowRevision: number } | null, applied: RolloutRules, latest: StoredComparison | null): RolloutGates {
    const approvalBlock = blockedBy(profile, latest);
    const rates = counts.rates(key, profile ? { workflowId: profile.workflowId, revision: profile.workflowRevision } : null, applied);
    // Passes of the bound revision's content (approvals follow content): the same content under another number counts.
    const coverage = profile ? comparisons.coverage(key, { workflowId: profile.workflowId, revision: profile.workflowRevision, contentHash: boundContent(profile.workflowId, profile.workflowRevision) }) : { passes: 0, cadFiles: 0 };
    return {
      approval: { ok: approvalBlock === null, detail: approvalBlock ?? 'its latest shadow pass of the bound revision is approved' },
      errorRate: errorRateGate(rates, profile ? `revision ${profile.workflowRevision}` : 'no workflow'),
      coverage: coverageGate(coverage.passes, coverage.cadFiles, applied),
    };
  }

  const failing = (gates: RolloutGates) => (['approval', 'errorRate', 'coverage'] as const).filter((g) => !gates[g].ok);
  const GATE_NAMES = { approval: 'approval', errorRate: 'error rate', coverage: 'coverage' } as const;

  function outputTypeStatus(key: string): OutputTypeRollout | null {
    const row = legacy.outputType(key);
    if (!row) return null;
    const profile = row.outputType?.profile ?? null;
    const current = profile ? workflowOf(profile.workflowId) : null;
    // Its own mode is the stored one (profile.executionMode); what runs is read as a dispatch reads it.
    const ownMode = profile?.executionMode ?? null;
    const latest = comparisons.latestOfOutputType(key) ?? null;
    const applied = rules.effective(key);
    const gates = gatesOf(key, profile, applied, latest);
    const blocked = failing(gates);
    const effectiveMode = modeOf(ownMode, current?.executionMode, row.legacy !== null);
    let guard: OutputTypeRollout['guard'] = null;
    if (effectiveMode === 'graph' && profile) {
      const since = graphSince(key, profile.workflowId);
      guard = { since, ...counts.guarded(key, profile.workflowId, since) };
    }
    return {
      key,
      name: row.name,
      effectiveMode,
      ownMode,
      workflowId: profile?.workflowId ?? null,
      workflowRevision: profile?.workflowRevision ?? null,
      workflowMode: current?.executionMode ?? null,
      latestComparison: latest ? { id: latest.id, verdict: latest.verdict, workflowRevision: latest.workflowRevision, createdAt: latest.createdAt, review: latest.review?.decision ?? null } : null,
      // An approved pass of the bound revision (one gate of three).
      cleanPass: gates.approval.ok,
      // Graph runs here are the authoritative graph runs and the shadow observers of the bound revision, in the window.
      errorRates: { legacy: gates.errorRate.legacy, graph: gates.errorRate.graph },
      // With no comparison at all, "no shadow comparison yet" says it; the coverage words would repeat it.
      graphBlockedBy: blocked.length === 0 ? null : blocked.filter((g) => !(g === 'coverage' && latest === null)).map((g) => gates[g].detail).join('; '),
      gates,
      rules: applied,
      ownRules: rules.own(key),
      guard,
    };
  }

  return {
    /** The mode log, a page at a time, newest first. */
    log: (query: ModeLogPageQuery) => store.modeChangesPage(query),
    status(): RolloutStatus {
      const outputTypes = legacy
        .listOutputTypes()
        .map((r) => outputTypeStatus(r.key))
        .filter((x): x is OutputTypeRollout => x !== null);
      const bound = new Map<string, string[]>();
      for (const o of outputTypes) if (o.workflowId) bound.set(o.workflowId, [...(bound.get(o.workflowId) ?? []), o.key]);
      return {
        outputTypes,
        workflows: workflows
          .list({ family: 'order_line' })
          .map((w) => ({ id: w.id, name: w.name, revision: w.revision, mode: w.executionMode, outputTypes: bound.get(w.id) ?? [] })),
        // The newest changes only; rollout.log pages through the whole log.
        changes: store.latestModeChanges(STATUS_CHANGES),
        studioRules: rules.studio(),
      };
    },
    outputType: outputTypeStatus,
    /**
     * "Try this revision in shadow on output type X": the profile pins the revision (of the bound
     * workflow, or of another order_line workflow its parameter values fit, checked as an output
     * type edit is) and the output type's mode becomes shadow, logged. Dispatches then observe that
     * revision; its comparisons, their approval and graph apply to it (blockedBy).
     */
    tryRevision(input: z.output<typeof RolloutTryRevisionInput>): { change: ModeChange; outputType: OutputTypeRollout } {
      const who = input.who ?? os.userInfo().username;
      const row = legacy.outputType(input.outputTypeKey);
      if (!row) throw new ApiFailure('not_found', `outputTypeKey: no output type "${input.outputTypeKey}"`, 'outputTypeKey');
      const current = row.outputType;
      if (!current) throw new ApiFailure('not_migrated', `outputTypeKey: output type "${input.outputTypeKey}" binds no workflow yet: migrate it before trying a revision in shadow`, 'outputTypeKey');
      const workflow = workflowOf(input.workflowId);
      if (!workflow) throw new ApiFailure('not_found', `workflowId: no workflow "${input.workflowId}"`, 'workflowId');
      if (workflow.family !== 'order_line') {
        throw new ApiFailure('wrong_family', `workflowId: workflow ${workflow.id} is a ${workflow.family} workflow; output type "${row.key}" renders order lines and can try only an order_line workflow`, 'workflowId');
      }
      let document: ReturnType<WorkflowStore['get']>;
      try {
        document = workflows.get(workflow.id, input.revision);
      } catch {
        throw new ApiFailure('not_found', `revision: workflow ${workflow.id} has no revision ${input.revision} (its latest is ${workflow.revision})`, 'revision');
      }
      const bound = current.profile;
      // The same check as an output type edit: family, deliverable, the parameter values and the contract's kind.
      const checked = deps.outputTypes.validate({
        key: row.key,
        name: current.name,
        workflowId: document.id,
        workflowRevision: document.revision,
        parameterValues: bound.parameterValues,
        artifact: { kind: current.artifact },
        active: current.active,
      });
      if (!checked.valid) {
        const first = checked.problems[0] as { path: string; message: string };
        throw new ApiFailure('incompatible_workflow', `workflowId: output type "${row.key}" cannot run workflow ${document.id} revision ${document.revision}: ${checked.problems.map((p) => p.message).join('; ')}`, first.path === 'workflowId' ? 'workflowId' : first.path);
      }
      // Pinned (no latest_approved: that would pick another revision), the rest of the output type kept.
      const { revisionPolicy: _policy, executionMode: _mode, ...profile } = checked.outputType.profile;
      const next = { ...current, profile: { ...profile, executionMode: 'shadow' as const } };
      const was = bound.workflowId === document.id ? `revision ${bound.workflowRevision}` : `${bound.workflowId} revision ${bound.workflowRevision}`;
      const why = `try ${document.id} revision ${document.revision} in shadow (was ${was})`;
      const reason = input.reason?.trim() ? `${why}: ${input.reason.trim()}` : why;
      const change = store.pinInShadow(row.key, next, { reason, who, comparisonId: null });
      return { change, outputType: outputTypeStatus(row.key) as OutputTypeRollout };
    },
    set(input: z.output<typeof RolloutSetInput>): ModeChange {
      const who = input.who ?? os.userInfo().username;
      const reason = input.reason?.trim() || null;
      if (input.override && !reason) throw new ApiFailure('reason_required', 'an override needs a reason: say why graph is enabled without a clean shadow pass', 'reason');
      const ot = outputTypeStatus(input.target);
      if (ot) {
        if (ot.workflowId === null) throw new ApiFailure('not_migrated', `output type "${input.target}" binds no workflow yet: migrate it before choosing ${input.mode} mode`, 'target');
        if (input.mode === 'graph' && ot.graphBlockedBy && !input.override) {
          throw new ApiFailure('rollout_blocked', `graph cannot be enabled on "${input.target}": ${ot.graphBlockedBy}. Run it in shadow until it passes these gates, or override with a reason.`, 'mode');
        }
        // An override names the gates it overrode, in the log's reason.
        const overridden = input.mode === 'graph' && input.override ? failing(ot.gates).map((g) => GATE_NAMES[g]) : [];
        const logged = overridden.length > 0 ? `${reason} (overrode the ${overridden.join(', ')} gate${overridden.length === 1 ? '' : 's'}: ${ot.graphBlockedBy})` : reason;
        return store.setMode(input.target, input.mode, { reason: logged, override: overridden.length > 0, comparisonId: ot.latestComparison?.id ?? null, who });
      }
      const workflow = workflowOf(input.target);
      if (!workflow) throw new ApiFailure('not_found', `"${input.target}" is neither an output type nor a workflow`, 'target');
      if (workflow.family !== 'order_line') throw new ApiFailure('not_dispatchable', `workflow ${workflow.id} is a ${workflow.family} workflow; modes apply to order_line workflows`, 'target');
      const approvedPass = comparisons.latestApprovedPassOf(workflow.id);
      if (input.mode === 'graph' && approvedPass === null && !input.override) {
        throw new ApiFailure('rollout_blocked', `graph cannot be enabled on workflow ${workflow.id}: no shadow comparison of it has passed and been approved. Run it in shadow first, or override with a reason.`, 'mode');
      }
      const saved = workflows.save({ ...workflow, executionMode: input.mode }, `mode ${workflow.executionMode} → ${input.mode}${reason ? `: ${reason}` : ''}`);
      return store.logWorkflowMode(saved.document.id, workflow.executionMode, input.mode, { reason, override: Boolean(input.override) && input.mode === 'graph' && approvedPass === null, comparisonId: approvedPass, who });
    },

    /** The gate's rules for the studio (target "studio") or one output type; a lead's call. */
    setRules(input: z.output<typeof RolloutSetRulesInput>): { studio: RolloutRules; outputType: OutputTypeRollout | null } {
      const who = input.who ?? os.userInfo().username;
      const { target, who: _who, ...patch } = input;
      if (target !== 'studio' && !legacy.outputType(target)) throw new ApiFailure('not_found', `target: "${target}" is neither "studio" nor an output type`, 'target');
      rules.set(target === 'studio' ? STUDIO_SCOPE : target, patch, who);
      return { studio: rules.studio(), outputType: target === 'studio' ? null : outputTypeStatus(target) };
    },

    /**
     * Guarded rollout (issue 19 item 4), called after an authoritative graph run of the output type
     * failed and fell back to legacy: when graph's fallback rate since it was enabled exceeds
     * legacy's error rate by more than the margin, the output type goes back to shadow (logged with
     * the figures, by "guard") and a lead is told. Lines already dispatched keep their one result.
     */
    guard(key: string): ModeChange | null {
      const ot = outputTypeStatus(key);
      if (!ot || ot.effectiveMode !== 'graph' || !ot.guard || ot.guard.runs === 0) return null;
      // One made from a workflow has no legacy form to observe beside: shadow cannot run it, so there is nothing to roll back to.
      if (legacy.outputType(key)?.legacy == null) return null;
      const fallback = ot.guard.fellBack / ot.guard.runs;
      const legacyRate = ot.errorRates.legacy.rate ?? 0;
      if (fallback <= legacyRate + ot.rules.guardMargin) return null;
      const reason =
        `guarded rollout: graph fell back to legacy on ${ot.guard.fellBack} of ${ot.guard.runs} runs since it was enabled (${Math.round(fallback * 100)} %), ` +
        `above legacy's error rate (${rateWords('legacy', ot.errorRates.legacy)}) by more than ${Math.round(ot.rules.guardMargin * 100)} points: back to shadow until a lead looks`;
      const change = store.setMode(key, 'shadow', { reason, who: 'guard', comparisonId: null });
      deps.onGuard?.({ outputTypeKey: key, change, reason });
      return change;
    },
  };
}

export type RolloutService = ReturnType<typeof createRolloutService>;
