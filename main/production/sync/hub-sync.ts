import { ApiFailure } from '../../../shared/contract/errors';
import type { SyncPullResult, SyncPushResult, SyncRecord, SyncRefusal, SyncRevision } from '../../../shared/sync/api';
import type { WorkflowStore } from '../../catalog/workflows/types';
import { RECORD_ORDER, recordHash, type RecordBody, type RecordKind } from '../../platform/sync-records/record-kind';
import { ancestors, historyOf } from './history';
import type { RecordLog } from './record-log';
import { HUB_LOG, type Watermarks } from './watermark';

const DEFAULT_PAGE = 500;

export interface HubSync {
  pull(input: { since?: number; limit?: number; recordsSince?: number }): Promise<SyncPullResult>;
  push(input: { revisions: SyncRevision[]; records?: SyncRecord[]; who?: string }): Promise<SyncPushResult>;
}

/** What the hub needs for records beside revisions (issue 17 item 3). */
export interface HubRecords {
  log: RecordLog;
  kinds: readonly RecordKind[];
  /** The active role of a person by name (the pusher, as the hub signed the push); undefined for no such person. */
  roleOf(name: string): string | undefined;
  /** How far each made-once kind of the hub's own records is in its log; without it every key is looked at each time. */
  watermarks?: Watermarks;
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
export function createHubSync(workflows: WorkflowStore, records?: HubRecords): HubSync {
  const kinds = new Map((records?.kinds ?? []).map((k) => [k.kind, k]));

  /**
   * Changes made on the hub itself (a lead approving in the hub's own UI, an artist editing an
   * output type there) join the log as records too, before anyone reads or writes it.
   */
  const captureOwn = async (): Promise<void> => {
    if (!records) return;
    for (const name of RECORD_ORDER) {
      const kind = kinds.get(name);
      if (!kind) continue;
      const marks = records.watermarks;
      if (marks?.walks(kind)) {
        // Made once: what came after the mark, logged unless it already is; the mark moves past what is in the log.
        await marks.visit(HUB_LOG, kind, async (row) => {
          if (!row.ready) return false;
          if (records.log.latestHash(name, row.key) !== undefined) return true;
          const body = await kind.body(row.key);
          if (!body) return false;
          records.log.append(name, row.key, recordHash(body), body, null);
          return true;
        });
        continue;
      }
      for (const key of kind.keys()) {
        const logged = records.log.latestHash(name, key);
        if (logged !== undefined && !kind.mutable) continue;
        const body = await kind.body(key);
        if (!body) continue;
        const hash = recordHash(body);
        if (hash !== logged) records.log.append(name, key, hash, body, null);
      }
    }
  };

  /** Takes one pushed record: checked (hash, role, base), stored through its own store, then logged. */
  const takeRecord = async (record: SyncRecord, index: number, who: string | undefined): Promise<SyncRefusal | null> => {
    const refusal = (code: string, message: string, path = ''): SyncRefusal => ({ workflowId: '', revisionId: record.hash, code, message, path: `records[${index}]${path ? `.${path}` : ''}`, record: `${record.kind}:${record.key}` });
    const kind = kinds.get(record.kind);
    if (!records || !kind) return refusal('not_supported', `this hub does not take ${record.kind} records`, 'kind');
    if (recordHash(record.body) !== record.hash) return refusal('bad_hash', `hash ${record.hash} is not the sha256 of the body's canonical JSON`, 'hash');
    const logged = records.log.latestHash(record.kind, record.key);
    const currentBody = kind.mutable ? await kind.body(record.key) : undefined;
    if (who !== undefined) {
      const rule = kind.leadNeededFor(record.body, currentBody);
      const role = records.roleOf(who);
      if (rule && role !== 'lead') return refusal('forbidden', `${rule} needs the lead role; ${who} is ${role === undefined ? 'not a person here' : `an ${role}`}`);
    }
    let body: RecordBody = record.body;
    let hash = record.hash;
    if (kind.mutable) {
      if (logged === hash) return null;
      if (logged !== undefined && logged !== (record.base ?? undefined)) {
        return refusal('behind', `${record.kind} "${record.key}" changed on the hub since this workstation last saw it (hub ${logged.slice(0, 12)}, base ${(record.base ?? 'none').slice(0, 12)}): pull, resolve and push again`, 'base');
      }
    } else {
      if (logged !== undefined || kind.has(record.key)) return null;
      // A review on the hub is signed by the person whose token pushed it, whatever the body says.
      if (record.kind === 'review' && who !== undefined && body.who !== who) {
        body = { ...body, who };
        hash = recordHash(body);
      }
    }
    try {
      kind.apply(record.key, body, who ?? 'a workstation');
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      return refusal(error.code, error.message, error.path);
    }
    records.log.append(record.kind, record.key, hash, body, who ?? null);
    return null;
  };

  return {
    async pull({ since = 0, limit = DEFAULT_PAGE, recordsSince }) {
      const rows = workflows.log(since, limit);
      const cursor = rows.at(-1)?.seq ?? Math.max(since, 0);
      let recordPage: { records?: SyncRecord[]; recordCursor?: number } = {};
      let recordsMore = false;
      if (recordsSince !== undefined && records) {
        await captureOwn();
        const page = records.log.after(recordsSince, limit);
        const recordCursor = page.at(-1)?.seq ?? recordsSince;
        recordPage = { records: page.map((p) => p.record), recordCursor };
        recordsMore = page.length === limit && recordCursor < records.log.end();
      }
      return {
        revisions: rows.map((r) => ({ workflowId: r.workflowId, revisionId: r.revisionId, parents: r.parents, contentHash: r.contentHash, document: r.document, note: r.note })),
        cursor,
        more: (rows.length === limit && cursor < workflows.logEnd()) || recordsMore,
        heads: workflows.heads(),
        ...recordPage,
      };
    },

    async push({ revisions, records: pushed = [], who }) {
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
      // Records after revisions: an output type may pin a revision pushed just now.
      const acceptedRecords: string[] = [];
      if (pushed.length > 0) await captureOwn();
      for (const [index, record] of pushed.entries()) {
        const refusal = await takeRecord(record, index, who);
        if (refusal) refused.push(refusal);
        else acceptedRecords.push(`${record.kind}:${record.key}`);
      }
      return { accepted, refused, heads: workflows.heads(), acceptedRecords };
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
