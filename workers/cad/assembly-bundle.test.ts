import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { bundleStepAssemblies, stepDocumentFiles } from '../../shared/cad/assembly-bundle';
import { fixture } from './fixtures';

const PE = fixture('cax-if', 's1_pe_214');
const picked = (folder: string, names: string[]) => names.map((name) => ({ name, bytes: new Uint8Array(fs.readFileSync(path.join(folder, name))) }));

describe('files dropped together that form a multi-file STEP assembly', () => {
  it('reads the part files a master names', () => {
    expect(stepDocumentFiles(new Uint8Array(fs.readFileSync(path.join(PE, 'head_asm.stp'))))).toEqual(['head_back_prt.stp', 'head_front_prt.stp']);
  });

  it('become one zip named after the master; other files stay as they are', () => {
    const names = fs.readdirSync(PE).sort();
    const other = { name: 'Cube 10x10.igs', bytes: new Uint8Array(fs.readFileSync(fixture('cube-10x10mm', 'Cube 10x10.igs'))) };
    const out = bundleStepAssemblies([...picked(PE, names), other]);
    expect(out.map((f) => f.name)).toEqual(['s1_pe_214.zip', 'Cube 10x10.igs']);
    expect(Object.keys(unzipSync(out[0]!.bytes)).sort()).toEqual(names);
    // The same files make the same bytes.
    expect(bundleStepAssemblies(picked(PE, [...names].reverse()))[0]!.bytes).toEqual(out[0]!.bytes);
  });

  it('a sub-assembly dropped with only its own parts is bundled under its name; unrelated STEP files are not', () => {
    const out = bundleStepAssemblies(picked(PE, ['head_asm.stp', 'head_back_prt.stp', 'head_front_prt.stp', 'tail_turbine_prt.stp']));
    expect(out.map((f) => f.name)).toEqual(['head_asm.zip', 'tail_turbine_prt.stp']);
    expect(bundleStepAssemblies(picked(PE, ['head_back_prt.stp', 'head_front_prt.stp'])).map((f) => f.name)).toEqual(['head_back_prt.stp', 'head_front_prt.stp']);
  });
});
