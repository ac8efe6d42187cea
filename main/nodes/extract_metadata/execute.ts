import type { z } from 'zod';
import path from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { boundingBoxMm, describeParts } from '../../../workers/cad/describe';
import { type CadMetadata } from '../../execution/cad/ingest';
import { inputOf, NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/**
 * extract_metadata: parts, triangles and bounding box read back from the GLB itself (so they
 * describe what will be rendered); the source facts (format, units) come from the ingest.
 */
export const execute: Executor<Settings> = async (execution) => {
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
