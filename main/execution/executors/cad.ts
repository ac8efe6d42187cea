import fs from 'node:fs';
import path from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { boundingBoxMm, describeParts } from '../../../workers/cad/describe';
import { ingestCad, type CadMetadata } from '../cad/ingest';
import { sha256File } from '../../platform/files/sha256-file';
import { inputOf, NodeError, type Executor } from './context';
import { jobId, runJobOk } from '../render/errors';

/** ingest_cad: the CAD source tessellated and normalized to a GLB (the thumbnail is make_thumbnail's). */
export const ingestCadNode: Executor = async (execution) => {
  const cad = inputOf(execution, 'cad', 'cad_source');
  const { linear_deflection_mm, angular_deflection_deg } = execution.settings as { linear_deflection_mm: number; angular_deflection_deg: number };
  execution.log(`ingesting ${cad.name}`);
  const result = await ingestCad({
    file: cad.file,
    outDir: execution.workDir,
    options: { linear_deflection_mm, angular_deflection_deg },
    thumbnail: false,
    runner: execution.run.tools.cadRunner,
    signal: execution.run.signal,
  });
  execution.log(`GLB ${result.glbBytes} bytes, ${result.metadata.partCount} parts, ${result.metadata.triangleCount} triangles`);
  const name = path.basename(cad.name, path.extname(cad.name)) || 'part';
  return { mesh: { type: 'mesh_asset', cadFileId: cad.cadFileId, name, glb: result.glbPath, glbSha256: result.glbSha256, metadata: result.metadata } };
};

/**
 * extract_metadata: parts, triangles and bounding box read back from the GLB itself (so they
 * describe what will be rendered); the source facts (format, units) come from the ingest.
 */
export const extractMetadata: Executor = async (execution) => {
  const mesh = inputOf(execution, 'mesh', 'mesh_asset');
  let doc;
  try {
    doc = await new NodeIO().read(mesh.glb);
  } catch (error) {
    throw new NodeError(`cannot read the mesh ${path.basename(mesh.glb)}: ${(error as Error).message}`);
  }
  const parts = describeParts(doc);
  const bbox = boundingBoxMm(doc);
  if (parts.length === 0 || !bbox) throw new NodeError(`the mesh ${path.basename(mesh.glb)} has no geometry`);
  const source = mesh.metadata;
  const metadata: CadMetadata = {
    file: source?.file ?? path.basename(mesh.glb),
    format: source?.format ?? 'gltf',
    formatLabel: source?.formatLabel ?? 'glTF',
    sourceUnits: source?.sourceUnits ?? 'm',
    unitsAssumed: source?.unitsAssumed ?? false,
    parts,
    partCount: parts.length,
    triangleCount: parts.reduce((n, p) => n + p.triangles, 0),
    bboxMm: bbox,
    ...(source?.tessellation ? { tessellation: source.tessellation } : {}),
    notes: source?.notes ?? [],
  };
  return { metadata: { type: 'metadata', metadata } };
};

/** make_thumbnail: a small Workbench render of the mesh for the CAD library, on the render farm. */
export const makeThumbnail: Executor = async (execution) => {
  const mesh = inputOf(execution, 'mesh', 'mesh_asset');
  const { size_px } = execution.settings as { size_px: number };
  await fs.promises.mkdir(execution.workDir, { recursive: true });
  const out = path.join(execution.workDir, `${mesh.name}_thumb.png`);
  const id = jobId(`thumbnail-${execution.nodeId}`);
  let result: Record<string, unknown>;
  try {
    result = await runJobOk(execution.run.farm, { kind: 'cad_thumbnail', id, glb: mesh.glb, out, size: size_px }, { label: id, runId: execution.run.runId, timeoutMs: execution.run.timeoutMs, onLog: execution.log });
  } catch (error) {
    throw new NodeError(`no thumbnail for ${mesh.name}: ${(error as Error).message}`);
  }
  return { image: { type: 'image', file: out, sha256: await sha256File(out), format: 'png', width: Number(result.width), height: Number(result.height) } };
};

/** resolve_cad: the order line's CAD file, which must have been ingested. */
export const resolveCad: Executor = async (execution) => {
  const line = inputOf(execution, 'line', 'order_line');
  const mesh = execution.run.resolveCad(line);
  if (!fs.existsSync(mesh.glb)) throw new NodeError(`the ingested mesh of CAD file ${line.cadFileId} is missing on disk (${mesh.glb}); import the file again`);
  execution.log(`CAD file ${line.cadFileId}: ${path.basename(mesh.glb)}`);
  return { mesh };
};
