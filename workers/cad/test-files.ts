// Generators for small CAD files the tests write themselves (not shipped, not imported by the app).
import { Document, NodeIO } from '@gltf-transform/core';
import { CadIngestError } from './errors';

export type Tri = [[number, number, number], [number, number, number], [number, number, number]];

/** A box from (0,0,0) to size, as 12 triangles. */
export function boxTriangles(size: [number, number, number], offset: [number, number, number] = [0, 0, 0]): Tri[] {
  const [sx, sy, sz] = size;
  const c = (x: number, y: number, z: number): [number, number, number] => [x * sx + offset[0], y * sy + offset[1], z * sz + offset[2]];
  const quads = [
    [c(0, 0, 0), c(1, 0, 0), c(1, 1, 0), c(0, 1, 0)],
    [c(0, 0, 1), c(1, 0, 1), c(1, 1, 1), c(0, 1, 1)],
    [c(0, 0, 0), c(1, 0, 0), c(1, 0, 1), c(0, 0, 1)],
    [c(0, 1, 0), c(1, 1, 0), c(1, 1, 1), c(0, 1, 1)],
    [c(0, 0, 0), c(0, 1, 0), c(0, 1, 1), c(0, 0, 1)],
    [c(1, 0, 0), c(1, 1, 0), c(1, 1, 1), c(1, 0, 1)],
  ] as const;
  return quads.flatMap(([a, b, d, e]) => [[a, b, d] as Tri, [a, d, e] as Tri]);
}

export function binaryStl(triangles: Tri[], header = 'lightbox test'): Buffer {
  const data = Buffer.alloc(84 + 50 * triangles.length);
  data.write(header, 0, 'latin1');
  data.writeUInt32LE(triangles.length, 80);
  triangles.forEach((tri, t) => {
    tri.flat().forEach((v, k) => data.writeFloatLE(v, 84 + t * 50 + 12 + k * 4));
  });
  return data;
}

export function asciiStl(triangles: Tri[], name = 'part'): string {
  const facets = triangles.map((tri) => `  facet normal 0 0 0\n    outer loop\n${tri.map((v) => `      vertex ${v.join(' ')}\n`).join('')}    endloop\n  endfacet\n`);
  return `solid ${name}\n${facets.join('')}endsolid ${name}\n`;
}

/** OBJ with two named objects made of quads: "lid" (box 10×10×2 at z=10) and "base" (box 10×10×10). */
export function twoPartObj(): string {
  const box = (o: [number, number, number], s: [number, number, number], base: number) => {
    const v: string[] = [];
    for (const z of [0, 1]) for (const y of [0, 1]) for (const x of [0, 1]) v.push(`v ${o[0] + x * s[0]} ${o[1] + y * s[1]} ${o[2] + z * s[2]}`);
    const f = [
      [1, 2, 4, 3],
      [5, 6, 8, 7],
      [1, 2, 6, 5],
      [3, 4, 8, 7],
      [1, 3, 7, 5],
      [2, 4, 8, 6],
    ].map((q) => `f ${q.map((i) => i + base).join(' ')}`);
    return { v, f };
  };
  const base = box([0, 0, 0], [10, 10, 10], 0);
  const lid = box([0, 0, 10], [10, 10, 2], 8);
  return ['# test', 'mtllib none.mtl', ...base.v, ...lid.v, 'o base', 'usemtl grey', ...base.f, 'o lid', ...lid.f, ''].join('\n');
}

/** A GLB (metres) with one triangle mesh "tri" on a node translated by (1, 0, 0) m. */
export async function translatedTriangleGlb(): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 0, 0.1, 0, 0, 0, 0.2, 0])).setBuffer(buffer);
  const mesh = doc.createMesh('tri').addPrimitive(doc.createPrimitive().setAttribute('POSITION', position));
  const node = doc.createNode('holder').setTranslation([1, 0, 0]).setMesh(mesh);
  doc.createScene('s').addChild(node);
  return new NodeIO().writeBinary(doc);
}

/** Awaits a promise that must reject with CadIngestError, and answers the error. */
export async function expectCadError(promise: Promise<unknown>): Promise<CadIngestError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof CadIngestError)) throw new Error(`expected a CadIngestError, got ${error === null ? 'success' : String(error)}`);
  return error;
}
