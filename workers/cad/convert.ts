import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from '@gltf-transform/core';
import { CadIngestError, serializeCadError, type SerializedCadError } from './errors';
import { detectFormat, FORMAT_LABEL, type CadFormat } from './detect';
import { boundingBoxMm, describeParts, type BoundingBoxMm, type CadPart } from './describe';
import { cadIngestOptionsSchema, METRES_PER_UNIT, type CadIngestOptions, type CadIngestOptionsInput } from './options';
import { parseStep, type StepParse } from './parse-step';
import { parseIges } from './parse-iges';
import { parseBrep } from './parse-brep';
import { externalReferences, parseStepSet } from './step-assembly';
import { readFolderSet, readZipSet } from './file-set';
import { parse3mf } from './parse-3mf';
import { parse3dm } from './parse-3dm';
import { parseAsciiStl, parseBinaryStl } from './parse-stl';
import { parseObj } from './parse-obj';
import { mergeBuffers, parseGlb, parseGltf, quietIO } from './parse-gltf';

export interface CadMetadata {
  /** The input's base name. */
  file: string;
  /** Detected from the content, not the extension. */
  format: CadFormat;
  formatLabel: string;
  /** Length unit of the source ("mm", "in", "m", ...; "unknown" for a STEP declaring none). The GLB is always in metres. */
  sourceUnits: string;
  /** True when the format has no units (STL, OBJ) and `mesh_units` was assumed. */
  unitsAssumed: boolean;
  /** One per glTF mesh: for STEP one per part instance, for STL the whole file, for OBJ each o/g. */
  parts: CadPart[];
  partCount: number;
  triangleCount: number;
  bboxMm: BoundingBoxMm;
  /** STEP only: the tessellation tolerances used. */
  tessellation?: { linear_deflection_mm: number; angular_deflection_deg: number };
  /** Things the user should know: assumed units, mislabelled extension, mixed STEP units. */
  notes: string[];
}

export interface ConvertedCad {
  glb: Uint8Array;
  metadata: CadMetadata;
}

/** A file's bytes, or for a folder (a multi-file STEP assembly) the files in it by name. */
async function readInput(file: string, maxBytes: number): Promise<Buffer | Map<string, Buffer>> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CadIngestError('UNREADABLE', file, code === 'ENOENT' ? 'file does not exist' : `file cannot be read (${code ?? (error as Error).message})`);
  }
  if (stat.isDirectory()) return readFolderSet(file, maxBytes);
  if (!stat.isFile()) throw new CadIngestError('UNREADABLE', file, 'is not a regular file');
  if (stat.size === 0) throw new CadIngestError('EMPTY', file, 'file is empty (0 bytes)');
  if (stat.size > maxBytes) {
    throw new CadIngestError('TOO_LARGE', file, `file is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit`);
  }
  try {
    return await fs.promises.readFile(file);
  } catch (error) {
    throw new CadIngestError('UNREADABLE', file, `file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

/**
 * Reads any supported CAD file and answers the normalized GLB (metres, part names, hierarchy,
 * colors) and its metadata. Throws CadIngestError for every input problem. Pure CPU and file
 * reads: runs on a worker thread in the app, in-process in unit tests.
 */
export async function convertCad(file: string, optionsInput: CadIngestOptionsInput = {}): Promise<ConvertedCad> {
  const options: CadIngestOptions = cadIngestOptionsSchema.parse(optionsInput);
  const input = await readInput(file, options.max_size_bytes);
  const detection = input instanceof Map ? { format: 'step-set' as const } : detectFormat(input, file, options.allow_mislabelled);
  const notes = detection.note ? [detection.note] : [];
  const baseName = path.basename(file, path.extname(file)) || 'part';
  const meshScale = METRES_PER_UNIT[options.mesh_units];
  const assumed = `${FORMAT_LABEL[detection.format]} carries no units: assumed ${options.mesh_units}`;
  const occtOptions = { linearDeflectionMm: options.linear_deflection_mm, angularDeflectionDeg: options.angular_deflection_deg };
  const data = input instanceof Map ? Buffer.alloc(0) : input;

  let doc!: Document; // set by every case below (fromOcct included), or the switch throws
  let sourceUnits!: string;
  let unitsAssumed = false;
  let tessellation: CadMetadata['tessellation'];
  const fromOcct = (parsed: StepParse) => {
    doc = parsed.builder.doc;
    sourceUnits = parsed.sourceUnits;
    notes.push(...parsed.notes);
    tessellation = { linear_deflection_mm: options.linear_deflection_mm, angular_deflection_deg: options.angular_deflection_deg };
  };
  switch (detection.format) {
    case 'step': {
      const step = await parseStep(data, file, occtOptions);
      if (step.occtMeshCount === 0) refuseLoneMaster(data, file);
      fromOcct(step);
      break;
    }
    case 'step-set':
      fromOcct(await parseStepSet(input instanceof Map ? input : readZipSet(data, file, options.max_size_bytes), file, occtOptions));
      break;
    case 'iges':
      fromOcct(await parseIges(data, file, occtOptions));
      break;
    case 'brep':
      fromOcct(await parseBrep(data, file, occtOptions, meshScale));
      sourceUnits = options.mesh_units;
      unitsAssumed = true;
      notes.push(assumed);
      break;
    case 'stl-binary':
    case 'stl-ascii':
      doc = (detection.format === 'stl-binary' ? parseBinaryStl : parseAsciiStl)(data, file, baseName, meshScale).doc;
      sourceUnits = options.mesh_units;
      unitsAssumed = true;
      notes.push(assumed);
      break;
    case 'obj':
      doc = parseObj(data, file, baseName, meshScale).doc;
      sourceUnits = options.mesh_units;
      unitsAssumed = true;
      notes.push(assumed);
      break;
    case 'glb':
    case 'gltf':
      doc = detection.format === 'glb' ? await parseGlb(data, file) : await parseGltf(data, file);
      mergeBuffers(doc);
      sourceUnits = 'm'; // glTF is metres by definition
      break;
    case '3mf': {
      const parsed = parse3mf(data, file);
      doc = parsed.builder.doc;
      sourceUnits = parsed.sourceUnits;
      notes.push(...parsed.notes);
      break;
    }
    case '3dm': {
      const parsed = await parse3dm(data, file, meshScale);
      doc = parsed.builder.doc;
      sourceUnits = parsed.sourceUnits;
      notes.push(...parsed.notes);
      break;
    }
    case 'ply':
    case 'fbx':
    case 'collada':
      // ingestCad hands these to Blender's importers first (blender-import.ts); the GLB comes here.
      throw new CadIngestError('UNKNOWN_FORMAT', file, `${FORMAT_LABEL[detection.format]} is read through Blender's importer: ingest it with lightbox cad ingest, the CAD library or a cad_file workflow`);
  }

  const parts = describeParts(doc);
  const triangleCount = parts.reduce((sum, p) => sum + p.triangles, 0);
  const bboxMm = boundingBoxMm(doc);
  if (triangleCount === 0 || bboxMm === null) {
    throw new CadIngestError('ZERO_TRIANGLES', file, `${FORMAT_LABEL[detection.format]} file has no triangles: nothing to render`);
  }
  let glb: Uint8Array;
  try {
    glb = await quietIO().writeBinary(doc);
  } catch (error) {
    throw new CadIngestError('CORRUPT', file, `the normalized GLB could not be written: ${(error as Error).message}`);
  }
  return {
    glb,
    metadata: {
      file: path.basename(file),
      format: detection.format,
      formatLabel: FORMAT_LABEL[detection.format],
      sourceUnits,
      unitsAssumed,
      parts,
      partCount: parts.length,
      triangleCount,
      bboxMm,
      ...(tessellation ? { tessellation } : {}),
      notes,
    },
  };
}

/** A STEP file without shapes of its own that names the files holding them: say so, and which. */
function refuseLoneMaster(data: Buffer, file: string): void {
  const references = externalReferences(data);
  if (references.length === 0) return;
  throw new CadIngestError(
    'EXTERNAL_ASSEMBLY',
    file,
    `STEP file is an assembly of external files: its parts are in ${references.join(', ')}, which were not given; import it together with them (a folder or a .zip holding them all)`,
  );
}

export interface CadTask {
  file: string;
  options: CadIngestOptionsInput;
  /** Where the GLB goes; the caller renames it into place, so it is a temp name. */
  outPath: string;
}

export type CadTaskResult = { ok: true; metadata: CadMetadata; glbSha256: string; glbBytes: number } | { ok: false; error: SerializedCadError };

/**
 * convertCad plus the write: the GLB bytes stay on the thread that made them (no copy back to
 * the main thread). Never throws: errors come back as data, since Error subclasses and their
 * fields do not survive the worker boundary. A failed write removes its partial file.
 */
export async function runCadTask(task: CadTask): Promise<CadTaskResult> {
  let converted: ConvertedCad;
  try {
    converted = await convertCad(task.file, task.options);
  } catch (error) {
    return { ok: false, error: serializeCadError(error, task.file) };
  }
  try {
    await fs.promises.writeFile(task.outPath, converted.glb, { flag: 'wx' });
  } catch (error) {
    await fs.promises.rm(task.outPath, { force: true }).catch(() => {});
    const reason = `cannot write ${task.outPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    return { ok: false, error: { code: 'WRITE_FAILED', file: task.file, reason } };
  }
  const glbSha256 = crypto.createHash('sha256').update(converted.glb).digest('hex');
  return { ok: true, metadata: converted.metadata, glbSha256, glbBytes: converted.glb.byteLength };
}
