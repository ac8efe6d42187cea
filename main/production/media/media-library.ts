import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { MediaAsset } from '../../../shared/media/api';
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

/** `folder` inside `root`, or an error: a preset's publish.folder never escapes the library. */
export function libraryFolder(root: string, folder: string): string {
  const base = path.resolve(root);
  const dir = path.resolve(base, folder);
  if (dir !== base && !dir.startsWith(base + path.sep)) throw new Error(`publish folder "${folder}" escapes the media library`);
  return dir;
}

/**
 * The media library: published files under `root`, one row per asset. Publishing is two steps
 * so it can be exactly once: `place` puts the files in (copy to a temp name, fsync, rename),
 * then `insert` writes the row inside the caller's transaction. A crash between the two leaves
 * a file without a row, which the next publish of that name simply replaces.
 */
export function createMediaLibrary(db: Database.Database, root: string) {
  const q = {
    byFile: db.prepare<[string], { id: string }>('SELECT id FROM media_assets WHERE file = ?'),
    byKey: db.prepare<[string], Row>('SELECT * FROM media_assets WHERE publish_key = ?'),
    get: db.prepare<[string], Row>('SELECT * FROM media_assets WHERE id = ?'),
    all: db.prepare<[], Row>('SELECT * FROM media_assets ORDER BY created_at DESC, id'),
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

  async function copyInto(source: string, rel: string): Promise<void> {
    const dest = path.join(root, rel);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    const temp = path.join(path.dirname(dest), `.publishing-${crypto.randomBytes(6).toString('hex')}`);
    try {
      await fs.promises.copyFile(source, temp);
      const handle = await fs.promises.open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(temp, dest);
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  return {
    root,
    async place(request: PublishRequest, owner: { publishKey: string; runId: string; orderLineId: string | null }): Promise<PlacedAsset> {
      const dir = path.relative(root, libraryFolder(root, request.folder));
      const taken = new Set<string>();
      const rel = freeName(path.join(dir, path.basename(request.main.file)), taken);
      taken.add(rel);
      await copyInto(request.main.file, rel);
      const attachments: MediaAsset['attachments'] = [];
      for (const a of request.attachments) {
        const name = freeName(path.join(dir, path.basename(a.file)), taken);
        taken.add(name);
        await copyInto(a.file, name);
        attachments.push({ role: a.role, file: name, sha256: a.sha256 });
      }
      const bytes = (await fs.promises.stat(path.join(root, rel))).size;
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
    get: (id: string): MediaAsset | undefined => {
      const row = q.get.get(id);
      return row ? toAsset(row) : undefined;
    },
    list: (orderLineId?: string): MediaAsset[] => (orderLineId ? q.ofLine.all(orderLineId) : q.all.all()).map(toAsset),
    absolute: (asset: Pick<MediaAsset, 'file'>): string => path.join(root, asset.file),
  };
}

export type MediaLibrary = ReturnType<typeof createMediaLibrary>;
