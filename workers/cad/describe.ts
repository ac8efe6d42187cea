import { Primitive, type Document, type Mesh, type Node } from '@gltf-transform/core';

export interface CadPart {
  name: string;
  triangles: number;
}

export interface BoundingBoxMm {
  min: [number, number, number];
  max: [number, number, number];
  size: [number, number, number];
}

export function primitiveTriangles(primitive: Primitive): number {
  const count = primitive.getIndices()?.getCount() ?? primitive.getAttribute('POSITION')?.getCount() ?? 0;
  switch (primitive.getMode()) {
    case Primitive.Mode.TRIANGLES:
      return Math.floor(count / 3);
    case Primitive.Mode.TRIANGLE_STRIP:
    case Primitive.Mode.TRIANGLE_FAN:
      return Math.max(0, count - 2);
    default:
      return 0; // points and lines are not surfaces
  }
}

export function meshTriangles(mesh: Mesh): number {
  return mesh.listPrimitives().reduce((sum, p) => sum + primitiveTriangles(p), 0);
}

/** Parts are the glTF meshes (one per CAD part instance for STEP), in document order. */
export function describeParts(doc: Document): CadPart[] {
  return doc.getRoot().listMeshes().map((mesh, i) => ({ name: mesh.getName() || `mesh_${i + 1}`, triangles: meshTriangles(mesh) }));
}

/** World-space box of every mesh placed in the scene(s), from the vertices, in millimetres. */
export function boundingBoxMm(doc: Document): BoundingBoxMm | null {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  const visit = (node: Node) => {
    const mesh = node.getMesh();
    if (mesh) {
      const m = node.getWorldMatrix();
      const point = [0, 0, 0];
      for (const primitive of mesh.listPrimitives()) {
        const position = primitive.getAttribute('POSITION');
        if (!position) continue;
        for (let i = 0; i < position.getCount(); i++) {
          position.getElement(i, point);
          const [x = 0, y = 0, z = 0] = point;
          for (let axis = 0; axis < 3; axis++) {
            // glTF matrices are column-major.
            const v = (m[axis] ?? 0) * x + (m[4 + axis] ?? 0) * y + (m[8 + axis] ?? 0) * z + (m[12 + axis] ?? 0);
            if (v < (min[axis] ?? 0)) min[axis] = v;
            if (v > (max[axis] ?? 0)) max[axis] = v;
          }
        }
      }
    }
    node.listChildren().forEach(visit);
  };
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  scene?.listChildren().forEach(visit);
  if (!Number.isFinite(min[0])) return null;
  // Metres → mm, to the micrometre: finer digits are float32 noise, not geometry.
  const um = (mm: number) => Math.round(mm * 1000) / 1000;
  const lo = min.map((v) => um(v * 1000)) as [number, number, number];
  const hi = max.map((v) => um(v * 1000)) as [number, number, number];
  const size = hi.map((h, i) => um(h - (lo[i] ?? 0))) as [number, number, number];
  return { min: lo, max: hi, size };
}
