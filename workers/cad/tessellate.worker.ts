// Piscina worker (bundled to dist/workers/cad/tessellate.worker.mjs): parsing and tessellating
// CAD files is CPU-bound and OpenCascade's WASM runs synchronously for seconds on big STEPs.
import { runCadTask, type CadTask, type CadTaskResult } from './convert';

export default function tessellate(task: CadTask): Promise<CadTaskResult> {
  return runCadTask(task);
}
