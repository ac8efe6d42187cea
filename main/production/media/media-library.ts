import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { MediaAsset } from '../../../shared/media/api';
import type { Page } from '../../../shared/paging/page';
import { keysetPage, type KeysetQuery } from '../../platform/db/keyset-page';
import type { PublishRequest } from './publish-request';

/** An asset whose files are in place and whose row is not yet written (it is committed with its run). */
export interface PlacedAsset extends MediaAsset {
  publishKey: string;
}

interface Row {
  id: string;
  publish_key: string;
  kind: string;
  folder: string;
  file: string;
  format: string;
  sha256: string;
  bytes: number;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  frames: number | null;
  attachments_json: string;
  run_id: string;
  order_line_id: string | null;
  node_id: string;
  created_at: string;
}

const toAsset = (r: Row): MediaAsset => ({
  id: r.id,
  kind: r.kind,
  folder: r.folder,
  file: r.file,
  format: r.format,
  sha256: r.sha256,
  bytes: r.bytes,
  width: r.width,
  height: r.height,
  durationSeconds: r.duration_seconds,
  frames: r.frames,
  attachments: JSON.parse(r.attachments_json) as MediaAsset['attachments'],
  runId: r.run_id,
  orderLineId: r.order_line_id,
  nodeId: r.node_id,
  createdAt: r.created_at,
});

export interface AssetsPageQuery {
  orderLineId?: string | undefined;
  runId?: string | undefined;
  kind?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The keyset query of a page of assets, newest first (exported for EXPLAIN QUERY PLAN in tests). */
export function assetsPageQuery(query: AssetsPageQuery): KeysetQuery<Row> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [clause, value] of [['order_line_id = ?', query.orderLineId], ['run_id = ?', query.runId], ['kind = ?', query.kind]] as const) {
    if (value === undefined) continue;
    where.push(clause);
    params.push(value);
  }
  const search = query.q ? { table: 'media_assets', rowid: 'media_assets.rowid', fts: 'media_assets_search', columns: ['file', 'format'], text: query.q } : undefined;
  return { list: 'assets.list', select: 'SELECT * FROM media_assets', where, params, sortBy: ['created_at', 'id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at, r.id], search };
}

/** Where a run's files wait until its rows are committed: inside the library, where no reader looks. */
export const STAGING_DIR = '.staging';

/** `folder` inside `root`, or an error: a preset's publish.folder never escapes the library. */
export function libraryFolder(root: string, folder: string): string {
  const base = path.resolve(root);
  const dir = path.resolve(base, folder);
  if (dir !== base && !dir.startsWith(base + path.sep)) throw new Error(`publish folder "${folder}" escapes the media library`);
  if (path.relative(base, dir).split(path.sep)[0] === STAGING_DIR) throw new Error(`publish folder "${folder}" is the media library's staging folder`);
  return dir;
}

/**
 * The media library: published files under `root`, one row per asset. Publishing is atomic on
 * disk: `place` copies a step's files into `root/.staging/<run>/<name>` (fsynced; no reader looks
 * there), `insert` writes the row inside the run's final transaction, and `moveIntoPlace`, right
 * after that transaction commits, renames the staged files to their names. The committed row is
 * the journal: a process killed before the commit leaves only staged files (removed at the next
 * start), one killed after it leaves rows whose files are still staged (moved into place at the
 * next start, `recover`). So a file in the library always has its row.
 */
export function createMediaLibrary(db: Database.Database, root: string) {
  const q = {
    byFile: db.prepare<[string], { id: string }>('SELECT id FROM media_assets WHERE file = ?'),
    filesOfRun: db.prepare<[string], { file: string; attachments_json: string }>('SELECT file, attachments_json FROM media_assets WHERE run_id = ?'),
    allFiles: db.prepare<[], { file: string; attachments_json: string }>('SELECT file, attachments_json FROM media_assets'),
    byKey: db.prepare<[string], Row>('SELECT * FROM media_assets WHERE publish_key = ?'),
    get: db.prepare<[string], Row>('SELECT * FROM media_assets WHERE id = ?'),
    ofLine: db.prepare<[string], Row>('SELECT * FROM media_assets WHERE order_line_id = ? ORDER BY created_at DESC, id'),
    insert: db.prepare(
      `INSERT INTO media_assets (id, publish_key, kind, folder, file, format, sha256, bytes, width, height, duration_seconds, frames, attachments_json, run_id, order_line_id, node_id, created_at)
       VALUES (@id, @publishKey, @kind, @folder, @file, @format, @sha256, @bytes, @width, @height, @durationSeconds, @frames, @attachments, @runId, @orderLineId, @nodeId, @createdAt)`,
    ),
  };

  /** A relative name not taken by a published asset (an unpublished leftover may be replaced). */
  function freeName(rel: string, taken: Set<string>): string {
    const ext = path.extname(rel);
    const stem = rel.slice(0, rel.length - ext.length);
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? rel : `${stem}-${i}${ext}`;
      if (!taken.has(candidate) && !q.byFile.get(candidate)) return candidate;
    }
  }

  const stagingRoot = path.join(root, STAGING_DIR);
  const staged = (runId: string, rel: string) => path.join(stagingRoot, runId, rel);
  const filesOf = (a: Pick<MediaAsset, 'file' | 'attachments'>) => [a.file, ...a.attachments.map((x) => x.file)];

  /** Copies a file into the run's staging folder and makes it durable. */
  async function stage(source: string, runId: string, rel: string): Promise<void> {
    const dest = staged(runId, rel);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    await fs.promises.copyFile(source, dest);
    const handle = await fs.promises.open(dest, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Renames a staged file to its place (replacing an unpublished leftover of that name). */
  function moveStaged(runId: string, rel: string): void {
    const dest = path.join(root, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    try {
      fs.renameSync(staged(runId, rel), dest);
    } catch (error) {
      // Another process's recovery moved it a moment ago.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(dest)) throw error;
    }
  }

  function removeStagingOf(runId: string): void {
    fs.rmSync(path.join(stagingRoot, runId), { recursive: true, force: true });
    try {
      fs.rmdirSync(stagingRoot);
    } catch {
      // Another run is staging (or it is gone already).
    }
  }

  /** Every file under `dir` (relative to `root`), leaving out the staging folder. */
  function libraryFiles(dir = root): string[] {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (dir === root && e.name === STAGING_DIR) continue;
        out.push(...libraryFiles(full));
      } else out.push(path.relative(root, full));
    }
    return out;
  }

  return {
    root,
    async place(request: PublishRequest, owner: { publishKey: string; runId: string; orderLineId: string | null }): Promise<PlacedAsset> {
      const dir = path.relative(root, libraryFolder(root, request.folder));
      const taken = new Set<string>();
      const rel = freeName(path.join(dir, path.basename(request.main.file)), taken);
      taken.add(rel);
      await stage(request.main.file, owner.runId, rel);
      const attachments: MediaAsset['attachments'] = [];
      for (const a of request.attachments) {
        const name = freeName(path.join(dir, path.basename(a.file)), taken);
        taken.add(name);
        await stage(a.file, owner.runId, name);
        attachments.push({ role: a.role, file: name, sha256: a.sha256 });
      }
      const bytes = (await fs.promises.stat(staged(owner.runId, rel))).size;
      return {
        id: crypto.randomUUID(),
        publishKey: owner.publishKey,
        kind: request.kind,
        folder: request.folder,
        file: rel,
        format: request.main.format,
        sha256: request.main.sha256,
        bytes,
        width: request.main.width ?? null,
        height: request.main.height ?? null,
        durationSeconds: request.main.durationSeconds ?? null,
        frames: request.main.frames ?? null,
        attachments,
        runId: owner.runId,
        orderLineId: owner.orderLineId,
        nodeId: request.nodeId,
        createdAt: new Date().toISOString(),
      };
    },
    /** Writes the row (inside the caller's transaction). A key already published is not published twice. */
    insert(asset: PlacedAsset): MediaAsset {
      const existing = q.byKey.get(asset.publishKey);
      if (existing) return toAsset(existing);
      q.insert.run({ ...asset, attachments: JSON.stringify(asset.attachments) });
      return asset;
    },
    /**
     * After the transaction that inserted them commits: the staged files go to their places (an
     * asset whose key was already published is not: its staged copies go). In the same step.
     */
    moveIntoPlace(placed: readonly PlacedAsset[], committed: readonly MediaAsset[]): void {
      const runs = new Set<string>();
      placed.forEach((asset, i) => {
        runs.add(asset.runId);
        if (committed[i]?.id !== asset.id) return;
        for (const file of filesOf(asset)) moveStaged(asset.runId, file);
      });
      for (const runId of runs) removeStagingOf(runId);
    },
    /** Files a run staged and will not publish (no row was written). */
    discard(placed: readonly PlacedAsset[]): void {
      for (const a of placed) for (const file of filesOf(a)) fs.rmSync(staged(a.runId, file), { force: true });
      for (const runId of new Set(placed.map((a) => a.runId))) removeStagingOf(runId);
    },
    /**
     * At start: a staged run that is no longer running (`isLive` says which are) is finished off —
     * files its committed rows name are moved into place, the rest removed — and, with `sweep`, a
     * file in the library that no row names (a leftover of a kill before publishing was atomic, a
     * `.publishing-*` temp file) is removed. Answers what it moved and removed.
     */
    recover(isLive: (runId: string) => boolean, options: { sweep?: boolean } = {}): { moved: string[]; removed: string[] } {
      const moved: string[] = [];
      const removed: string[] = [];
      let runDirs: fs.Dirent[] = [];
      try {
        runDirs = fs.readdirSync(stagingRoot, { withFileTypes: true });
      } catch {
        // Nothing staged.
      }
      for (const entry of runDirs) {
        const runId = entry.name;
        if (entry.isDirectory() && isLive(runId)) continue;
        if (entry.isDirectory()) {
          const named = new Set(q.filesOfRun.all(runId).flatMap((r) => [r.file, ...(JSON.parse(r.attachments_json) as { file: string }[]).map((a) => a.file)]));
          for (const rel of fs.readdirSync(path.join(stagingRoot, runId), { recursive: true }) as string[]) {
            if (!fs.statSync(staged(runId, rel)).isFile()) continue;
            if (named.has(rel)) {
              moveStaged(runId, rel);
              moved.push(rel);
            } else removed.push(path.join(STAGING_DIR, runId, rel));
          }
        } else removed.push(path.join(STAGING_DIR, runId));
        fs.rmSync(path.join(stagingRoot, runId), { recursive: true, force: true });
      }
      try {
        fs.rmdirSync(stagingRoot);
      } catch {
        // Not empty (a live run stages) or not there.
      }
      if (options.sweep) {
        const named = new Set(q.allFiles.all().flatMap((r) => [r.file, ...(JSON.parse(r.attachments_json) as { file: string }[]).map((a) => a.file)]));
        for (const rel of libraryFiles()) {
          if (named.has(rel)) continue;
          fs.rmSync(path.join(root, rel), { force: true });
          removed.push(rel);
        }
      }
      return { moved, removed };
    },
    get: (id: string): MediaAsset | undefined => {
      const row = q.get.get(id);
      return row ? toAsset(row) : undefined;
    },
    /** Every asset (of a line): for the dispatcher and tests; lists use page(). */
    /** The assets of one order line (a line has a handful). */
    list: (orderLineId: string): MediaAsset[] => q.ofLine.all(orderLineId).map(toAsset),
    page(query: AssetsPageQuery): Page<MediaAsset> {
      const { rows, nextCursor } = keysetPage(db, assetsPageQuery(query));
      return { items: rows.map(toAsset), nextCursor };
    },
    absolute: (asset: Pick<MediaAsset, 'file'>): string => path.join(root, asset.file),
  };
}

export type MediaLibrary = ReturnType<typeof createMediaLibrary>;
