import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeIO } from '@gltf-transform/core';
import { strToU8, zipSync } from 'fflate';
import rhino3dm from 'rhino3dm';
import { convertCad } from './convert';
import { expectCadError } from './test-files';
import { makeTempDir } from '../../main/testing/temp-dir';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cad-mesh-')));
afterEach(() => cleanup());

const write = (name: string, data: Uint8Array | string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
};

/** A 3MF package as the core specification lays it out: content types, the root relationship, the model part. */
function threeMf(model: string): Uint8Array {
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>',
    ),
    '3D/3dmodel.model': strToU8(model),
  });
}

/** A box from the origin to (sx, sy, sz) as 3MF vertices and triangles. */
function boxMesh(sx: number, sy: number, sz: number, triangleAttrs: (t: number) => string = () => ''): string {
  const v: string[] = [];
  for (const z of [0, sz]) for (const y of [0, sy]) for (const x of [0, sx]) v.push(`<vertex x="${x}" y="${y}" z="${z}"/>`);
  const quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  const t = quads.flatMap(([a, b, c, d]) => [[a, b, c], [a, c, d]]).map((tri, i) => `<triangle v1="${tri[0]}" v2="${tri[1]}" v3="${tri[2]}"${triangleAttrs(i)}/>`);
  return `<mesh><vertices>${v.join('')}</vertices><triangles>${t.join('')}</triangles></mesh>`;
}

describe('3MF (parsed here: a zip of XML)', () => {
  it('build items and components placed by their transforms, names, base-material and per-triangle colours, the model unit', async () => {
    const model = `<?xml version="1.0" encoding="UTF-8"?>
<model unit="inch" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" xmlns:m="http://schemas.microsoft.com/3dmanufacturing/material/2015/02">
  <resources>
    <basematerials id="1"><base name="Red" displaycolor="#FF0000"/><base name="Grey" displaycolor="#808080FF"/></basematerials>
    <m:colorgroup id="5"><m:color color="#0000FF"/></m:colorgroup>
    <object id="2" name="plate" type="model" pid="1" pindex="1">${boxMesh(4, 2, 0.5)}</object>
    <object id="3" name="peg" type="model" pid="1" pindex="0">${boxMesh(0.5, 0.5, 1, (t) => (t < 2 ? ' pid="5" p1="0"' : ''))}</object>
    <object id="4" name="board" type="model"><components><component objectid="2"/><component objectid="3" transform="1 0 0 0 1 0 0 0 1 1 1 0.5"/><component objectid="3" transform="1 0 0 0 1 0 0 0 1 3 1 0.5"/></components></object>
  </resources>
  <build><item objectid="4" transform="1 0 0 0 1 0 0 0 1 10 0 0"/></build>
</model>`;
    const { glb, metadata } = await convertCad(write('board.3mf', threeMf(model)));
    expect(metadata).toMatchObject({ format: '3mf', formatLabel: '3MF', sourceUnits: 'in', unitsAssumed: false, partCount: 3, triangleCount: 36 });
    expect(metadata.parts.map((p) => p.name)).toEqual(['plate', 'peg', 'peg']);
    // x from 10 in to 14 in, pegs reach 1.5 in up: all in mm.
    expect(metadata.bboxMm).toEqual({ min: [254, 0, 0], max: [355.6, 50.8, 38.1], size: [101.6, 50.8, 38.1] });
    const doc = await new NodeIO().readBinary(glb);
    const board = doc.getRoot().getDefaultScene()!.listChildren()[0]!;
    expect(board.getName()).toBe('board');
    expect(board.listChildren().map((n) => n.getName())).toEqual(['plate', 'peg', 'peg']);
    const colors = doc.getRoot().listMaterials().map((m) => m.getBaseColorFactor().slice(0, 3).map((c) => Math.round(c * 1000) / 1000));
    // Red and grey base materials and the blue colour-group triangles, in linear RGB.
    expect(colors).toEqual(expect.arrayContaining([[0.216, 0.216, 0.216], [0, 0, 1], [1, 0, 0]]));
  });

  it('a triangle pointing past its vertices, and an unknown unit, are named', async () => {
    const bad = `<model unit="millimeter"><resources><object id="1" name="broken"><mesh><vertices><vertex x="0" y="0" z="0"/></vertices><triangles><triangle v1="0" v2="1" v3="2"/></triangles></mesh></object></resources><build><item objectid="1"/></build></model>`;
    const error = await expectCadError(convertCad(write('broken.3mf', threeMf(bad))));
    expect(error.reason).toBe('3MF object 1 ("broken") has a triangle with a vertex index outside its 1 vertices');
    const unit = await expectCadError(convertCad(write('unit.3mf', threeMf(bad.replace('millimeter', 'furlong')))));
    expect(unit.reason).toMatch(/^3MF model unit "furlong" is not one of micron, millimeter/);
  });
});

describe('Rhino 3DM (rhino3dm: the render meshes Rhino stores)', () => {
  async function rhinoFile(name: string, withRenderMeshes: boolean, unit: 'Millimeters' | 'Inches'): Promise<string> {
    const rhino = await rhino3dm();
    const doc = new rhino.File3dm();
    doc.settings().modelUnitSystem = rhino.UnitSystem[unit];
    const layer = new rhino.Layer();
    layer.name = 'Body';
    layer.color = { r: 255, g: 0, b: 0, a: 255 };
    doc.layers().add(layer);
    // A solid box: Rhino keeps a render mesh per face once the model was shaded.
    const box = rhino.Brep.createFromBoundingBox(new rhino.BoundingBox([0, 0, 0], [20, 10, 5]));
    if (withRenderMeshes) {
      const faces = box.faces();
      for (let f = 0; f < faces.count; f++) {
        const face = faces.get(f);
        const quad = new (rhino.Mesh as unknown as new () => InstanceType<typeof rhino.Mesh>)(); // the .d.ts misses the no-argument constructor
        const bb = (face.getBoundingBox as unknown as () => { min: number[]; max: number[] })(); // the binding takes no argument
        const [a, b] = [bb.min, bb.max];
        const flat = [0, 1, 2].find((k) => Math.abs(a[k]! - b[k]!) < 1e-9)!;
        const corners = [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ].map(([u, v]) => {
          const p = [...a];
          const axes = [0, 1, 2].filter((k) => k !== flat);
          p[axes[0]!] = u ? b[axes[0]!]! : a[axes[0]!]!;
          p[axes[1]!] = v ? b[axes[1]!]! : a[axes[1]!]!;
          return p;
        });
        for (const c of corners) quad.vertices().add(c[0]!, c[1]!, c[2]!);
        quad.faces().addTriFace(0, 1, 2);
        quad.faces().addTriFace(0, 2, 3);
        // rhino3dm's binding takes (mesh, type), whatever its .d.ts says.
        (face.setMesh as unknown as (mesh: typeof quad, type: unknown) => boolean)(quad, rhino.MeshType.Render);
      }
    }
    const attributes = new rhino.ObjectAttributes();
    attributes.name = 'housing';
    attributes.layerIndex = 0;
    attributes.colorSource = rhino.ObjectColorSource.ColorFromLayer;
    doc.objects().addBrep(box, attributes);
    return write(name, doc.toByteArray());
  }

  it('a Brep with stored render meshes: its triangles, its name, the layer colour, the model unit', async () => {
    const { metadata, glb } = await convertCad(await rhinoFile('housing.3dm', true, 'Inches'));
    expect(metadata).toMatchObject({ format: '3dm', formatLabel: 'Rhino 3DM', sourceUnits: 'in', partCount: 1, triangleCount: 12, parts: [{ name: 'housing', triangles: 12 }] });
    expect(metadata.bboxMm).toEqual({ min: [0, 0, 0], max: [508, 254, 127], size: [508, 254, 127] });
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listMaterials().map((m) => m.getBaseColorFactor())).toEqual([[1, 0, 0, 1]]);
  });

  it('a file whose solids have no render mesh stored says so and what to do', async () => {
    const error = await expectCadError(convertCad(await rhinoFile('small.3dm', false, 'Millimeters')));
    expect(error.code).toBe('ZERO_TRIANGLES');
    expect(error.reason).toBe(
      'Rhino 3DM file has nothing to render: its 1 surface/solid object has no render mesh stored. In Rhino, shade the model once and save (render meshes are kept unless "Save small" is on), or export STEP from Rhino',
    );
  });
});
