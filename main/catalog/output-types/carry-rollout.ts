import type { InvocationProfile } from '../../../shared/output-types/profile';

/**
 * A profile made again from its legacy preset (a re-migration) keeps the studio's rollout choices,
 * the execution mode and the revision policy: they are not in the preset. Graph on a pinned
 * revision is kept only while the binding stays the same; a newly bound revision has no approved
 * shadow pass, so the output type observes it in shadow until one is approved. With
 * `latest_approved` the dispatcher itself waits for an approved revision, so graph is kept.
 */
export function carryRollout(previous: InvocationProfile | undefined, next: InvocationProfile): { profile: InvocationProfile; demoted: boolean } {
  if (!previous) return { profile: next, demoted: false };
  const policy = previous.revisionPolicy;
  const sameBinding = previous.workflowId === next.workflowId && previous.workflowRevision === next.workflowRevision;
  const demoted = previous.executionMode === 'graph' && policy !== 'latest_approved' && !sameBinding;
  const mode = demoted ? 'shadow' : previous.executionMode;
  return {
    profile: { ...next, ...(mode ? { executionMode: mode } : {}), ...(policy ? { revisionPolicy: policy } : {}) },
    demoted,
  };
}
