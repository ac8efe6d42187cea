import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeIO } from '@gltf-transform/core';
import { ingestCad } from './ingest';
import { expectCadError } from '../../../workers/cad/test-files';
import { makeTempDir } from '../../testing/temp-dir';
import { searchPath } from '../../platform/tools/find-executable';
import { runBlender } from '../../../workers/blender/run-blender';

/** PLY, FBX and Collada through Blender's own importers (one-shot Blender here; the farm in workflow runs). */
const blender = await searchPath('blender', process.env);
const T = 120_000;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cad-blender-')));
afterEach(() => cleanup());

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

/** A box from the origin to (sx, sy, sz): 8 corners and 6 quads. */
const corners = (sx: number, sy: number, sz: number) => [0, 1].flatMap((z) => [[0, 0], [sx, 0], [sx, sy], [0, sy]].map(([x, y]) => [x, y, z * sz]));
const QUADS = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]];

function ply(sx: number, sy: number, sz: number): string {
  return [
    'ply',
    'format ascii 1.0',
    'element vertex 8',
    'property float x',
    'property float y',
    'property float z',
    'element face 6',
    'property list uchar int vertex_indices',
    'end_header',
    ...corners(sx, sy, sz).map((c) => c.join(' ')),
    ...QUADS.map((q) => `4 ${q.join(' ')}`),
    '',
  ].join('\n');
}

/** COLLADA 1.4.1 with its unit (centimetres), Z up, one named node placed by a translation. */
function collada(sx: number, sy: number, sz: number): string {
  const positions = corners(sx, sy, sz).flat().join(' ');
  const triangles = QUADS.flatMap(([a, b, c, d]) => [a, b, c, a, c, d]).join(' ');
  return `<?xml version="1.0" encoding="utf-8"?>
<COLLADA xmlns="http://www.collada.org/2005/11/COLLADASchema" version="1.4.1">
  <asset><unit name="centimeter" meter="0.01"/><up_axis>Z_UP</up_axis></asset>
  <library_geometries>
    <geometry id="block-mesh" name="block">
      <mesh>
        <source id="block-positions"><float_array id="block-positions-array" count="24">${positions}</float_array>
          <technique_common><accessor source="#block-positions-array" count="8" stride="3"><param name="X" type="float"/><param name="Y" type="float"/><param name="Z" type="float"/></accessor></technique_common>
        </source>
        <vertices id="block-vertices"><input semantic="POSITION" source="#block-positions"/></vertices>
        <triangles count="12"><input semantic="VERTEX" source="#block-vertices" offset="0"/><p>${triangles}</p></triangles>
      </mesh>
    </geometry>
  </library_geometries>
  <library_visual_scenes>
    <visual_scene id="Scene" name="Scene">
      <node id="bracket" name="bracket" type="NODE"><translate>100 0 0</translate><instance_geometry url="#block-mesh"/></node>
    </visual_scene>
  </library_visual_scenes>
  <scene><instance_visual_scene url="#Scene"/></scene>
</COLLADA>
`;
}

describe.skipIf(!blender)("PLY, FBX and Collada through Blender's importers", () => {
  it('PLY: no units, so mesh_units (mm) is assumed; quads triangulated; one part named after the object', async () => {
    const result = await ingestCad({ file: write('block.ply', ply(10, 20, 30)), outDir: path.join(dir, 'out'), thumbnail: false });
    expect(result.metadata).toMatchObject({ file: 'block.ply', format: 'ply', formatLabel: 'PLY', sourceUnits: 'mm', unitsAssumed: true, partCount: 1, triangleCount: 12 });
    expect(result.metadata.bboxMm).toEqual({ min: [0, 0, 0], max: [10, 20, 30], size: [10, 20, 30] });
    expect(result.metadata.notes).toContain('PLY carries no units: assumed mm');
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['block.glb']);
    // In inches when the user says so.
    const inches = await ingestCad({ file: write('block.ply', ply(10, 20, 30)), outDir: path.join(dir, 'in'), thumbnail: false, options: { mesh_units: 'in' } });
    expect(inches.metadata.bboxMm.size).toEqual([254, 508, 762]);
  }, T);

  it('Collada: its unit (cm) and node placement are kept; the node name survives', async () => {
    const result = await ingestCad({ file: write('bracket.dae', collada(10, 20, 30)), outDir: dir, thumbnail: false });
    expect(result.metadata).toMatchObject({ format: 'collada', formatLabel: 'Collada', sourceUnits: 'm', unitsAssumed: false, partCount: 1, triangleCount: 12 });
    expect(result.metadata.bboxMm).toEqual({ min: [1000, 0, 0], max: [1100, 200, 300], size: [100, 200, 300] });
    const doc = await new NodeIO().readBinary(new Uint8Array(fs.readFileSync(result.glbPath)));
    expect(doc.getRoot().listNodes().map((n) => n.getName())).toContain('bracket');
  }, T);

  it('FBX (binary, as Blender writes it): units converted to metres by the importer', async () => {
    const fbx = path.join(dir, 'cube.fbx');
    // A 2 m cube named "crate" moved 5 m along x, exported by Blender's FBX exporter.
    const script = write(
      'make_fbx.py',
      `import bpy\nbpy.ops.wm.read_factory_settings(use_empty=True)\nbpy.ops.mesh.primitive_cube_add(size=2, location=(5, 0, 1))\nbpy.context.object.name = "crate"\nbpy.ops.export_scene.fbx(filepath=${JSON.stringify(fbx)})\n`,
    );
    const made = await runBlender({ binary: blender!, pythonScript: script, timeoutMs: 60_000 });
    expect(made.exitCode).toBe(0);
    expect(fs.readFileSync(fbx).toString('latin1', 0, 18)).toBe('Kaydara FBX Binary');
    const result = await ingestCad({ file: fbx, outDir: dir, thumbnail: false });
    expect(result.metadata).toMatchObject({ format: 'fbx', formatLabel: 'FBX', sourceUnits: 'm', partCount: 1, triangleCount: 12 });
    expect(result.metadata.bboxMm).toEqual({ min: [4000, -1000, 0], max: [6000, 1000, 2000], size: [2000, 2000, 2000] });
  }, T);

  it('a file Blender cannot import fails with the format and the importer reason', async () => {
    const error = await expectCadError(ingestCad({ file: write('bad.ply', 'ply\nformat ascii 1.0\nelement vertex 3\nend_header\n1 2\n'), outDir: dir, thumbnail: false }));
    expect(error.code).toBe('CORRUPT');
    expect(error.reason).toMatch(/^PLY file could not be imported by Blender: /);
    expect(fs.readdirSync(dir).filter((f) => f !== 'bad.ply')).toEqual([]);
  }, T);
});
