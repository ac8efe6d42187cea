import { Document, NodeIO } from '@gltf-transform/core';

/** An axis-aligned box as a glTF mesh primitive (24 vertices: flat normals per face). */
function boxPrimitive(doc: Document, size: [number, number, number]) {
  const [sx, sy, sz] = size.map((s) => s / 2) as [number, number, number];
  const faces: { n: [number, number, number]; c: [number, number, number][] }[] = [
    { n: [1, 0, 0], c: [[sx, -sy, -sz], [sx, sy, -sz], [sx, sy, sz], [sx, -sy, sz]] },
    { n: [-1, 0, 0], c: [[-sx, sy, -sz], [-sx, -sy, -sz], [-sx, -sy, sz], [-sx, sy, sz]] },
    { n: [0, 1, 0], c: [[sx, sy, -sz], [-sx, sy, -sz], [-sx, sy, sz], [sx, sy, sz]] },
    { n: [0, -1, 0], c: [[-sx, -sy, -sz], [sx, -sy, -sz], [sx, -sy, sz], [-sx, -sy, sz]] },
    { n: [0, 0, 1], c: [[-sx, -sy, sz], [sx, -sy, sz], [sx, sy, sz], [-sx, sy, sz]] },
    { n: [0, 0, -1], c: [[-sx, sy, -sz], [sx, sy, -sz], [sx, -sy, -sz], [-sx, -sy, -sz]] },
  ];
  const pos: number[] = [];
  const nor: number[] = [];
  const idx: number[] = [];
  for (const face of faces) {
    const base = pos.length / 3;
    for (const c of face.c) {
      pos.push(...c);
      nor.push(...face.n);
    }
    idx.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  const buffer = doc.getRoot().listBuffers()[0] ?? doc.createBuffer();
  return doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array(pos)).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(new Float32Array(nor)).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(idx)).setBuffer(buffer));
}

export interface TestBox {
  name: string;
  size: [number, number, number];
  /** glTF coordinates (Y up); Blender's importer turns them to Z up. */
  translation: [number, number, number];
}

/** A GLB of named boxes, one node and one mesh per box (node and mesh share the name). */
export async function makeBoxesGlb(boxes: TestBox[]): Promise<Uint8Array> {
  const doc = new Document();
  doc.createBuffer();
  const scene = doc.createScene('scene');
  for (const box of boxes) {
    const mesh = doc.createMesh(box.name).addPrimitive(boxPrimitive(doc, box.size));
    scene.addChild(doc.createNode(box.name).setMesh(mesh).setTranslation(box.translation));
  }
  return new NodeIO().writeBinary(doc);
}
