import type { z } from 'zod';
import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from '../../platform/files/sha256-file';
import { inputOf, NodeError, type Executor } from '../../execution/executors/context';
import { jobId, runJobOk } from '../../execution/render/errors';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/** make_thumbnail: a small Workbench render of the mesh for the CAD library, on the render farm. */
export const execute: Executor<Settings> = async (execution) => {
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
