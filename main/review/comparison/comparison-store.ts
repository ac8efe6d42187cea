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

const toStoredWith = (reviewRow: (id: string) => ReviewRow | undefined) => (r: Row): StoredComparison => {
  const latest = reviewRow(r.id);
  return {
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
  };
};

const runStatus = (s: string): Side['status'] => (s === 'running' ? 'interrupted' : (s as Side['status']));

/**
 * Shadow comparisons: the legacy run's published assets, notifications and render logs set
 * against what the observer would have published and sent, computed once and stored.
 */
export function createComparisonStore(deps: { db: Database.Database; dataDir: string; runs: RunStore; media: MediaLibrary; outbox: NotificationOutbox; onStored?: (c: StoredComparison) => void }) {
  const { db, runs, media, outbox } = deps;
  const q = {
    insert: db.prepare(
      // The content hash of the revision that ran is taken from the history as it is stored.
      `INSERT INTO comparisons (id, order_line_id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, verdict, report_json, created_at, workflow_content_hash)
       VALUES (@id, @orderLineId, @outputTypeKey, @legacyRunId, @shadowRunId, @workflowId, @workflowRevision, @verdict, @report, @createdAt,
         (SELECT content_hash FROM workflow_revisions WHERE workflow_id = @workflowId AND revision = @workflowRevision))`,
    ),
    byRun: db.prepare<[string, string], Row>('SELECT * FROM comparisons WHERE legacy_run_id = ? OR shadow_run_id = ? ORDER BY created_at DESC LIMIT 1'),
    get: db.prepare<[string], Row>('SELECT * FROM comparisons WHERE id = ?'),
    ofOutputType: db.prepare<[string], Row>('SELECT * FROM comparisons WHERE output_type_key = ? ORDER BY created_at DESC'),
    all: db.prepare<[], Row>('SELECT * FROM comparisons ORDER BY created_at DESC'),
    review: db.prepare<[string], ReviewRow>('SELECT * FROM comparison_reviews WHERE comparison_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    // A review judges the content the comparison ran: it keeps that content hash (approvals follow content).
    addReview: db.prepare(
      `INSERT INTO comparison_reviews (id, comparison_id, decision, note, who, created_at, content_hash)
       VALUES (?, ?, ?, ?, ?, ?, (SELECT workflow_content_hash FROM comparisons WHERE id = ?))`,
    ),
    // Sync: comparisons and reviews made on another machine keep their ids, times and content hashes.
    localIds: db.prepare<[], { id: string }>('SELECT id FROM comparisons WHERE origin IS NULL ORDER BY created_at, rowid'),
    insertSynced: db.prepare(
      `INSERT OR IGNORE INTO comparisons (id, order_line_id, output_type_key, legacy_run_id, shadow_run_id, workflow_id, workflow_revision, verdict, report_json, created_at, workflow_content_hash, origin, cad_file_sha256)
       VALUES (@id, NULL, @outputTypeKey, @legacyRunId, @shadowRunId, @workflowId, @workflowRevision, @verdict, @report, @createdAt, @workflowContentHash, @origin, @cadFileSha256)`,
    ),
    // The CAD file a comparison rendered, by content: its line's file here, else what its summary carried.
    // Every comparison (of one output type) with its latest review and its CAD file's hash in one
    // statement: review groups read them all, and a query per row for each was most of their time.
    forGroups: db.prepare<[string | null, string | null], Row & { cad_sha: string | null; r_id: string | null; r_decision: Review['decision'] | null; r_note: string | null; r_who: string | null; r_created_at: string | null; r_content_hash: string | null }>(
      `SELECT c.*,
         coalesce((SELECT f.sha256 FROM order_lines l JOIN cad_files f ON f.id = l.cad_file_id WHERE l.id = c.order_line_id), c.cad_file_sha256) AS cad_sha,
         r.id AS r_id, r.decision AS r_decision, r.note AS r_note, r.who AS r_who, r.created_at AS r_created_at, r.content_hash AS r_content_hash
       FROM comparisons c
       LEFT JOIN comparison_reviews r ON r.id = (SELECT x.id FROM comparison_reviews x WHERE x.comparison_id = c.id ORDER BY x.created_at DESC, x.rowid DESC LIMIT 1)
       WHERE ? IS NULL OR c.output_type_key = ?
       ORDER BY c.created_at DESC`,
    ),
    cadSha: db.prepare<[string], { sha: string | null }>(
      `SELECT coalesce((SELECT f.sha256 FROM order_lines l JOIN cad_files f ON f.id = l.cad_file_id WHERE l.id = c.order_line_id), c.cad_file_sha256) AS sha
       FROM comparisons c WHERE c.id = ?`,
    ),
    reviewIds: db.prepare<[], { id: string }>('SELECT id FROM comparison_reviews ORDER BY created_at, rowid'),
    reviewById: db.prepare<[string], ReviewRow & { comparison_id: string }>('SELECT * FROM comparison_reviews WHERE id = ?'),
    insertSyncedReview: db.prepare(
      `INSERT OR IGNORE INTO comparison_reviews (id, comparison_id, decision, note, who, created_at, content_hash) VALUES (@id, @comparisonId, @decision, @note, @who, @createdAt, @contentHash)`,
    ),
  };
  const toStored = toStoredWith((id) => q.review.get(id));

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
    q.insert.run({ ...row, report: JSON.stringify(report) });
    // Read back: the store fills in the content hash of the revision that ran.
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
    ofOutputType: (key: string): StoredComparison[] => q.ofOutputType.all(key).map(toStored),
    list: (): StoredComparison[] => q.all.all().map(toStored),
    /** Every comparison (of one output type), newest first, each with its CAD file's content hash: what review groups are built from. */
    forGroups(outputTypeKey?: string): (StoredComparison & { cadFileSha256: string | null })[] {
      const key = outputTypeKey ?? null;
      return q.forGroups.all(key, key).map((r) => {
        const review = r.r_id === null ? undefined : { id: r.r_id, decision: r.r_decision as Review['decision'], note: r.r_note, who: r.r_who as string, created_at: r.r_created_at as string, content_hash: r.r_content_hash };
        return { ...toStoredWith(() => review)(r), cadFileSha256: r.cad_sha };
      });
    },
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
      q.insertSynced.run({ ...c, report: JSON.stringify(c.report), origin });
    },
    /** The sha256 of the CAD file the comparison rendered, when known (rollout coverage counts files by it). */
    cadFileSha256: (id: string): string | null => q.cadSha.get(id)?.sha ?? null,
    /** Every review, oldest first (sync sends them as they are; the latest per comparison decides). */
    reviewIds: (): string[] => q.reviewIds.all().map((r) => r.id),
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
