import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { CadFile } from '../../../shared/cad/api';
import { ApiFailure } from '../../../shared/contract/errors';
import type { CadMetadata } from '../../../workers/cad/convert';
import type { RunStore } from '../runs/run-store';
import { sha256File } from '../../platform/files/sha256-file';
import { confineToDataDir } from '../../platform/data-dir/confine';
import { createOrderStore } from '../orders/order-store';
import { zipFolder } from './folder-zip';
import type { Page } from '../../../shared/paging/page';
import { keysetPage, searchClause, type KeysetQuery } from '../../platform/db/keyset-page';

/** The library's copy of a CAD file, as an ingest sees it. */
export interface IngestSubject {
  id: string;
  name: string;
  sourcePath: string;
  sha256: string;
}

/** What an ingest answers: on success, the files and facts the library keeps a copy of. */
export interface IngestOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  result?: { glbPath: string; glbSha256: string; metadata: CadMetadata | null; thumbnailPath: string | null };
}

/** Runs the bound cad_file workflow on a library file (execution/cad-import provides it). */
export type CadIngester = (file: IngestSubject) => Promise<IngestOutcome>;

type Row = {
  id: string;
  sha256: string;
  name: string;
  format: string | null;
  bytes: number;
  source_path: string;
  status: CadFile['status'];
  error: string | null;
  glb_path: string | null;
  glb_sha256: string | null;
  metadata_json: string | null;
  thumbnail_path: string | null;
  created_at: string;
  updated_at: string;
};

const toCadFile = (r: Row): CadFile => ({
  id: r.id,
  sha256: r.sha256,
  name: r.name,
  format: r.format,
  bytes: r.bytes,
  status: r.status,
  error: r.error,
  glbSha256: r.glb_sha256,
  metadata: r.metadata_json ? (JSON.parse(r.metadata_json) as CadFile['metadata']) : null,
  hasThumbnail: r.thumbnail_path !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface CadPageQuery {
  status?: CadFile['status'] | undefined;
  format?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The keyset query of a page of the library, newest first (exported for EXPLAIN QUERY PLAN in tests). */
export function cadPageQuery(query: CadPageQuery): KeysetQuery<Row> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [clause, value] of [['status = ?', query.status], ['format = ?', query.format]] as const) {
    if (value === undefined) continue;
    where.push(clause);
    params.push(value);
  }
  const search = searchClause(['name', 'id'], query.q);
  if (search) {
    where.push(search.sql);
    params.push(...search.params);
  }
  return { list: 'cad.list', select: 'SELECT * FROM cad_files', where, params, sortBy: ['created_at', 'id'], limit: query.limit, cursor: query.cursor, keyOf: (r) => [r.created_at, r.id] };
}

export interface CadLibraryDeps {
  db: Database.Database;
  dataDir: string;
  runs: RunStore;
  ingest: CadIngester;
  onChange?: (file: CadFile) => void;
  /** The size cap (Settings → cadMaxFileMiB): a larger file is refused before it is copied or parsed. */
  maxBytes?: () => number;
}

export interface CadImport {
  cadFile: CadFile;
  created: boolean;
  /** Resolves when the ingest has ended (ready or failed); never rejects. */
  done: Promise<CadFile>;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The CAD library: files deduplicated by the sha256 of their bytes, kept in the data directory
 * (`cad/<sha256>/`), ingested by the cad_file pipeline through the same executors as any run.
 */
export function createCadLibrary(deps: CadLibraryDeps) {
  const { db, runs } = deps;
  const root = path.join(deps.dataDir, 'cad');
  const q = {
    bySha: db.prepare<[string], Row>('SELECT * FROM cad_files WHERE sha256 = ?'),
    get: db.prepare<[string], Row>('SELECT * FROM cad_files WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO cad_files (id, sha256, name, format, bytes, source_path, status, created_at, updated_at)
       VALUES (@id, @sha256, @name, NULL, @bytes, @sourcePath, 'ingesting', @now, @now)`,
    ),
    restart: db.prepare(`UPDATE cad_files SET status = 'ingesting', error = NULL, updated_at = @now WHERE id = @id`),
    ready: db.prepare(
      `UPDATE cad_files SET status = 'ready', error = NULL, format = @format, glb_path = @glb, glb_sha256 = @glbSha, metadata_json = @metadata, thumbnail_path = @thumb, updated_at = @now WHERE id = @id`,
    ),
    failed: db.prepare(`UPDATE cad_files SET status = 'failed', error = @error, updated_at = @now WHERE id = @id`),
    stale: db.prepare<[], Row>(`SELECT * FROM cad_files WHERE status = 'ingesting'`),
    running: db.prepare<[string], { id: string }>(`SELECT id FROM workflow_runs WHERE cad_file_id = ? AND status = 'running'`),
    // Runs are history: they stay listed, without the file they ran on.
    unlinkRuns: db.prepare<[string]>('UPDATE workflow_runs SET cad_file_id = NULL WHERE cad_file_id = ?'),
    remove: db.prepare<[string]>('DELETE FROM cad_files WHERE id = ?'),
  };
  const orders = createOrderStore(db);
  const rowOrThrow = (id: string): Row => {
    const row = q.get.get(id);
    if (!row) throw new ApiFailure('not_found', `no CAD file "${id}" in the library`, 'id');
    return row;
  };
  const inFlight = new Map<string, Promise<CadFile>>();
  const changed = (id: string): CadFile => {
    const file = toCadFile(q.get.get(id) as Row);
    deps.onChange?.(file);
    return file;
  };

  async function ingest(id: string): Promise<CadFile> {
    const row = q.get.get(id) as Row;
    let outcome: IngestOutcome;
    try {
      outcome = await deps.ingest({ id, name: row.name, sourcePath: row.source_path, sha256: row.sha256 });
    } catch (caught) {
      outcome = { status: 'failed', error: (caught as Error).message };
    }
    let error = outcome.error;
    if (outcome.status === 'succeeded' && outcome.result) {
      try {
        // The library keeps its own copies: run folders are work space.
        const dir = path.join(root, row.sha256);
        const glb = path.join(dir, 'model.glb');
        await fs.promises.copyFile(outcome.result.glbPath, glb);
        let thumb: string | null = null;
        if (outcome.result.thumbnailPath) {
          thumb = path.join(dir, 'thumbnail.png');
          await fs.promises.copyFile(outcome.result.thumbnailPath, thumb);
        }
        const metadata = outcome.result.metadata;
        q.ready.run({ id, format: metadata?.format ?? null, glb, glbSha: outcome.result.glbSha256, metadata: JSON.stringify(metadata), thumb, now: new Date().toISOString() });
        return changed(id);
      } catch (caught) {
        error = (caught as Error).message;
      }
    }
    // Errors name the file the user imported, not where the library keeps its copy.
    const message = (error ?? 'ingest failed').split(row.source_path).join(row.name);
    q.failed.run({ id, error: message, now: new Date().toISOString() });
    return changed(id);
  }

  function begin(id: string): Promise<CadFile> {
    const running = ingest(id).finally(() => inFlight.delete(id));
    inFlight.set(id, running);
    return running;
  }

  /** A folder (a multi-file STEP assembly) is kept as one zip of its files, named after it. */
  async function importFolder(dir: string, name: string): Promise<CadImport> {
    let zip: Uint8Array;
    try {
      zip = await zipFolder(dir, deps.maxBytes?.() ?? Number.MAX_SAFE_INTEGER);
    } catch (error) {
      throw new ApiFailure('cad_unreadable', `${name}: ${(error as Error).message}`, 'file');
    }
    await fs.promises.mkdir(root, { recursive: true });
    const temp = path.join(root, `.folder-${crypto.randomBytes(6).toString('hex')}.zip`);
    await fs.promises.writeFile(temp, zip);
    try {
      return await library.importFile(temp, `${name}.zip`);
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  const library = {
    root,
    /** Stores a copy of `file` (same bytes → the same library entry; a folder is zipped first) and ingests it in the background. */
    async importFile(file: string, name = path.basename(file)): Promise<CadImport> {
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(file);
      } catch {
        throw new ApiFailure('cad_unreadable', `${name}: file does not exist or cannot be read`, 'file');
      }
      if (stat.isDirectory()) return importFolder(file, name);
      if (!stat.isFile()) throw new ApiFailure('cad_unreadable', `${name}: is not a regular file`, 'file');
      if (stat.size === 0) throw new ApiFailure('cad_empty', `${name}: the file is empty`, 'file');
      const maxBytes = deps.maxBytes?.();
      if (maxBytes !== undefined && stat.size > maxBytes) {
        throw new ApiFailure('cad_too_large', `${name}: the file is ${mib(stat.size)}, over the ${mib(maxBytes)} limit (Settings → cadMaxFileMiB)`, 'file');
      }
      const sha256 = await sha256File(file);
      const existing = q.bySha.get(sha256);
      if (existing) {
        const pending = inFlight.get(existing.id);
        if (pending) return { cadFile: toCadFile(existing), created: false, done: pending };
        // A failed ingest is tried again when the same file is imported again.
        if (existing.status !== 'failed') return { cadFile: toCadFile(existing), created: false, done: Promise.resolve(toCadFile(existing)) };
        q.restart.run({ id: existing.id, now: new Date().toISOString() });
        return { cadFile: changed(existing.id), created: false, done: begin(existing.id) };
      }
      const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'model';
      const dir = path.join(root, sha256);
      await fs.promises.mkdir(dir, { recursive: true });
      const sourcePath = path.join(dir, safe);
      const temp = `${sourcePath}.${crypto.randomBytes(4).toString('hex')}.part`;
      await fs.promises.copyFile(file, temp);
      await fs.promises.rename(temp, sourcePath);
      const id = `cad_${sha256.slice(0, 16)}`;
      q.insert.run({ id, sha256, name, bytes: stat.size, sourcePath, now: new Date().toISOString() });
      return { cadFile: changed(id), created: true, done: begin(id) };
    },
    /** Every file: for tools and tests; the library page uses page(). */
    page(query: CadPageQuery): Page<CadFile> {
      const { rows, nextCursor } = keysetPage(db, cadPageQuery(query));
      return { items: rows.map(toCadFile), nextCursor };
    },
    /** Counts per status, from the (status, …) index. */
    summary(): { total: number; ingesting: number; ready: number; failed: number } {
      const counts = { total: 0, ingesting: 0, ready: 0, failed: 0 };
      for (const row of db.prepare<[], { status: CadFile['status']; n: number }>('SELECT status, count(*) AS n FROM cad_files GROUP BY status').all()) {
        counts[row.status] = row.n;
        counts.total += row.n;
      }
      return counts;
    },
    /** Names by id, for lists that show a row's CAD file (one indexed lookup per id). */
    namesOf(ids: readonly string[]): Map<string, string> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const rows = db.prepare<string[], { id: string; name: string }>(`SELECT id, name FROM cad_files WHERE id IN (${unique.map(() => '?').join(',')})`).all(...unique);
      return new Map(rows.map((r) => [r.id, r.name]));
    },
    get: (id: string): CadFile => toCadFile(rowOrThrow(id)),
    /**
     * Removes a file from the library with its stored copies (`cad/<sha256>/`, inside the data
     * directory only). Refused while it is ingesting or used by order lines, naming them.
     */
    async delete(id: string): Promise<{ deleted: true; id: string; name: string }> {
      const row = rowOrThrow(id);
      if (inFlight.has(id) || row.status === 'ingesting' || q.running.get(id)) {
        throw new ApiFailure('busy', `${row.name} is being ingested or run right now; delete it once that has ended`, 'id');
      }
      const uses = orders.usesOfCadFile(id);
      if (uses.count > 0) {
        const names = uses.first.map((l) => `${l.id} (line ${l.lineNo} of order ${l.orderId})`);
        const more = uses.count > names.length ? ` and ${uses.count - names.length} more` : '';
        throw new ApiFailure('cad_in_use', `${row.name} is used by ${uses.count} order ${uses.count === 1 ? 'line' : 'lines'}: ${names.join(', ')}${more}; it cannot be deleted`, 'id');
      }
      // Only the file's own folder under the library, whatever the row says.
      const dir = confineToDataDir(deps.dataDir, path.join('cad', row.sha256), 'id');
      if (path.dirname(dir) !== path.resolve(root)) throw new ApiFailure('path_outside_data_dir', `${row.name}: its stored folder is not inside the CAD library`, 'id');
      db.transaction(() => {
        q.unlinkRuns.run(id);
        q.remove.run(id);
      })();
      await fs.promises.rm(dir, { recursive: true, force: true });
      return { deleted: true, id, name: row.name };
    },
    /** Ingests a failed file again from the library's copy of its original; progress comes as for an import. */
    retry(id: string): CadImport {
      const row = rowOrThrow(id);
      const pending = inFlight.get(id);
      if (pending) return { cadFile: toCadFile(row), created: false, done: pending };
      if (row.status !== 'failed') throw new ApiFailure('not_failed', `${row.name} is ${row.status}; only a failed import is tried again`, 'id');
      if (!fs.existsSync(row.source_path)) throw new ApiFailure('cad_unreadable', `${row.name}: the library's copy of the original is gone; delete it and import the file again`, 'id');
      q.restart.run({ id, now: new Date().toISOString() });
      return { cadFile: changed(id), created: false, done: begin(id) };
    },
    thumbnailPath: (id: string): string | null => q.get.get(id)?.thumbnail_path ?? null,
    /** Ingests left 'ingesting' by a process that ended are failed, to be imported again. */
    recover(): void {
      for (const row of q.stale.all()) {
        if (inFlight.has(row.id)) continue;
        const live = runs.ofCadFile(row.id).some((r) => r.status === 'running' && runs.ownerAlive(r));
        if (!live) q.failed.run({ id: row.id, error: 'the ingest was interrupted (its process ended); import the file again', now: new Date().toISOString() });
      }
    },
  };
  return library;
}

export type CadLibrary = ReturnType<typeof createCadLibrary>;
