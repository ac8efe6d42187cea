import { ApiFailure } from '../../../shared/contract/errors';
import type { SyncPullResult, SyncPushResult, SyncRefusal, SyncRevision } from '../../../shared/sync/api';
import type { WorkflowStore } from '../../catalog/workflows/types';
import { ancestors, historyOf } from './history';

const DEFAULT_PAGE = 500;

export interface HubSync {
  pull(input: { since?: number; limit?: number }): SyncPullResult;
  push(input: { revisions: SyncRevision[] }): SyncPushResult;
}

/**
 * The hub's side of sync (DESIGN.md "Sync"): its workflow history is an append-only log that
 * workstations read after a cursor, and it takes revisions whose parents it holds.
 *
 * A push is judged per workflow: its revisions (parents first) must end in a revision whose line
 * includes the hub's current one. Otherwise the hub moved on since the workstation last pulled;
 * that workflow's revisions are refused as `behind` (nothing stored), and the workstation pulls,
 * merges and pushes again. Every revision is checked (ids, hashes, parents, validation) by the
 * store before it is kept; a refusal names the field in the push.
 */
export function createHubSync(workflows: WorkflowStore): HubSync {
  return {
    pull({ since = 0, limit = DEFAULT_PAGE }) {
      const rows = workflows.log(since, limit);
      const cursor = rows.at(-1)?.seq ?? Math.max(since, 0);
      return {
        revisions: rows.map((r) => ({ workflowId: r.workflowId, revisionId: r.revisionId, parents: r.parents, contentHash: r.contentHash, document: r.document, note: r.note })),
        cursor,
        more: rows.length === limit && cursor < workflows.logEnd(),
        heads: workflows.heads(),
      };
    },

    push({ revisions }) {
      const accepted: string[] = [];
      const refused: SyncRefusal[] = [];
      const groups = new Map<string, { revision: SyncRevision; index: number }[]>();
      revisions.forEach((revision, index) => {
        const group = groups.get(revision.workflowId) ?? [];
        group.push({ revision, index });
        groups.set(revision.workflowId, group);
      });
      for (const [workflowId, group] of groups) {
        const behind = behindReason(workflows, workflowId, group.map((g) => g.revision));
        if (behind) {
          for (const { revision, index } of group) {
            if (workflows.locate(revision.revisionId)) accepted.push(revision.revisionId);
            else refused.push({ workflowId, revisionId: revision.revisionId, code: 'behind', message: behind, path: `revisions[${index}]` });
          }
          continue;
        }
        let failed = false;
        for (const { revision, index } of group) {
          // After one refusal the rest of this workflow's line cannot be attached: say so for each.
          if (failed) {
            refused.push({ workflowId, revisionId: revision.revisionId, code: 'not_attempted', message: 'an earlier revision of this workflow in the push was refused', path: `revisions[${index}]` });
            continue;
          }
          try {
            workflows.receive(revision);
            accepted.push(revision.revisionId);
          } catch (error) {
            if (!(error instanceof ApiFailure)) throw error;
            failed = true;
            refused.push({ workflowId, revisionId: revision.revisionId, code: error.code, message: error.message, path: error.path ? `revisions[${index}].${error.path}` : `revisions[${index}]` });
          }
        }
      }
      return { accepted, refused, heads: workflows.heads() };
    },
  };
}

/** Why a workflow's pushed line cannot become the hub's head, or null when its tip descends from the hub's head. */
function behindReason(workflows: WorkflowStore, workflowId: string, group: SyncRevision[]): string | null {
  const head = workflows.heads()[workflowId];
  if (head === undefined) return null;
  const tip = group.at(-1) as SyncRevision;
  const history = historyOf(workflows, workflowId);
  for (const r of group) history.parents.set(r.revisionId, r.parents);
  if (ancestors(history, tip.revisionId).has(head)) return null;
  return `the hub's workflow "${workflowId}" is at revision ${head}, which ${tip.revisionId} does not include: pull, merge and push again`;
}
