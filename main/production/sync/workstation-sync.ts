import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { MAX_PUSH_ITEMS, type SyncConflict, type SyncPullResult, type SyncPushResult, type SyncRecord, type SyncRefusal, type SyncResolveResult, type SyncRevision, type SyncRunResult, type SyncStatus } from '../../../shared/sync/api';
import { RECORD_ORDER, recordHash, type RecordKind } from '../../platform/sync-records/record-kind';
import type { NodeCatalog } from '../../../shared/workflow/catalog';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import type { WorkflowStore } from '../../catalog/workflows/types';
import { MergeInputError, mergeWorkflows, resolveConflicts, type MergeConflict, type MergeResult, type Side } from '../../catalog/workflows/merge/merge-workflows';
import { commonAncestor, historyOf, missingFrom } from './history';
import { createSyncState, type OpenMerge, type RecordConflict } from './sync-state';
import { createWatermarks } from './watermark';

/** How a workstation reaches the hub: the two hub methods, over HTTP or (in tests) a dispatch. */
export interface HubConnection {
  pull(input: { since?: number; limit?: number; recordsSince?: number }): Promise<SyncPullResult>;
  push(input: { revisions: SyncRevision[]; records?: SyncRecord[] }): Promise<SyncPushResult>;
}

/** The hub could not be reached at all (refused, timed out, no route): nothing was changed there. */
export class HubUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubUnreachable';
  }
}

const PULL_PAGE = 500;
// Well under the contract's 16 MiB input: a push is cut between workflows at about this size.
const PUSH_BYTES = 8 * 1024 * 1024;
// And under its count: a year of run summaries is tens of thousands of small records.
const PUSH_RECORDS = Math.floor(MAX_PUSH_ITEMS / 2);

/**
 * A workstation's side of sync (DESIGN.md "Sync"; issue 17 items 3 and 6).
 *
 * Nothing is kept outside the workflow history: the outbox is every local revision that is not in
 * the line of the hub's head as last seen (sync_heads), so a failed sync loses nothing and the next
 * one sends the same. A run pulls the hub's log after the cursor into the history (checked like any
 * received revision), then per workflow: pushes what the hub lacks when the hub's head is in the
 * local line; merges three-way from the common ancestor when both moved, saving a conflict-free
 * merge as a revision with two parents (local first) and pushing it; keeps a merge with conflicts
 * for a person (sync conflicts / sync resolve) and pushes nothing of that workflow meanwhile.
 */
export function createWorkstationSync(db: Database.Database, workflows: WorkflowStore, catalog: NodeCatalog, recordKinds: readonly RecordKind[] = []) {
  const state = createSyncState(db);
  const kinds = RECORD_ORDER.map((name) => recordKinds.find((k) => k.kind === name)).filter((k): k is RecordKind => k !== undefined);
  const kindOf = (name: string) => kinds.find((k) => k.kind === name);

  const watermarks = createWatermarks(db);
  /**
   * The keys of a kind that may need to go: for made-once kinds, the ready rows after how far
   * everything was exchanged and not exchanged since (a read of what is new, not of the history);
   * for kinds that change in place, every key (output types: a studio's handful).
   */
  const candidates = (hubUrl: string, kind: RecordKind): { keys: Iterable<string>; mark: (key: string) => string | undefined } => {
    if (watermarks.walks(kind)) {
      const unsent = function* () {
        for (const row of watermarks.pending(hubUrl, kind)) if (row.ready && state.mark(hubUrl, kind.kind, row.key) === undefined) yield row.key;
      };
      return { keys: unsent(), mark: () => undefined };
    }
    const marks = state.marksOf(hubUrl, kind.kind);
    return { keys: kind.keys(), mark: (key) => marks.get(key) };
  };

  /** Records made or changed here since they were last exchanged with the hub, in push order. */
  const recordOutbox = async (hubUrl: string): Promise<SyncRecord[]> => {
    const out: SyncRecord[] = [];
    const conflicted = new Set(state.openRecordConflicts(hubUrl).map((c) => `${c.kind}:${c.key}`));
    for (const kind of kinds) {
      const { keys, mark: markOf } = candidates(hubUrl, kind);
      for (const key of [...keys]) {
        const mark = markOf(key);
        // Made once: exchanged once. In place: whenever it differs from what was exchanged.
        if (!kind.mutable && mark !== undefined) continue;
        if (conflicted.has(`${kind.kind}:${key}`)) continue;
        const body = await kind.body(key);
        if (!body) continue;
        const hash = recordHash(body);
        if (hash === mark) continue;
        out.push({ kind: kind.kind, key, hash, body, ...(kind.mutable ? { base: mark ?? null } : {}) });
      }
    }
    return out;
  };

  /** Local records waiting for the hub, counted without building them where that is cheap. */
  const pendingRecords = (hubUrl: string): number => {
    let pending = 0;
    for (const kind of kinds) {
      const { keys, mark: markOf } = candidates(hubUrl, kind);
      for (const key of keys) {
        const mark = markOf(key);
        if (!kind.mutable) {
          if (mark === undefined) pending += 1;
          continue;
        }
        const body = kind.body(key);
        if (body && !(body instanceof Promise) && recordHash(body) !== mark) pending += 1;
      }
    }
    return pending;
  };

  /** After a sync: each made-once kind's mark moves past the leading rows now exchanged (or received). */
  const advanceMarks = (hubUrl: string): void => {
    for (const kind of kinds) {
      if (watermarks.walks(kind)) watermarks.advance(hubUrl, kind, (row) => row.ready && state.mark(hubUrl, kind.kind, row.key) !== undefined);
    }
  };

  type Pulled = { pulled: number; conflicts: number; refused: SyncRefusal[]; byKind: Record<string, number> };
  /**
   * Stores records pulled from the hub. One already exchanged is skipped; an output type changed
   * here since the last exchange and changed differently on the hub becomes a conflict for a
   * person (nothing applied); a record this side cannot take (a revision it lacks) is refused.
   */
  const applyPulled = async (hubUrl: string, records: SyncRecord[]): Promise<Pulled> => {
    const out: Pulled = { pulled: 0, conflicts: 0, refused: [], byKind: {} };
    for (const [index, record] of records.entries()) {
      const kind = kindOf(record.kind);
      if (!kind) continue;
      const mark = state.mark(hubUrl, record.kind, record.key);
      if (mark === record.hash) continue;
      if (kind.mutable) {
        const local = await kind.body(record.key);
        const localHash = local ? recordHash(local) : undefined;
        if (localHash === record.hash) {
          state.setMark(hubUrl, record.kind, record.key, record.hash);
          continue;
        }
        if (localHash !== undefined && localHash !== mark) {
          state.storeRecordConflict(hubUrl, record.kind, record.key, record.hash, record.body);
          out.conflicts += 1;
          continue;
        }
      } else if (kind.has(record.key)) {
        state.setMark(hubUrl, record.kind, record.key, record.hash);
        continue;
      }
      try {
        kind.apply(record.key, record.body, record.who ?? 'the hub');
      } catch (error) {
        if (!(error instanceof ApiFailure)) throw error;
        out.refused.push({ workflowId: '', revisionId: record.hash, code: error.code, message: `pulled: ${error.message}`, path: `records[${index}]${error.path ? `.${error.path}` : ''}`, record: `${record.kind}:${record.key}` });
        continue;
      }
      state.setMark(hubUrl, record.kind, record.key, record.hash);
      out.pulled += 1;
      out.byKind[record.kind] = (out.byKind[record.kind] ?? 0) + 1;
    }
    return out;
  };

  const revisionFor = (workflowId: string, revisionId: string, rows: Map<string, number>): SyncRevision => {
    const number = rows.get(revisionId) as number;
    const info = workflows.revision(workflowId, number);
    const document = workflows.get(workflowId, number) as unknown as Record<string, unknown>;
    return { workflowId, revisionId, parents: info.parents, contentHash: info.contentHash, document, note: info.note };
  };

  /** Local revisions the hub (as last seen) lacks, per workflow. */
  const outbox = (hubHeads: Record<string, string>): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const [workflowId, head] of Object.entries(workflows.heads())) {
      const known = hubHeads[workflowId];
      if (known === head) continue;
      const history = historyOf(workflows, workflowId);
      const missing = missingFrom(history, head, known !== undefined && history.parents.has(known) ? known : undefined);
      if (missing.length > 0) out.set(workflowId, missing);
    }
    return out;
  };

  const describe = (merge: OpenMerge, c: MergeConflict): SyncConflict => {
    const setting = c.nodeId !== undefined && c.path[0] === 'nodes' ? c.path.slice(2).join('.') : c.path.join('.');
    return {
      id: `${merge.workflowId}#${c.id}`,
      workflowId: merge.workflowId,
      conflictId: c.id,
      kind: c.kind,
      ...(c.nodeId !== undefined ? { nodeId: c.nodeId } : {}),
      setting,
      path: c.path,
      ...('base' in c ? { base: c.base } : {}),
      ...('mine' in c ? { mine: c.mine } : {}),
      ...('theirs' in c ? { theirs: c.theirs } : {}),
      message: c.message,
      take: merge.choices[c.id] ?? null,
      baseRevisionId: merge.baseRevisionId,
      mineRevisionId: merge.mineRevisionId,
      theirsRevisionId: merge.theirsRevisionId,
    };
  };

  /** An output type changed here and on the hub: which top-level fields differ, both sides in full. */
  const describeRecordConflict = (c: RecordConflict): SyncConflict => {
    const kind = kindOf(c.kind);
    const mine = kind ? (kind.body(c.key) as Record<string, unknown> | undefined) : undefined;
    const fields = [...new Set([...Object.keys(mine ?? {}), ...Object.keys(c.theirs)])].filter((f) => JSON.stringify(mine?.[f]) !== JSON.stringify(c.theirs[f]));
    const what = c.kind === 'output_type' ? `output type "${c.key}"` : `${c.kind} "${c.key}"`;
    return {
      id: `${c.kind}:${c.key}`,
      workflowId: '',
      conflictId: `${c.kind}:${c.key}`,
      kind: 'changed_on_both',
      setting: fields.join(', '),
      path: fields,
      mine,
      theirs: c.theirs,
      message: `${what} was changed here and on the hub since the last sync (${fields.join(', ') || 'no field'} differ): take mine or theirs`,
      take: null,
      baseRevisionId: null,
      mineRevisionId: '',
      theirsRevisionId: c.theirsHash,
      record: { kind: c.kind, key: c.key },
    };
  };

  const docOf = (workflowId: string, revisionId: string): WorkflowDocument => {
    const found = workflows.locate(revisionId);
    if (!found || found.workflowId !== workflowId) throw new Error(`revision ${revisionId} of "${workflowId}" is not stored here`);
    return workflows.get(workflowId, found.revision);
  };

  /** Saves a conflict-free merge on top of the local head, the hub's revision as second parent. */
  const saveMerge = (workflowId: string, merged: WorkflowDocument, theirs: string, note: string) => {
    const head = workflows.revision(workflowId);
    return workflows.save({ ...merged, revision: head.revision }, note, { mergedFrom: theirs }).revisionInfo;
  };

  /**
   * Merges the local head with the hub's when both moved: answers the open merge's conflict count
   * (0 when merged and saved). An open merge of the same two heads is kept with its choices.
   */
  const mergeWithHub = (workflowId: string, mine: string, theirs: string): { conflicts: number; merged: boolean } => {
    const open = state.openMerge(workflowId);
    if (open && open.mineRevisionId === mine && open.theirsRevisionId === theirs) return { conflicts: open.result.conflicts.length, merged: false };
    const history = historyOf(workflows, workflowId);
    const base = commonAncestor(history, mine, theirs);
    const mineDoc = docOf(workflowId, mine);
    const theirsDoc = docOf(workflowId, theirs);
    // Two lines that share nothing (the same id created on two machines): every item counts as added on both.
    const baseDoc = base !== undefined ? docOf(workflowId, base) : { ...mineDoc, nodes: [], edges: [], parameters: [], metadata: {} };
    const result = mergeWorkflows(baseDoc, mineDoc, theirsDoc, catalog);
    if (result.conflicts.length === 0 && result.valid) {
      saveMerge(workflowId, result.merged, theirs, 'merged with the hub');
      if (open) state.closeMerge(open.rowId, null);
      return { conflicts: 0, merged: true };
    }
    // A choice already made on a conflict that is still the same (same id, same sides) carries over.
    const choices: Record<string, Side> = {};
    for (const c of result.conflicts) {
      const before = open?.result.conflicts.find((o) => o.id === c.id);
      const take = open?.choices[c.id];
      if (before && take && JSON.stringify([before.mine, before.theirs]) === JSON.stringify([c.mine, c.theirs])) choices[c.id] = take;
    }
    state.storeMerge({ workflowId, baseRevisionId: base ?? null, mineRevisionId: mine, theirsRevisionId: theirs, result, choices });
    return { conflicts: result.conflicts.length, merged: false };
  };

  return {
    async run(hub: HubConnection, hubUrl: string): Promise<SyncRunResult> {
      const start = state.hub(hubUrl);
      const refused: SyncRefusal[] = [];
      let cursor = start.cursor;
      const startRecordCursor = state.recordCursor(hubUrl);
      let recordCursor = startRecordCursor;
      let pulledRecords: SyncRecord[] = [];
      let hubHeads: Record<string, string> = {};
      let pulled = 0;
      let pullRefused = false;
      // Reads the hub's log after the cursor into the history; a revision this side refuses is reported, never kept.
      const pullLog = async () => {
        for (;;) {
          const page = await hub.pull({ since: cursor, limit: PULL_PAGE, ...(kinds.length > 0 ? { recordsSince: recordCursor } : {}) });
          pulledRecords.push(...(page.records ?? []));
          recordCursor = page.recordCursor ?? recordCursor;
          page.revisions.forEach((revision, index) => {
            try {
              if (workflows.receive(revision).stored) pulled += 1;
            } catch (error) {
              if (!(error instanceof ApiFailure)) throw error;
              pullRefused = true;
              refused.push({ workflowId: revision.workflowId, revisionId: revision.revisionId, code: error.code, message: `pulled: ${error.message}`, path: `revisions[${index}]${error.path ? `.${error.path}` : ''}` });
            }
          });
          cursor = page.cursor;
          hubHeads = page.heads;
          if (!page.more) break;
        }
      };
      const byKind: Record<string, { pushed: number; pulled: number }> = {};
      const count = (kind: string, field: 'pushed' | 'pulled', n: number) => {
        if (n === 0) return;
        byKind[kind] ??= { pushed: 0, pulled: 0 };
        byKind[kind][field] += n;
      };
      let recordsRefused = false;
      // Records go after the revisions of the same pull: an output type may pin a revision just pulled.
      const takeRecords = async () => {
        const taken = await applyPulled(hubUrl, pulledRecords);
        pulledRecords = [];
        for (const [kind, n] of Object.entries(taken.byKind)) count(kind, 'pulled', n);
        refused.push(...taken.refused);
        if (taken.refused.length > 0) recordsRefused = true;
        return taken;
      };
      // 1. Pull the hub's log into the history, then its records.
      await pullLog();
      const firstTake = await takeRecords();

      // 2. Per workflow: push what the hub lacks, merge where both moved.
      const merged: string[] = [];
      let conflicts = 0;
      const toPush = new Map<string, SyncRevision[]>();
      for (const [workflowId, mine] of Object.entries(workflows.heads())) {
        const theirs = hubHeads[workflowId];
        if (theirs === mine) continue; // in step: the usual case, decided without reading the history
        let history = historyOf(workflows, workflowId);
        if (theirs !== undefined && !history.parents.has(theirs)) continue; // the hub's head was refused above
        let head = mine;
        // Both moved since their common ancestor: each line has revisions the other lacks.
        if (theirs !== undefined && theirs !== mine && missingFrom(history, theirs, mine).length > 0 && missingFrom(history, mine, theirs).length > 0) {
          let outcome: { conflicts: number; merged: boolean };
          try {
            outcome = mergeWithHub(workflowId, mine, theirs);
          } catch (error) {
            // One workflow that cannot be merged (an unreadable side) stops only itself: nothing of it is pushed.
            if (!(error instanceof ApiFailure) && !(error instanceof MergeInputError)) throw error;
            refused.push({ workflowId, revisionId: theirs, code: 'merge_failed', message: `merging with the hub's ${theirs}: ${error.message}`, path: error.path });
            continue;
          }
          if (!outcome.merged) {
            conflicts += outcome.conflicts;
            continue;
          }
          merged.push(workflowId);
          history = historyOf(workflows, workflowId);
          head = workflows.revision(workflowId).revisionId;
        }
        const missing = missingFrom(history, head, theirs);
        if (missing.length > 0) toPush.set(workflowId, missing.map((id) => revisionFor(workflowId, id, history.rows)));
      }
      // An open merge whose workflow has meanwhile caught up (or was resolved) no longer counts.
      for (const open of state.openMerges()) {
        if (workflows.heads()[open.workflowId] !== open.mineRevisionId) state.closeMerge(open.rowId, null);
      }

      // 3. Push, cut between workflows so each call stays well under the input limit.
      let pushed = 0;
      let batch: SyncRevision[] = [];
      let bytes = 0;
      const send = async () => {
        if (batch.length === 0) return;
        const answer = await hub.push({ revisions: batch });
        const sent = new Set(batch.map((r) => r.revisionId));
        pushed += answer.accepted.filter((id) => sent.has(id)).length;
        refused.push(...answer.refused);
        hubHeads = { ...hubHeads, ...answer.heads };
        batch = [];
        bytes = 0;
      };
      for (const revisions of toPush.values()) {
        const size = revisions.reduce((n, r) => n + JSON.stringify(r).length, 0);
        if (bytes > 0 && (bytes + size > PUSH_BYTES || batch.length + revisions.length > MAX_PUSH_ITEMS)) await send();
        batch.push(...revisions);
        bytes += size;
      }
      await send();
      count('revision', 'pushed', pushed);

      // 4. Records: what changed here since it was last exchanged, cut like the revisions.
      let recordsPushed = 0;
      let recordBatch: SyncRecord[] = [];
      let recordBytes = 0;
      const sendRecords = async () => {
        if (recordBatch.length === 0) return;
        const answer = await hub.push({ revisions: [], records: recordBatch });
        const taken = new Set(answer.acceptedRecords ?? []);
        for (const r of recordBatch) {
          if (!taken.has(`${r.kind}:${r.key}`)) continue;
          state.setMark(hubUrl, r.kind, r.key, r.hash);
          recordsPushed += 1;
          count(r.kind, 'pushed', 1);
        }
        refused.push(...answer.refused);
        recordBatch = [];
        recordBytes = 0;
      };
      for (const record of await recordOutbox(hubUrl)) {
        const size = JSON.stringify(record).length;
        if (recordBytes > 0 && (recordBytes + size > PUSH_BYTES || recordBatch.length >= PUSH_RECORDS)) await sendRecords();
        recordBatch.push(record);
        recordBytes += size;
      }
      await sendRecords();
      pushed += recordsPushed;
      // What was pushed now sits in the hub's log after the cursor: read past it here, so the next
      // sync does not fetch this workstation's own revisions back (after a first sync, every workflow).
      // Revisions others pushed meanwhile come along and are stored; a merge they need is made next sync.
      let lateTake: Pulled | undefined;
      if (pushed > 0 && !pullRefused && !recordsRefused) {
        await pullLog();
        lateTake = await takeRecords();
      }
      // A revision refused here (say, a node type this build lacks) is pulled again next time, not skipped for good.
      if (pullRefused) cursor = start.cursor;
      if (recordsRefused) recordCursor = startRecordCursor;
      if (kinds.length > 0) {
        state.setRecordCursor(hubUrl, recordCursor);
        advanceMarks(hubUrl);
      }
      // Only heads stored here become the marker (one made on the hub after this pull is not yet).
      const known = Object.fromEntries(Object.entries(hubHeads).filter(([workflowId, id]) => workflows.locate(id)?.workflowId === workflowId));
      state.recordSync(hubUrl, cursor, known);
      count('revision', 'pulled', pulled);
      const recordsPulled = firstTake.pulled + (lateTake?.pulled ?? 0);
      conflicts += state.openRecordConflicts(hubUrl).length;
      return { pushed, pulled: pulled + recordsPulled, conflicts, refused, merged, byKind };
    },

    status(hubUrl?: string): SyncStatus {
      const hub = hubUrl ?? state.lastHub()?.url;
      const heads = hub ? state.heads(hub) : {};
      let pending = 0;
      for (const missing of outbox(heads).values()) pending += missing.length;
      if (hub) pending += pendingRecords(hub);
      const conflicts = state.openMerges().reduce((n, m) => n + m.result.conflicts.length, 0) + (hub ? state.openRecordConflicts(hub).length : 0);
      return { hubUrl: hub ?? null, lastSyncAt: hub ? state.hub(hub).lastSyncAt : null, pending, conflicts };
    },

    conflicts(): SyncConflict[] {
      const hub = state.lastHub()?.url;
      const records = hub ? state.openRecordConflicts(hub).map((c) => describeRecordConflict(c)) : [];
      return [...state.openMerges().flatMap((merge) => merge.result.conflicts.map((c) => describe(merge, c))), ...records];
    },

    /**
     * Records a person's choice. Once every open conflict of the workflow has one, the choices are
     * applied (resolveConflicts); conflicts that brings up are open next, otherwise the merged
     * document (validated by the merge and again by the store) is saved as a merge revision, pushed
     * at the next sync.
     */
    resolve(id: string, take: Side): SyncResolveResult {
      const hubUrl = state.lastHub()?.url;
      const record = hubUrl ? state.openRecordConflicts(hubUrl).find((c) => `${c.kind}:${c.key}` === id) : undefined;
      if (hubUrl && record) {
        const kind = kindOf(record.kind) as RecordKind;
        // Theirs: the hub's version is stored here. Mine: this one is pushed next, over the hub's (its base is now the hub's).
        if (take === 'theirs') kind.apply(record.key, record.theirs, 'the hub');
        state.setMark(hubUrl, record.kind, record.key, record.theirsHash);
        state.closeRecordConflict(record.id, take);
        return { workflowId: '', open: [], saved: null };
      }
      const open = state.openMerges();
      const hash = id.indexOf('#');
      const matches =
        hash > 0
          ? open.filter((m) => m.workflowId === id.slice(0, hash) && m.result.conflicts.some((c) => c.id === id.slice(hash + 1)))
          : open.filter((m) => m.result.conflicts.some((c) => c.id === id));
      if (matches.length !== 1) {
        const known = open.flatMap((m) => m.result.conflicts.map((c) => `${m.workflowId}#${c.id}`));
        throw new ApiFailure(
          ErrorCodes.notFound,
          matches.length === 0
            ? `no open conflict "${id}"; open: ${known.map((k) => `"${k}"`).join(', ') || '(none)'}`
            : `"${id}" is open in ${matches.length} workflows; name it as WORKFLOW#CONFLICT: ${known.filter((k) => k.endsWith(`#${id}`)).join(', ')}`,
          'id',
        );
      }
      const merge = matches[0] as OpenMerge;
      const conflictId = hash > 0 ? id.slice(hash + 1) : id;
      const choices = { ...merge.choices, [conflictId]: take };
      const head = workflows.revision(merge.workflowId).revisionId;
      if (head !== merge.mineRevisionId) {
        throw new ApiFailure('stale_conflict', `workflow "${merge.workflowId}" was saved since this merge was made (head ${head}); run sync to merge again`, 'id');
      }
      if (!merge.result.conflicts.every((c) => choices[c.id] !== undefined)) {
        state.updateMerge(merge.rowId, merge.result, choices);
        return { workflowId: merge.workflowId, open: this.conflicts().filter((c) => c.workflowId === merge.workflowId && c.take === null), saved: null };
      }
      const next: MergeResult = resolveConflicts(merge.result, choices, catalog);
      if (next.conflicts.length > 0 || !next.valid) {
        state.updateMerge(merge.rowId, next, {});
        const described = next.conflicts.map((c) => describe({ ...merge, result: next, choices: {} }, c));
        return { workflowId: merge.workflowId, open: described, saved: null };
      }
      const saved = saveMerge(merge.workflowId, next.merged, merge.theirsRevisionId, `merged with the hub; ${Object.keys(next.choices).length} conflict(s) resolved by choice`);
      state.closeMerge(merge.rowId, saved.revisionId);
      return { workflowId: merge.workflowId, open: [], saved: { revision: saved.revision, revisionId: saved.revisionId, parents: saved.parents } };
    },

    /** How many local revisions wait for the hub (for a message when it cannot be reached). */
    pendingFor(hubUrl: string): number {
      let pending = pendingRecords(hubUrl);
      for (const missing of outbox(state.heads(hubUrl)).values()) pending += missing.length;
      return pending;
    },
  };
}

export type WorkstationSync = ReturnType<typeof createWorkstationSync>;
