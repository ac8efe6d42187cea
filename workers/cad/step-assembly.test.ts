import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeIO, type Node } from '@gltf-transform/core';
import { zipSync } from 'fflate';
import { convertCad } from './convert';
import { expectCadError } from './test-files';
import { fixture } from './fixtures';
import { makeTempDir } from '../../main/testing/temp-dir';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cad-asm-')));
afterEach(() => cleanup());

const PE = fixture('cax-if', 's1_pe_214');
const TU = fixture('cax-if', 's1-tu-203');

/** The zip of some files of a fixture folder (all by default), as a file in the temp dir. */
function zipOf(folder: string, name: string, keep: (file: string) => boolean = () => true): string {
  const entries = Object.fromEntries(
    fs
      .readdirSync(folder)
      .filter(keep)
      .map((f) => [`s1/${f}`, new Uint8Array(fs.readFileSync(path.join(folder, f)))]),
  );
  const file = path.join(dir, name);
  fs.writeFileSync(file, zipSync(entries));
  return file;
}

type Placed = { path: string; min: number[]; max: number[] };

/** Every mesh node with its world box in mm, by its path of node names. */
async function placedParts(glb: Uint8Array): Promise<Placed[]> {
  const doc = await new NodeIO().readBinary(glb);
  const out: Placed[] = [];
  const visit = (node: Node, names: string[]) => {
    const here = [...names, node.getName()];
    const mesh = node.getMesh();
    if (mesh) {
      const m = node.getWorldMatrix();
      const min = [Infinity, Infinity, Infinity];
      const max = [-Infinity, -Infinity, -Infinity];
      const p = [0, 0, 0];
      for (const primitive of mesh.listPrimitives()) {
        const position = primitive.getAttribute('POSITION')!;
        for (let i = 0; i < position.getCount(); i++) {
          position.getElement(i, p);
          for (let k = 0; k < 3; k++) {
            const v = (m[k]! * p[0]! + m[4 + k]! * p[1]! + m[8 + k]! * p[2]! + m[12 + k]!) * 1000;
            min[k] = Math.min(min[k]!, v);
            max[k] = Math.max(max[k]!, v);
          }
        }
      }
      out.push({ path: here.join('/'), min, max });
    }
    node.listChildren().forEach((c) => visit(c, here));
  };
  doc.getRoot().getDefaultScene()!.listChildren().forEach((n) => visit(n, []));
  return out;
}

const size = (p: Placed) => p.max.map((v, i) => v - p.min[i]!);

describe('multi-file STEP assemblies (AP214 external references)', () => {
  it('s1_pe_214 as a folder: 11 parts placed by the assembly transforms, the sub-assembly tree and names kept', async () => {
    const { glb, metadata } = await convertCad(PE);
    expect(metadata).toMatchObject({ format: 'step-set', file: 's1_pe_214', partCount: 11 });
    expect(metadata.parts.map((p) => p.name).sort()).toEqual(
      ['FOOT_BACK', 'FOOT_BACK', 'FOOT_FRONT', 'FOOT_FRONT', 'HEAD_BACK', 'HEAD_FRONT', 'MAIN_BODY_BACK', 'MAIN_BODY_FRONT', 'TAIL_MIDDLE_PART', 'TAIL_TURBINE', 'TAIL_TURBINE'].sort(),
    );
    const parts = await placedParts(glb);
    expect(parts.map((p) => p.path)).toEqual([
      'S1_PE_TOP/MAINBODY_ASM/MAIN_BODY_BACK',
      'S1_PE_TOP/MAINBODY_ASM/MAIN_BODY_FRONT',
      'S1_PE_TOP/HEAD_ASM/HEAD_BACK',
      'S1_PE_TOP/HEAD_ASM/HEAD_FRONT',
      'S1_PE_TOP/TAIL_ASM/TAIL_MIDDLE_PART',
      'S1_PE_TOP/TAIL_ASM/TAIL_TURBINE',
      'S1_PE_TOP/TAIL_ASM/TAIL_TURBINE',
      'S1_PE_TOP/FOOT_ASM/FOOT_BACK',
      'S1_PE_TOP/FOOT_ASM/FOOT_FRONT',
      'S1_PE_TOP/FOOT_ASM/FOOT_BACK',
      'S1_PE_TOP/FOOT_ASM/FOOT_FRONT',
    ]);
    // The whole aircraft, in mm (the master is in cm: its placements are scaled too).
    expect(metadata.bboxMm.size.map(Math.round)).toEqual([456, 222, 156]);
    const at = (name: string) => parts.filter((p) => p.path.endsWith(`/${name}`));
    const one = (name: string): Placed => at(name)[0]!;
    const [bodyBack, bodyFront, headBack, headFront] = [one('MAIN_BODY_BACK'), one('MAIN_BODY_FRONT'), one('HEAD_BACK'), one('HEAD_FRONT')];
    // Parts meet where the model says: body halves at x = 0, head halves at x = -197.2, head on the body.
    expect(bodyFront.max[0]).toBeCloseTo(0, 1);
    expect(bodyBack.min[0]).toBeCloseTo(-30, 1);
    expect(headFront.max[0]).toBeCloseTo(headBack.min[0]!, 1);
    expect(headBack.max[0]).toBeCloseTo(bodyFront.min[0]! + 5, 1);
    // The two turbines and the two feet are placed mirror images across y = 0, one each side.
    for (const name of ['TAIL_TURBINE', 'FOOT_BACK', 'FOOT_FRONT']) {
      const [a, b] = at(name);
      expect(a!.min[1]).toBeCloseTo(-b!.max[1]!, 1);
      expect(a!.min[0]).toBeCloseTo(b!.min[0]!, 1);
    }
    // A part placed keeps its own shape: the same size as its file imported alone.
    const alone = await convertCad(path.join(PE, 'head_back_prt.stp'));
    expect(size(headBack).map((v) => Math.round(v * 10) / 10)).toEqual(alone.metadata.bboxMm.size.map((v) => Math.round(v * 10) / 10));
  }, 60_000);

  it('the same model from another exporter (s1-tu-203, as a .zip) puts the same parts in the same places', async () => {
    const pe = await placedParts((await convertCad(PE)).glb);
    const tu = await convertCad(zipOf(TU, 's1-tu-203.zip'));
    expect(tu.metadata).toMatchObject({ format: 'step-set', file: 's1-tu-203.zip', sourceUnits: 'mm', partCount: 11 });
    const tuParts = await placedParts(tu.glb);
    expect(tuParts.map((p) => p.path.split('/').slice(0, 2).join('/'))).toEqual(expect.arrayContaining(['s1/head', 's1/tail', 's1/foot', 's1/mainbody']));
    // The two exporters put the origin elsewhere: the tu model is the pe one moved along x.
    const shift = tuParts.find((p) => p.path === 's1/mainbody/mainbodyback')!.min[0]! - pe.find((p) => p.path.endsWith('MAIN_BODY_BACK'))!.min[0]!;
    const pairs: [string, string][] = [
      ['MAIN_BODY_BACK', 'mainbodyback'],
      ['MAIN_BODY_FRONT', 'mainbodyfront'],
      ['HEAD_FRONT', 'headfront'],
      ['TAIL_MIDDLE_PART', 'tailmiddlepart'],
    ];
    for (const [peName, tuName] of pairs) {
      const a = pe.find((p) => p.path.endsWith(`/${peName}`))!;
      const b = tuParts.find((p) => p.path.endsWith(`/${tuName}`))!;
      for (let k = 0; k < 3; k++) {
        expect(Math.abs(b.min[k]! - (a.min[k]! + (k === 0 ? shift : 0)))).toBeLessThan(3);
        expect(Math.abs(b.max[k]! - (a.max[k]! + (k === 0 ? shift : 0)))).toBeLessThan(3);
      }
    }
  }, 60_000);

  it('a referenced file that was not given is named, with the file that references it', async () => {
    const error = await expectCadError(convertCad(zipOf(PE, 'no-head-front.zip', (f) => f !== 'head_front_prt.stp')));
    expect(error.code).toBe('MISSING_REFERENCE');
    expect(error.reason).toBe('head_asm.stp references head_front_prt.stp, which was not given; give every file of the assembly together (a folder or a .zip)');
    const two = await expectCadError(convertCad(zipOf(PE, 'two-missing.zip', (f) => !['head_front_prt.stp', 'tail_asm.stp'].includes(f))));
    expect(two.reason).toContain('head_asm.stp references head_front_prt.stp, which was not given; s1_pe_214.stp references tail_asm.stp, which was not given;');
  });

  it('a lone master file says it is an assembly of external files, and lists them', async () => {
    const error = await expectCadError(convertCad(path.join(PE, 's1_pe_214.stp')));
    expect(error.code).toBe('EXTERNAL_ASSEMBLY');
    expect(error.reason).toBe(
      'STEP file is an assembly of external files: its parts are in mainbody_asm.stp, head_asm.stp, tail_asm.stp, foot_asm.stp, which were not given; import it together with them (a folder or a .zip holding them all)',
    );
    const sub = await expectCadError(convertCad(path.join(PE, 'head_asm.stp')));
    expect(sub.reason).toMatch(/^STEP file is an assembly of external files: its parts are in head_back_prt\.stp, head_front_prt\.stp, which were not given/);
  });

  it('a zip holding one plain STEP part is that part', async () => {
    const { metadata } = await convertCad(zipOf(PE, 'one.zip', (f) => f === 'head_front_prt.stp'));
    const alone = await convertCad(path.join(PE, 'head_front_prt.stp'));
    expect(metadata).toMatchObject({ format: 'step-set', partCount: alone.metadata.partCount, triangleCount: alone.metadata.triangleCount, bboxMm: alone.metadata.bboxMm });
  });

  it('a zip of unrelated STEP parts is not an assembly', async () => {
    const error = await expectCadError(convertCad(zipOf(PE, 'parts.zip', (f) => f.endsWith('_prt.stp') && f.startsWith('head'))));
    expect(error.reason).toBe('holds 2 STEP files (head_back_prt.stp, head_front_prt.stp) but none of them references the others: it is not a multi-file assembly; import the files one by one');
  });
});
