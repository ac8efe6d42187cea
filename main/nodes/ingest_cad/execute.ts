import type { z } from 'zod';
import path from 'node:path';
import { ingestCad } from '../../execution/cad/ingest';
import { inputOf, type Executor } from '../../execution/executors/context';
import { jobId, runJobOk } from '../../execution/render/errors';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** ingest_cad: the CAD source tessellated and normalized to a GLB (the thumbnail is make_thumbnail's). */
export const execute: Executor<Settings> = async (execution) => {
  const cad = inputOf(execution, 'cad', 'cad_source');
  const { linear_deflection_mm, angular_deflection_deg } = execution.settings as { linear_deflection_mm: number; angular_deflection_deg: number };
  execution.log(`ingesting ${cad.name}`);
  const result = await ingestCad({
    file: cad.file,
    outDir: execution.workDir,
    options: { linear_deflection_mm, angular_deflection_deg, ...(execution.run.tools.cadMaxBytes ? { max_size_bytes: execution.run.tools.cadMaxBytes } : {}) },
    thumbnail: false,
    runner: execution.run.tools.cadRunner,
    signal: execution.run.signal,
    // PLY, FBX and Collada are read by Blender's importers, on the farm like every Blender job.
    blenderImport: async (job) => {
      const id = jobId(`mesh-import-${execution.nodeId}`);
      await runJobOk(execution.run.farm, { kind: 'mesh_import', id, ...job }, { label: id, runId: execution.run.runId, timeoutMs: execution.run.timeoutMs, onLog: execution.log });
    },
  });
  execution.log(`GLB ${result.glbBytes} bytes, ${result.metadata.partCount} parts, ${result.metadata.triangleCount} triangles`);
  const name = path.basename(cad.name, path.extname(cad.name)) || 'part';
  return { mesh: { type: 'mesh_asset', cadFileId: cad.cadFileId, name, glb: result.glbPath, glbSha256: result.glbSha256, metadata: result.metadata } };
};
