import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Piscina from 'piscina';
import { CadIngestError } from '../../../workers/cad/errors';
import { runCadTask, type CadMetadata, type CadTask, type CadTaskResult } from '../../../workers/cad/convert';
import { cadIngestOptionsSchema, type CadIngestOptionsInput } from '../../../workers/cad/options';
import { findTool } from '../../platform/tools/find-executable';
import { renderCadThumbnail } from './thumbnail';
import { blenderFormatOfFile, blenderImportError, blenderImportJob, oneShotBlenderImporter, relabel, type BlenderImporter } from './blender-import';

export { CadIngestError } from '../../../workers/cad/errors';
export type { CadIngestErrorCode } from '../../../workers/cad/errors';
export type { CadMetadata } from '../../../workers/cad/convert';
export type { CadIngestOptionsInput } from '../../../workers/cad/options';

/** Runs one conversion task somewhere: a piscina worker in the app, in-process in tests. */
export type CadTaskRunner = (task: CadTask) => Promise<CadTaskResult>;

/** In this thread: for tests (vitest runs the TypeScript sources, which a worker thread cannot load) and tools. */
export const inlineCadRunner: CadTaskRunner = runCadTask;

export interface CadWorkerPool {
  run: CadTaskRunner;
  close(): Promise<void>;
}

/**
 * The bundled worker next to the bundled main code (dist/main/*.mjs → dist/workers/cad/...),
 * or null when running from TypeScript sources, where a stale dist/ build must not be used.
 */
export function bundledWorkerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.mjs') && !here.endsWith('.js')) return null;
  const file = fileURLToPath(new URL('../workers/cad/tessellate.worker.mjs', import.meta.url));
  return fs.existsSync(file) ? file : null;
}

export interface CadWorkerLimits {
  /** The worker's JS heap cap in MiB (V8 resourceLimits); past it the worker ends with ERR_WORKER_OUT_OF_MEMORY. */
  maxHeapMb?: number;
  /** Per file: past it the task is aborted and its worker terminated. */
  timeoutMs?: number;
}

const DEFAULT_LIMITS = cadIngestOptionsSchema.parse({});

/**
 * A piscina pool running workers/cad/tessellate.worker; `filename` defaults to the bundled one.
 * Every worker runs with a heap cap and every task with a time limit: a hostile or huge file
 * ends its worker with an error that says which limit it hit, and never takes the app down.
 */
export function createCadWorkerPool(options: { filename?: string; maxThreads?: number } & CadWorkerLimits = {}): CadWorkerPool {
  const filename = options.filename ?? bundledWorkerFile();
  if (!filename) throw new Error('the CAD worker is not built (dist/workers/cad/tessellate.worker.mjs); run npm run build');
  const maxHeapMb = options.maxHeapMb ?? DEFAULT_LIMITS.worker_heap_mb;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS.worker_timeout_ms;
  const pool = new Piscina<CadTask, CadTaskResult>({
    filename,
    maxThreads: options.maxThreads ?? 2,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(maxHeapMb / 8))) },
  });
  return {
    run: async (task) => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await pool.run(task, { signal });
      } catch (error) {
        // The worker itself was ended (a limit, a WASM abort escaping): still an ingest error, named.
        const code = (error as NodeJS.ErrnoException).code;
        const reason = signal.aborted
          ? `the CAD worker timed out: no result within ${formatMs(timeoutMs)} (the limit per file); the worker was ended`
          : code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the CAD worker ran out of memory (ERR_WORKER_OUT_OF_MEMORY: over its ${maxHeapMb} MiB heap limit); the worker was ended`
            : `the CAD worker failed: ${(error as Error).message}`;
        return { ok: false, error: { code: 'WORKER_FAILED', file: task.file, reason } };
      }
    },
    close: () => pool.destroy(),
  };
}

const formatMs = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export interface IngestCadInput {
  file: string;
  outDir: string;
  options?: CadIngestOptionsInput;
  /** Blender for the thumbnail; when absent it is looked up (BLENDER_PATH, then PATH). */
  blenderPath?: string;
  /** false: skip the thumbnail (thumbnailPath null, no error). Default true. */
  thumbnail?: boolean;
  /** Where conversion runs; default: a one-off piscina pool when the worker is built, else in-process. */
  runner?: CadTaskRunner;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for Blender (Settings → blenderEnv). */
  blenderEnv?: Record<string, string>;
  signal?: AbortSignal;
  /** Where PLY, FBX and Collada go through Blender's importers: the farm in a workflow run; default a one-shot Blender. */
  blenderImport?: BlenderImporter;
}

export interface IngestCadResult {
  glbPath: string;
  glbSha256: string;
  glbBytes: number;
  metadata: CadMetadata;
  thumbnailPath: string | null;
  /** Why there is no thumbnail, when one was wanted; the ingest itself still succeeded. */
  thumbnailError?: string;
}

function tempName(outDir: string, finalName: string): string {
  return path.join(outDir, `.${finalName}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
}

async function rmQuiet(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true }).catch(() => {});
}

/**
 * ingest_cad + extract_metadata + make_thumbnail for one CAD file: writes `<name>.glb` and
 * `<name>.png` into outDir. Input problems throw CadIngestError and leave nothing in outDir:
 * outputs are written under temp names and renamed into place only when complete.
 */
export async function ingestCad(input: IngestCadInput): Promise<IngestCadResult> {
  const options = cadIngestOptionsSchema.parse(input.options ?? {});
  const env = input.env ?? process.env;
  try {
    await fs.promises.mkdir(input.outDir, { recursive: true });
  } catch (error) {
    throw new CadIngestError('WRITE_FAILED', input.file, `cannot create output folder ${input.outDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const base = path.basename(input.file, path.extname(input.file)) || 'part';
  const glbPath = path.join(input.outDir, `${base}.glb`);
  const glbTemp = tempName(input.outDir, `${base}.glb`);

  let pool: CadWorkerPool | null = null;
  let runner = input.runner;
  if (!runner) {
    const worker = bundledWorkerFile();
    pool = worker ? createCadWorkerPool({ filename: worker, maxThreads: 1, maxHeapMb: options.worker_heap_mb, timeoutMs: options.worker_timeout_ms }) : null;
    runner = pool?.run ?? inlineCadRunner;
  }
  // PLY, FBX and Collada: Blender's own importers write a GLB, which is ingested like any GLB.
  const viaBlender = await blenderFormatOfFile(input.file);
  let source = input.file;
  const importTemp = `${tempName(input.outDir, `${base}.import`)}.glb`;
  if (viaBlender) {
    try {
      let importer = input.blenderImport;
      if (!importer) {
        const blender = input.blenderPath ?? (await findTool('blender', null, env));
        if (typeof blender !== 'string' && !blender.found) throw new Error(`Blender is needed to read it: ${blender.problem}`);
        importer = oneShotBlenderImporter(typeof blender === 'string' ? blender : blender.path, options.thumbnail_timeout_ms, env, input.blenderEnv, input.signal);
      }
      await importer(blenderImportJob(input.file, viaBlender, importTemp, options));
      source = importTemp;
    } catch (error) {
      await rmQuiet(importTemp);
      throw blenderImportError(input.file, viaBlender, error);
    }
  }

  let result: CadTaskResult;
  try {
    result = await runner({ file: source, options, outPath: glbTemp });
    if (viaBlender && result.ok) result = { ...result, metadata: relabel(result.metadata, input.file, viaBlender, options) };
    if (viaBlender && !result.ok) result = { ok: false, error: { ...result.error, file: input.file } };
    if (result.ok) await fs.promises.rename(glbTemp, glbPath);
  } catch (error) {
    throw new CadIngestError('WRITE_FAILED', input.file, `cannot write ${glbPath}: ${(error as Error).message}`);
  } finally {
    await rmQuiet(glbTemp);
    await rmQuiet(importTemp);
    await pool?.close();
  }
  if (!result.ok) throw new CadIngestError(result.error.code, result.error.file, result.error.reason);

  const ingested: IngestCadResult = { glbPath, glbSha256: result.glbSha256, glbBytes: result.glbBytes, metadata: result.metadata, thumbnailPath: null };
  if (input.thumbnail === false) return ingested;

  let blender = input.blenderPath;
  if (!blender) {
    const found = await findTool('blender', null, env);
    if (!found.found) return { ...ingested, thumbnailError: `no thumbnail: ${found.problem}` };
    blender = found.path;
  }
  const pngPath = path.join(input.outDir, `${base}.png`);
  const pngTemp = `${tempName(input.outDir, `${base}.png`)}.png`;
  try {
    const thumb = await renderCadThumbnail({ blenderPath: blender, glbPath, outPath: pngTemp, sizePx: options.size_px, timeoutMs: options.thumbnail_timeout_ms, env, blenderEnv: input.blenderEnv, signal: input.signal });
    if (!thumb.ok) return { ...ingested, thumbnailError: thumb.error };
    await fs.promises.rename(pngTemp, pngPath);
    return { ...ingested, thumbnailPath: pngPath };
  } catch (error) {
    return { ...ingested, thumbnailError: `thumbnail could not be saved: ${(error as Error).message}` };
  } finally {
    await rmQuiet(pngTemp);
  }
}
