import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { CadFile } from '../../../shared/cad/api';
import { ApiFailure } from '../../../shared/contract/errors';
import type { CadMetadata, CadTaskRunner } from '../../execution/cad/ingest';
import type { ImageArtifact, MeshArtifact, MetadataArtifact } from '../../execution/executors/artifacts';
import { NodeError, type RunContext } from '../../execution/executors/context';
import type { RenderFarm } from '../../execution/farm/types';
import type { LegacyService } from '../../catalog/legacy/legacy-service';
import { nodeTypeOfService } from '../../catalog/legacy/pipeline-schema';
import { sha256File } from '../../platform/files/sha256-file';
import type { RunStore } from '../runs/run-store';
import { runChain, type ChainStep } from '../../execution/dispatch/run-chain';
import type { Tools } from '../../execution/dispatch/order-dispatcher';

/** The preset workflow a CAD file is ingested with (shipped; a studio may import its own under this key). */
export const CAD_PIPELINE = 'cad_ingest_default';

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

/** cad_file runs render nothing on the farm (make_thumbnail starts its own Blender). */
const NO_FARM: RenderFarm = {
  concurrency: 0,
  runJob: () => Promise.reject(new NodeError('a cad_file workflow does not render on the farm')),
  cancelRun: () => 0,
  close: async () => {},
};

export interface CadLibraryDeps {
  db: Database.Database;
  dataDir: string;
  runs: RunStore;
  legacy: LegacyService;
  tools: () => Promise<Tools>;
  cadRunner?: CadTaskRunner;
  timeoutMs?: number;
  onChange?: (file: CadFile) => void;
}

export interface CadImport {
  cadFile: CadFile;
  created: boolean;
  /** Resolves when the ingest has ended (ready or failed); never rejects. */
  done: Promise<CadFile>;
}

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
    all: db.prepare<[], Row>('SELECT * FROM cad_files ORDER BY created_at DESC, id'),
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
  };
  const inFlight = new Map<string, Promise<CadFile>>();
  const changed = (id: string): CadFile => {
    const file = toCadFile(q.get.get(id) as Row);
    deps.onChange?.(file);
    return file;
  };

  async function ingest(id: string): Promise<CadFile> {
    const row = q.get.get(id) as Row;
    const pipeline = deps.legacy.pipeline(CAD_PIPELINE);
    if (!pipeline || pipeline.family !== 'cad_file') {
      q.failed.run({ id, error: `the CAD ingest workflow "${CAD_PIPELINE}" is missing`, now: new Date().toISOString() });
      return changed(id);
    }
    const runId = runs.create({ family: 'cad_file', cadFileId: id, attempt: runs.ofCadFile(id).length + 1, mode: 'legacy', role: 'authoritative', pipelineKey: CAD_PIPELINE });
    const steps: ChainStep[] = pipeline.steps.map((step, i) => ({ nodeId: `step${i + 1}_${step.service}`, nodeType: nodeTypeOfService(step.service), settings: structuredClone(step.options ?? {}), onError: step.on_error ?? 'fail' }));
    let status: 'succeeded' | 'failed' | 'cancelled' = 'failed';
    let error: string | null = null;
    try {
      const tools = await deps.tools();
      const context: RunContext = {
        runId,
        mode: 'legacy',
        role: 'authoritative',
        farm: NO_FARM,
        tools: { ...tools, ...(deps.cadRunner ? { cadRunner: deps.cadRunner } : {}) },
        names: { order: '', line: '', cad: path.basename(row.name, path.extname(row.name)), preset: CAD_PIPELINE },
        draft: {},
        timeoutMs: deps.timeoutMs ?? 10 * 60_000,
        signal: new AbortController().signal,
        selfPublish: false,
        cadSource: { type: 'cad_source', cadFileId: id, file: row.source_path, name: row.name },
        resolveCad: () => {
          throw new NodeError('a cad_file workflow has no order line');
        },
        publish: () => Promise.reject(new NodeError('a cad_file workflow publishes no media asset')),
        notify: () => {
          throw new NodeError('a cad_file workflow sends no notification');
        },
        recordRender: () => {},
        blenderVersion: async () => null,
      };
      const result = await runChain({ run: context, inputNode: 'input_cad_file', steps, runs, workRoot: path.join(deps.dataDir, 'runs', runId) });
      status = result.status;
      error = result.error;
      const byType = (type: string) => steps.filter((s) => s.nodeType === type).map((s) => result.outputs.get(s.nodeId)).find(Boolean);
      const mesh = byType('ingest_cad')?.mesh as MeshArtifact | undefined;
      if (status === 'succeeded' && mesh) {
        // The library keeps its own copies: run folders are work space.
        const dir = path.join(root, row.sha256);
        const glb = path.join(dir, 'model.glb');
        await fs.promises.copyFile(mesh.glb, glb);
        const thumbnail = byType('make_thumbnail')?.image as ImageArtifact | undefined;
        let thumb: string | null = null;
        if (thumbnail) {
          thumb = path.join(dir, 'thumbnail.png');
          await fs.promises.copyFile(thumbnail.file, thumb);
        }
        const metadata: CadMetadata | null = (byType('extract_metadata')?.metadata as MetadataArtifact | undefined)?.metadata ?? mesh.metadata;
        q.ready.run({ id, format: metadata?.format ?? null, glb, glbSha: mesh.glbSha256, metadata: JSON.stringify(metadata), thumb, now: new Date().toISOString() });
      } else if (status === 'succeeded') {
        status = 'failed';
        error = `the ingest workflow "${CAD_PIPELINE}" produced no mesh`;
      }
    } catch (caught) {
      status = 'failed';
      error = (caught as Error).message;
    }
    // Errors name the file the user imported, not where the library keeps its copy.
    if (error) error = error.split(row.source_path).join(row.name);
    runs.finish(runId, status, status === 'succeeded' ? undefined : { step: null, message: error ?? status });
    if (status !== 'succeeded') q.failed.run({ id, error: error ?? 'ingest failed', now: new Date().toISOString() });
    return changed(id);
  }

  function begin(id: string): Promise<CadFile> {
    const running = ingest(id).finally(() => inFlight.delete(id));
    inFlight.set(id, running);
    return running;
  }

  return {
    root,
    /** Stores a copy of `file` (same bytes → the same library entry) and ingests it in the background. */
    async importFile(file: string, name = path.basename(file)): Promise<CadImport> {
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(file);
      } catch {
        throw new ApiFailure('cad_unreadable', `${name}: file does not exist or cannot be read`, 'file');
      }
      if (!stat.isFile()) throw new ApiFailure('cad_unreadable', `${name}: is not a regular file`, 'file');
      if (stat.size === 0) throw new ApiFailure('cad_empty', `${name}: the file is empty`, 'file');
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
    list: (): CadFile[] => q.all.all().map(toCadFile),
    get(id: string): CadFile {
      const row = q.get.get(id);
      if (!row) throw new ApiFailure('not_found', `no CAD file "${id}" in the library`, 'id');
      return toCadFile(row);
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
}

export type CadLibrary = ReturnType<typeof createCadLibrary>;
