import crypto from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ComparisonReportSchema, type BlendDump, type ComparisonReport, type Review } from '../../../shared/comparison/api';
import type { ShadowCompareInput } from '../../execution/dispatch/order-dispatcher';
import type { MediaLibrary } from '../../production/media/media-library';
import type { NotificationOutbox } from '../../production/notifications';
import { runJobOk, jobId } from '../../execution/render/errors';
import type { RunStore } from '../../production/runs/run-store';
import { compareRuns, type Side } from './compare-runs';
import { ApiFailure } from '../../../shared/contract/errors';
import type { Page } from '../../../shared/paging/page';
import { keysetPage } from '../../platform/db/keyset-page';
import { worstDelta } from '../../../shared/comparison/deltas';
import { groupIdOf } from './group-id';
import { comparisonsPageQuery, LATEST_PER_OUTPUT_TYPE_SQL, PENDING_COUNT_SQL, REVIEWED_COUNT_SQL, type ComparisonsPageQuery } from './comparison-page';

export interface StoredComparison {
  id: string;
  orderLineId: string | null;
  outputTypeKey: string;
  legacyRunId: string;
  shadowRunId: string;
  workflowId: string | null;
  workflowRevision: number | null;
  /** What ran: the content hash of that revision (a number is only a place in this data directory's history). */
  workflowContentHash: string | null;
  verdict: ComparisonReport['verdict'];
  report: ComparisonReport;
  createdAt: string;
  review: Review | null;
  /** The content the latest review judged (the comparison's, recorded with the review). */
  reviewedContentHash: string | null;
}

type Row = {
  id: string;
  order_line_id: string | null;
  output_type_key: string;
  legacy_run_id: string;
  shadow_run_id: string;
  workflow_id: string | null;
  workflow_revision: number | null;
  workflow_content_hash: string | null;
  verdict: ComparisonReport['verdict'];
  report_json: string;
  created_at: string;
};

type ReviewRow = { id: string; decision: Review['decision']; note: string | null; who: string; created_at: string; content_hash: string | null };
const toReview = (r: ReviewRow | undefined): Review | null => (r ? { id: r.id, decision: r.decision, note: r.note, who: r.who, createdAt: r.created_at } : null);

/** A row as the store answers it, with its latest review. */
const storedOf = (r: Row, latest: ReviewRow | undefined): StoredComparison => ({
  id: r.id,
  orderLineId: r.order_line_id,
  outputTypeKey: r.output_type_key,
  legacyRunId: r.legacy_run_id,
  shadowRunId: r.shadow_run_id,
  workflowId: r.workflow_id,
  workflowRevision: r.workflow_revision,
  workflowContentHash: r.workflow_content_hash,
  verdict: r.verdict,
  report: JSON.parse(r.report_json) as ComparisonReport,
  createdAt: r.created_at,
  review: toReview(latest),
  reviewedContentHash: latest?.content_hash ?? null,
});

const runStatus = (s: string): Side['status'] => (s === 'running' ? 'interrupted' : (s as Side['status']));

/**
 * Shadow comparisons: the legacy run's published assets, notifications and render logs set
 * against what the observer would have published and sent, computed once and stored.
 */
export function createComparisonStore(deps: { db: Database.Database; dataDir: string; runs: RunStore; media: MediaLibrary; outbox: NotificationOutbox; onStored?: (c: StoredComparison) => void }) {
  const { db, runs, media, outbox } = deps;
  const q = {
    // A comparison keeps what review groups and the rollout gates read of it: its group, the content
    // hash of the revision that ran, its worst pixel delta and the CAD file it rendered (by content).
    insert: db.prepare(
      `INSERT INTO comparisons (id, order_line_id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, verdict, report_json, created_at, workflow_content_hash, group_id, worst_delta, cad_file_sha256)
       VALUES (@id, @orderLineId, @outputTypeKey, @legacyRunId, @shadowRunId, @workflowId, @workflowRevision, @verdict, @report, @createdAt, @workflowContentHash, @groupId, @worstDelta,
         (SELECT f.sha256 FROM order_lines l JOIN cad_files f ON f.id = l.cad_file_id WHERE l.id = @orderLineId))`,
    ),
    contentHash: db.prepare<[string | null, number | null], { content_hash: string }>('SELECT content_hash FROM workflow_revisions WHERE workflow_id = ? AND revision = ?'),
    byRun: db.prepare<[string, string], Row>('SELECT * FROM comparisons WHERE legacy_run_id = ? OR shadow_run_id = ? ORDER BY created_at DESC LIMIT 1'),
    get: db.prepare<[string], Row>('SELECT * FROM comparisons WHERE id = ?'),
    latestOfOutputType: db.prepare<[string], Row>('SELECT * FROM comparisons WHERE output_type_key = ? ORDER BY created_at DESC, id DESC LIMIT 1'),
    review: db.prepare<[string], ReviewRow>('SELECT * FROM comparison_reviews WHERE comparison_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    // A review judges the content the comparison ran: it keeps that content hash (approvals follow content).
    addReview: db.prepare(
      `INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at, content_hash)
       VALUES (?, ?, ?, ?, ?, ?, (SELECT workflow_content_hash FROM comparisons WHERE id = ?))`,
    ),
    // Sync: comparisons and reviews made on another machine keep their ids, times and content hashes.
    localIds: db.prepare<[], { id: string }>('SELECT id FROM comparisons WHERE origin IS NULL ORDER BY created_at, rowid'),
    insertSynced: db.prepare(
      `INSERT OR IGNORE INTO comparisons (id, order_line_id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, verdict, report_json, created_at, workflow_content_hash, origin, cad_file_sha256, group_id, worst_delta)
       VALUES (@id, NULL, @outputTypeKey, @legacyRunId, @shadowRunId, @workflowId, @workflowRevision, @verdict, @report, @createdAt, @workflowContentHash, @origin, @cadFileSha256, @groupId, @worstDelta)`,
    ),
    cadSha: db.prepare<[string], { sha: string | null }>('SELECT cad_file_sha256 AS sha FROM comparisons WHERE id = ?'),
    // Passes of a workflow's content for an output type (approvals follow content; a comparison
    // without a hash, or a bound revision not stored here, matches by number): the coverage gate.
    coverage: db.prepare<{ key: string; workflowId: string; hash: string | null; revision: number }, { passes: number; cadFiles: number }>(
      `SELECT count(*) AS passes, count(DISTINCT cad_file_sha256) AS cadFiles FROM comparisons
       WHERE output_type_key = @key AND workflow_id = @workflowId AND verdict = 'pass'
         AND ((@hash IS NOT NULL AND workflow_content_hash = @hash) OR ((@hash IS NULL OR workflow_content_hash IS NULL) AND workflow_revision = @revision))`,
    ),
    latestApprovedPass: db.prepare<[string], { id: string }>(
      `SELECT c.id FROM comparisons c WHERE c.workflow_id = ? AND c.verdict = 'pass'
         AND (SELECT r.decision FROM comparison_reviews r WHERE r.comparison_id = c.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1) = 'approve'
       ORDER BY c.created_at DESC LIMIT 1`,
    ),
    reviewIds: db.prepare<[], { id: string }>('SELECT id FROM comparison_reviews ORDER BY created_at, rowid'),
    localAfter: db.prepare<[number, number], { seq: number; id: string }>('SELECT rowid AS seq, id FROM comparisons WHERE origin IS NULL AND rowid > ? ORDER BY rowid LIMIT ?'),
    reviewsAfter: db.prepare<[number, number], { seq: number; id: string }>('SELECT rowid AS seq, id FROM comparison_reviews WHERE rowid > ? ORDER BY rowid LIMIT ?'),
    reviewById: db.prepare<[string], ReviewRow & { comparison_id: string }>('SELECT * FROM comparison_reviews WHERE id = ?'),
    insertSyncedReview: db.prepare(
      `INSERT OR IGNORE INTO comparison_reviews (id, comparison_id, decision, note, who, created_at, content_hash) VALUES (@id, @comparisonId, @decision, @note, @who, @createdAt, @contentHash)`,
    ),
  };
  const toStored = (r: Row) => storedOf(r, q.review.get(r.id));

  const logsOf = (runId: string) => runs.renderLogsOfRun(runId).sort((a, b) => a.nodeId.localeCompare(b.nodeId));

  async function compute(input: ShadowCompareInput): Promise<StoredComparison> {
    const legacyRun = runs.get(input.legacyRunId);
    const shadowRun = runs.get(input.shadowRunId);
    if (!legacyRun || !shadowRun) throw new Error('comparison needs both runs');
    const legacy: Side = {
      status: runStatus(legacyRun.status),
      assets: media
        .list(input.orderLineId)
        .filter((a) => a.runId === legacyRun.id)
        .map((a) => ({ kind: a.kind, format: a.format, file: media.absolute(a), sha256: a.sha256, width: a.width, height: a.height, frames: a.frames, attachments: a.attachments.map((x) => ({ role: x.role, file: media.absolute(x), sha256: x.sha256 })) })),
      notifications: outbox.list({ orderLineId: input.orderLineId }).filter((n) => n.runId === legacyRun.id).map((n) => ({ channel: n.channel, event: n.event })),
      renderLogs: logsOf(legacyRun.id),
    };
    const shadow: Side = {
      status: runStatus(shadowRun.status),
      assets: input.shadow.published.map((p) => ({ kind: p.kind, format: p.format, file: p.file, sha256: p.sha256, width: p.width, height: p.height, frames: p.frames, attachments: p.attachments })),
      notifications: input.shadow.notifications.map((n) => ({ channel: n.channel, event: n.event })),
      renderLogs: logsOf(shadowRun.id),
    };
    const blendDump = async (file: string): Promise<BlendDump> => {
      const id = jobId('inspect');
      const r = await runJobOk(input.farm, { kind: 'inspect_blend', id, blend: file }, { label: id, timeoutMs: 120_000 });
      return { objects: r.objects as string[], meshes: r.meshes as string[], materials: r.materials as string[], cameras: r.cameras as string[], lights: r.lights as string[] };
    };
    const id = crypto.randomUUID();
    const report = ComparisonReportSchema.parse(
      await compareRuns({ legacy, shadow, workDir: path.join(deps.dataDir, 'comparisons', id), ffmpegPath: input.tools.ffmpegPath, blendDump }),
    );
    const row = {
      id,
      orderLineId: input.orderLineId,
      outputTypeKey: input.outputTypeKey,
      legacyRunId: legacyRun.id,
      shadowRunId: shadowRun.id,
      workflowId: input.workflowId,
      workflowRevision: input.workflowRevision,
      verdict: report.verdict,
      report,
      createdAt: new Date().toISOString(),
    };
    const workflowContentHash = q.contentHash.get(row.workflowId, row.workflowRevision)?.content_hash ?? null;
    q.insert.run({ ...row, report: JSON.stringify(report), workflowContentHash, groupId: groupIdOf({ ...row, workflowContentHash }), worstDelta: worstDelta(report) });
    const stored = toStored(q.get.get(id) as Row);
    deps.onStored?.(stored);
    return stored;
  }

  return {
    compute,
    /** The comparison a run took part in (as the legacy or the shadow side). */
    ofRun(runId: string): StoredComparison | undefined {
      const row = q.byRun.get(runId, runId);
      return row ? toStored(row) : undefined;
    },
    get(id: string): StoredComparison | undefined {
      const row = q.get.get(id);
      return row ? toStored(row) : undefined;
    },
    /** The newest comparison of an output type. */
    latestOfOutputType(key: string): StoredComparison | undefined {
      const row = q.latestOfOutputType.get(key);
      return row ? toStored(row) : undefined;
    },
    /** How many passes of a workflow's content (or, without hashes, its revision number) an output type has, and on how many CAD files: counted, not read. */
    coverage: (key: string, bound: { workflowId: string; revision: number; contentHash: string | null }): { passes: number; cadFiles: number } =>
      q.coverage.get({ key, workflowId: bound.workflowId, hash: bound.contentHash, revision: bound.revision }) ?? { passes: 0, cadFiles: 0 },
    /** The newest approved pass of a workflow (what enabling graph on a workflow asks for), by id. */
    latestApprovedPassOf: (workflowId: string): string | null => q.latestApprovedPass.get(workflowId)?.id ?? null,
    /** A page of the comparisons list, newest first, filtered and searched in SQL (the report's reasons, not the report). */
    page(query: ComparisonsPageQuery): Page<Omit<StoredComparison, 'report'> & { reasons: string[]; artifactCount: number }> {
      const { rows, nextCursor } = keysetPage(db, comparisonsPageQuery<Row>(query));
      return { items: rows.map(toStored).map(({ report, ...c }) => ({ ...c, reasons: report.reasons, artifactCount: report.artifacts.length })), nextCursor };
    },
    /** What the comparisons page heads with: the latest verdict per output type, how many wait for review, how many were reviewed. */
    summary() {
      const latestByOutputType: Record<string, { id: string; verdict: StoredComparison['verdict']; createdAt: string; review: Review['decision'] | null }> = {};
      for (const c of db.prepare<[], Row>(LATEST_PER_OUTPUT_TYPE_SQL).all().map(toStored)) latestByOutputType[c.outputTypeKey] = { id: c.id, verdict: c.verdict, createdAt: c.createdAt, review: c.review?.decision ?? null };
      const count = (sql: string) => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
      return { latestByOutputType, pendingReview: count(PENDING_COUNT_SQL), reviewed: count(REVIEWED_COUNT_SQL) };
    },
    /** Comparisons computed here (not received by sync), oldest first. */
    localIds: (): string[] => q.localIds.all().map((r) => r.id),
    has: (id: string): boolean => q.get.get(id) !== undefined,
    /** A comparison computed on another machine (sync), pointing at its two runs' summaries here. */
    insertSynced(c: Omit<StoredComparison, 'review' | 'reviewedContentHash' | 'orderLineId'> & { cadFileSha256: string | null }, origin: string): void {
      q.insertSynced.run({ ...c, report: JSON.stringify(c.report), origin, groupId: groupIdOf(c), worstDelta: worstDelta(c.report) });
    },
    /** The sha256 of the CAD file the comparison rendered, when known (rollout coverage counts files by it). */
    cadFileSha256: (id: string): string | null => q.cadSha.get(id)?.sha ?? null,
    /** Every review, oldest first (sync sends them as they are; the latest per comparison decides). */
    reviewIds: (): string[] => q.reviewIds.all().map((r) => r.id),
    /** Comparisons computed here, and every review, stored after `seq` (rowid), in that order (sync reads on from there). */
    localIdsAfter: (seq: number, limit: number) => q.localAfter.all(seq, limit).map((r) => ({ key: r.id, seq: r.seq, ready: true })),
    reviewIdsAfter: (seq: number, limit: number) => q.reviewsAfter.all(seq, limit).map((r) => ({ key: r.id, seq: r.seq, ready: true })),
    reviewById(id: string): { id: string; comparisonId: string; decision: Review['decision']; note: string | null; who: string; createdAt: string; contentHash: string | null } | undefined {
      const r = q.reviewById.get(id);
      return r ? { id: r.id, comparisonId: r.comparison_id, decision: r.decision, note: r.note, who: r.who, createdAt: r.created_at, contentHash: r.content_hash } : undefined;
    },
    /** A review made on another machine (sync), with its own id, time and the content it judged. */
    insertSyncedReview(r: { id: string; comparisonId: string; decision: Review['decision']; note: string | null; who: string; createdAt: string; contentHash: string | null }): void {
      q.insertSyncedReview.run(r);
    },
    /** A studio lead approves or rejects a comparison; who and when are kept, the latest decides. */
    review(input: { comparisonId: string; decision: Review['decision']; note?: string; who: string }): StoredComparison {
      const row = q.get.get(input.comparisonId);
      if (!row) throw new ApiFailure('not_found', `no comparison "${input.comparisonId}"`, 'comparisonId');
      if (input.decision === 'approve' && row.verdict === 'fail') throw new ApiFailure('not_approvable', `comparison ${row.id} failed: a failed comparison can be rejected, not approved`, 'decision');
      q.addReview.run(crypto.randomUUID(), row.id, input.decision, input.note?.trim() || null, input.who, new Date().toISOString(), row.id);
      return toStored(row);
    },
  };
}

export type ComparisonStore = ReturnType<typeof createComparisonStore>;
