import fs from 'node:fs';
import path from 'node:path';
import { CadIngestError } from '../../../workers/cad/errors';
import { blenderFormatOf, FORMAT_LABEL, type BlenderFormat } from '../../../workers/cad/detect';
import type { CadMetadata } from '../../../workers/cad/convert';
import { METRES_PER_UNIT, type CadIngestOptions } from '../../../workers/cad/options';
import { resourcesDir } from '../../../workers/resources/paths';
import { lastMarkedLine, runBlender, SpawnError } from '../../../workers/blender/run-blender';

/** What a Blender import is asked: the file, its format, the GLB to write, and the scale for unitless PLY. */
export interface BlenderImportJob {
  input: string;
  format: BlenderFormat;
  out: string;
  scale: number;
}

/** Runs a mesh_import somewhere: the farm for workflow runs, a one-shot Blender for the CLI. Throws with Blender's reason. */
export type BlenderImporter = (job: BlenderImportJob) => Promise<void>;

/** The format of `file` when Blender must import it, from its first bytes; null otherwise. */
export async function blenderFormatOfFile(file: string): Promise<BlenderFormat | null> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(file, 'r');
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return blenderFormatOf(head.subarray(0, bytesRead));
  } catch {
    return null; // unreadable or a folder: convertCad says why
  } finally {
    await handle?.close();
  }
}

/** The job for `file`: PLY has no units, so its numbers are taken in mesh_units; FBX and Collada state theirs. */
export function blenderImportJob(file: string, format: BlenderFormat, out: string, options: CadIngestOptions): BlenderImportJob {
  return { input: file, format, out, scale: format === 'ply' ? METRES_PER_UNIT[options.mesh_units] : 1 };
}

/** A one-shot Blender running resources/blender/mesh_import.py (the farm's mesh_import job code). */
export function oneShotBlenderImporter(blenderPath: string, timeoutMs: number, env?: NodeJS.ProcessEnv, blenderEnv?: Record<string, string>, signal?: AbortSignal): BlenderImporter {
  return async (job) => {
    let result;
    try {
      result = await runBlender({
        binary: blenderPath,
        pythonScript: path.join(resourcesDir(), 'blender', 'mesh_import.py'),
        scriptArgs: ['--input', job.input, '--format', job.format, '--out', job.out, '--scale', String(job.scale)],
        timeoutMs,
        env,
        extraEnv: blenderEnv,
        signal,
      });
    } catch (error) {
      throw new Error(error instanceof SpawnError ? error.message : `cannot run Blender: ${(error as Error).message}`);
    }
    if (result.timedOut) throw new Error(`Blender did not finish the import within ${Math.round(timeoutMs / 1000)} s`);
    const reply = lastMarkedLine(result.stdout, 'LIGHTBOX_RESULT', result.nonce) as { ok?: boolean; error?: string } | null;
    if (!reply || reply.ok !== true || result.exitCode !== 0) throw new Error(reply?.error ?? `Blender exited with ${result.exitCode ?? result.signal} and no result line`);
  };
}

/** Turns a failed Blender import into the ingest's error, naming the format and the importer's reason. */
export function blenderImportError(file: string, format: BlenderFormat, error: unknown): CadIngestError {
  return new CadIngestError('CORRUPT', file, `${FORMAT_LABEL[format]} file could not be imported by Blender: ${(error as Error).message}`);
}

/** The GLB's metadata, told as the file the user gave: its name, its format, its units. */
export function relabel(metadata: CadMetadata, file: string, format: BlenderFormat, options: CadIngestOptions): CadMetadata {
  const ply = format === 'ply';
  return {
    ...metadata,
    file: path.basename(file),
    format,
    formatLabel: FORMAT_LABEL[format],
    sourceUnits: ply ? options.mesh_units : 'm',
    unitsAssumed: ply,
    notes: [
      ...metadata.notes,
      ply ? `PLY carries no units: assumed ${options.mesh_units}` : `${FORMAT_LABEL[format]} imported by Blender, which converted its units to metres`,
    ],
  };
}
