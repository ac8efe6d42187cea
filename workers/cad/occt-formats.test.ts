import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeIO } from '@gltf-transform/core';
import { convertCad } from './convert';
import { detectFormat } from './detect';
import { igesUnits } from './parse-iges';
import { expectCadError } from './test-files';
import { fixture } from './fixtures';
import { makeTempDir } from '../../main/testing/temp-dir';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cad-occt-')));
afterEach(() => cleanup());

describe('IGES and BREP through OpenCascade', () => {
  it('Cube 10x10.igs (Inventor 2019): one solid, 10 mm cube, units read from the global section', async () => {
    const { glb, metadata } = await convertCad(fixture('cube-10x10mm', 'Cube 10x10.igs'));
    expect(metadata).toMatchObject({ format: 'iges', formatLabel: 'IGES', sourceUnits: 'mm', unitsAssumed: false, partCount: 1, triangleCount: 12 });
    expect(metadata.bboxMm).toEqual({ min: [-5, 0, -5], max: [5, 10, 5], size: [10, 10, 10] });
    expect(metadata.tessellation).toEqual({ linear_deflection_mm: 0.1, angular_deflection_deg: 15 });
    // The same cube exported as STEP from the same model lands in the same place.
    const step = await convertCad(fixture('cube-10x10mm', 'Cube 10x10.stp'));
    expect(step.metadata.bboxMm).toEqual(metadata.bboxMm);
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listMeshes().map((m) => m.getName())).toEqual(['Solid1']);
  });

  it('an IGES in inches is converted to millimetres', async () => {
    const text = fs.readFileSync(fixture('cube-10x10mm', 'Cube 10x10.igs'), 'latin1');
    expect(igesUnits(text)).toBe('mm');
    // Global parameters 14/15 (unit flag 2, "MM") rewritten to inches (flag 1, "IN"), same record width.
    const inches = text.replace(/^2,2HMM,/m, '1,2HIN,');
    expect(inches).not.toBe(text);
    expect(igesUnits(inches)).toBe('in');
    const file = path.join(dir, 'cube-in.igs');
    fs.writeFileSync(file, inches, 'latin1');
    const { metadata } = await convertCad(file);
    expect(metadata.sourceUnits).toBe('in');
    expect(metadata.bboxMm.size).toEqual([254, 254, 254]);
  });

  it('as1_pe_203.brep: the as1 assembly as one BREP compound, the same 18 parts and box as its STEP', async () => {
    const brep = await convertCad(fixture('cax-if-brep', 'as1_pe_203.brep'));
    const step = await convertCad(fixture('cax-if', 'as1_pe_203.stp'));
    expect(brep.metadata).toMatchObject({ format: 'brep', sourceUnits: 'mm', unitsAssumed: true, partCount: 18 });
    expect(step.metadata).toMatchObject({ format: 'step', sourceUnits: 'in', partCount: 18 });
    expect(brep.metadata.bboxMm).toEqual({ min: [-3810, -685.8, -1905], max: [1270, 1524, 1905], size: [5080, 2209.8, 3810] });
    expect(brep.metadata.bboxMm).toEqual(step.metadata.bboxMm);
    expect(brep.metadata.notes).toContain('OpenCascade BREP carries no units: assumed mm');
    // BREP has no units of its own: mesh_units says what its numbers are.
    const metres = await convertCad(fixture('cax-if-brep', 'as1_pe_203.brep'), { mesh_units: 'in', linear_deflection_mm: 5 });
    expect(metres.metadata.bboxMm.size[0]).toBeCloseTo(5080 * 25.4, 0);
  });

  it('a truncated IGES is named as such', async () => {
    const data = fs.readFileSync(fixture('cube-10x10mm', 'Cube 10x10.igs'));
    const file = path.join(dir, 'cut.igs');
    fs.writeFileSync(file, data.subarray(0, Math.floor(data.length / 2)));
    const error = await expectCadError(convertCad(file));
    expect(error.code).toBe('TRUNCATED');
    expect(error.reason).toMatch(/^IGES file is truncated: it has no terminate \(T\) record/);
  });
});

describe('native CAD files are recognised by content and refused with what to do', () => {
  it('Cube 10x10.ipt is an Autodesk Inventor part: export STEP from Inventor', async () => {
    const error = await expectCadError(convertCad(fixture('cube-10x10mm', 'Cube 10x10.ipt')));
    expect(error.code).toBe('NATIVE_CAD');
    expect(error.reason).toBe(
      'this is a native Autodesk Inventor part or assembly (.ipt/.iam), which Lightbox cannot read: open it in Autodesk Inventor and export it as STEP (AP214 or AP242; or IGES), then import that file',
    );
    // Whatever it is called.
    const renamed = path.join(dir, 'model.step');
    fs.copyFileSync(fixture('cube-10x10mm', 'Cube 10x10.ipt'), renamed);
    expect((await expectCadError(convertCad(renamed))).reason).toMatch(/^this is a native Autodesk Inventor part/);
  });

  const ole = (...streams: string[]) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), ...streams.map((s) => Buffer.from(`${s}\0`, 'utf16le'))]);
  it.each([
    ['SolidWorks', 'part.sldprt', ole('Root Entry', 'Contents', 'Config-0', 'SwDocContentMgrInfo')],
    ['PTC Creo (Pro/ENGINEER)', 'part.prt', Buffer.from('#UGC:2 PART 1554 830 430 29 all all 4000000000 2000 #-VERSION Wildfire 5.0\n#-HOST x86e_win64\n')],
    ['CATIA V5', 'part.CATPart', Buffer.concat([Buffer.from('V5_CFV2'), Buffer.alloc(100, 0), Buffer.from('CATPart')])],
    ['Siemens NX', 'nx.prt', Buffer.concat([ole('Root Entry', 'UG_PART'), Buffer.from('UGII V10.0')])],
    ['Parasolid', 'body.x_t', Buffer.from('**ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz**************************\n**PARASOLID !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~0123456789**************************\n')],
    ['Siemens JT', 'body.jt', Buffer.concat([Buffer.from('Version 9.5 JT                                                                  '), Buffer.alloc(40, 0)])],
  ])('%s', (application, name, bytes) => {
    let reason = '';
    try {
      detectFormat(bytes, name, false);
    } catch (error) {
      reason = (error as Error).message;
    }
    expect(reason).toContain(`${name}: this is a native ${application} `);
    expect(reason).toContain(`open it in ${application} and export it as STEP (AP214 or AP242; or IGES), then import that file`);
  });
});
