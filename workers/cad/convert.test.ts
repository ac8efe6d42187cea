import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeIO } from '@gltf-transform/core';
import { convertCad } from './convert';
import { detectFormat } from './detect';
import { asciiStl, binaryStl, boxTriangles, translatedTriangleGlb, twoPartObj, expectCadError } from './test-files';
import { makeTempDir } from '../../main/testing/temp-dir';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cad-')));
afterEach(() => cleanup());

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const failure = expectCadError;

describe('convertCad: generated mesh files', () => {
  it('binary STL: 12 triangles, one part named after the file, bbox in mm, units assumed', async () => {
    const file = write('bracket.stl', binaryStl(boxTriangles([10, 20, 30], [-5, 0, 1]), 'solid but binary'));
    const { glb, metadata } = await convertCad(file);
    expect(metadata).toMatchObject({ format: 'stl-binary', sourceUnits: 'mm', unitsAssumed: true, partCount: 1, triangleCount: 12 });
    expect(metadata.parts).toEqual([{ name: 'bracket', triangles: 12 }]);
    expect(metadata.bboxMm).toEqual({ min: [-5, 0, 1], max: [5, 20, 31], size: [10, 20, 30] });
    expect(metadata.notes.join()).toMatch(/no units: assumed mm/);
    // The GLB is in metres.
    const doc = await new NodeIO().readBinary(glb);
    const position = doc.getRoot().listMeshes()[0]?.listPrimitives()[0]?.getAttribute('POSITION');
    expect(position?.getMax([0, 0, 0])).toEqual([expect.closeTo(0.005, 6), expect.closeTo(0.02, 6), expect.closeTo(0.031, 6)]);
  });

  it('ASCII STL: triangle count and bbox; mesh_units scales', async () => {
    const file = write('tetra.stl', asciiStl(boxTriangles([1, 2, 3]).slice(0, 5), 'tetra'));
    const mm = await convertCad(file);
    expect(mm.metadata).toMatchObject({ format: 'stl-ascii', triangleCount: 5, partCount: 1, bboxMm: { size: [1, 2, 3] } });
    const inches = await convertCad(file, { mesh_units: 'in' });
    expect(inches.metadata.sourceUnits).toBe('in');
    expect(inches.metadata.bboxMm.size).toEqual([25.4, 50.8, 76.2]);
  });

  it('OBJ: o/g become parts, quads are triangulated, names kept in the GLB', async () => {
    const { glb, metadata } = await convertCad(write('box.obj', twoPartObj()));
    expect(metadata).toMatchObject({ format: 'obj', partCount: 2, triangleCount: 24 });
    expect(metadata.parts).toEqual([
      { name: 'base', triangles: 12 },
      { name: 'lid', triangles: 12 },
    ]);
    expect(metadata.bboxMm).toEqual({ min: [0, 0, 0], max: [10, 10, 12], size: [10, 10, 12] });
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listNodes().map((n) => n.getName())).toEqual(['base', 'lid']);
  });

  it('GLB: node transforms count in the bbox; metres stay metres', async () => {
    const { metadata } = await convertCad(write('tri.glb', await translatedTriangleGlb()));
    expect(metadata).toMatchObject({ format: 'glb', sourceUnits: 'm', unitsAssumed: false, partCount: 1, triangleCount: 1, parts: [{ name: 'tri', triangles: 1 }] });
    expect(metadata.bboxMm).toEqual({ min: [1000, 0, 0], max: [1100, 200, 0], size: [100, 200, 0] });
  });

  it('glTF JSON with a .bin next to it; a buffer outside its folder is refused', async () => {
    const doc = await new NodeIO().readBinary(await translatedTriangleGlb());
    doc.getRoot().listBuffers()[0]?.setURI('tri.bin');
    const { json, resources } = await new NodeIO().writeJSON(doc);
    write('tri.bin', resources['tri.bin'] as Uint8Array);
    const ok = await convertCad(write('tri.gltf', JSON.stringify(json)));
    expect(ok.metadata).toMatchObject({ format: 'gltf', triangleCount: 1 });

    fs.mkdirSync(path.join(dir, 'sub'));
    const escaping = { ...json, buffers: [{ ...json.buffers?.[0], uri: '../tri.bin' }] };
    const error = await failure(convertCad(write('sub/escape.gltf', JSON.stringify(escaping))));
    expect(error.code).toBe('EXTERNAL_RESOURCE');
    expect(error.message).toMatch(/escape\.gltf.*outside its folder/);
  });
});

describe('convertCad: refusals', () => {
  it('an STL named .step is detected by content and refused, or ingested when allowed', async () => {
    const file = write('looks-like.step', binaryStl(boxTriangles([1, 1, 1])));
    const error = await failure(convertCad(file));
    expect(error.code).toBe('MISLABELLED');
    expect(error.message).toContain('looks-like.step');
    expect(error.reason).toMatch(/named \.step but its content is binary STL/);
    const allowed = await convertCad(file, { allow_mislabelled: true });
    expect(allowed.metadata.format).toBe('stl-binary');
    expect(allowed.metadata.notes[0]).toMatch(/named \.step but its content is binary STL; ingested as binary STL/);
  });

  it('zero triangles, too large, and OBJ without faces', async () => {
    expect((await failure(convertCad(write('none.stl', binaryStl([]))))).code).toBe('ZERO_TRIANGLES');
    expect((await failure(convertCad(write('points.obj', 'v 0 0 0\nv 1 0 0\n')))).code).toBe('ZERO_TRIANGLES');
    const big = await failure(convertCad(write('big.stl', binaryStl(boxTriangles([1, 1, 1]))), { max_size_bytes: 100 }));
    expect(big.code).toBe('TOO_LARGE');
    expect(big.reason).toMatch(/684 bytes, over the 100 bytes limit/);
  });

  it('detection looks at content: a binary STL whose header starts with "solid" is binary', () => {
    const data = binaryStl(boxTriangles([1, 1, 1]), 'solid exported by a CAD tool');
    expect(detectFormat(data, 'x.stl', false).format).toBe('stl-binary');
    expect(detectFormat(data, 'x.dat', false).note).toMatch(/not a CAD one; content detected as binary STL/);
  });
});
