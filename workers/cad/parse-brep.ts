import { GlbBuilder } from './glb-builder';
import { addOcctScene, readWithOcct, type StepOptions, type StepParse } from './parse-step';

/** An OpenCascade BREP file, text form (BRepTools::Write): what occt-import-js's ReadBrepFile reads. */
export function looksLikeBrep(start: string): boolean {
  return /^(DBRep_DrawableShape\s+)?CASCADE Topology V\d/.test(start);
}

/**
 * Tessellates an OpenCascade BREP file. BREP stores bare numbers with no unit: they are taken in
 * `unitMetres` (mesh_units, millimetres by default, OpenCascade's own convention).
 */
export async function parseBrep(data: Buffer, file: string, options: StepOptions, unitMetres: number): Promise<StepParse> {
  // The deflection is in the file's own unit for BREP.
  const deflection = { ...options, linearDeflectionMm: (options.linearDeflectionMm * 0.001) / unitMetres };
  const result = await readWithOcct('brep', data, file, deflection);
  const builder = new GlbBuilder();
  addOcctScene(builder, result, null, unitMetres);
  return { builder, sourceUnits: 'unknown', notes: [], occtMeshCount: result.meshes.length };
}
