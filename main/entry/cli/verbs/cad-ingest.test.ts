import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli';
import { captureCli } from '../../../testing/cli-capture';
import { makeTempDir } from '../../../testing/temp-dir';
import { binaryStl, boxTriangles } from '../../../../workers/cad/test-files';
import { searchPath } from '../../../platform/tools/find-executable';
import { fixture } from '../../../../workers/cad/fixtures';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cli-cad-')));
afterEach(() => cleanup());

function stl(name = 'block.stl'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, binaryStl(boxTriangles([40, 30, 20])));
  return file;
}

describe('lightbox cad ingest', () => {
  it('--json prints paths, hash, metadata and the thumbnail; exit 0', async () => {
    const file = stl();
    const out = path.join(dir, 'out');
    const c = captureCli(process.env);
    expect(await runCli(['cad', 'ingest', file, '--out', out, '--json'], c.io)).toBe(0);
    const result = JSON.parse(c.out());
    expect(result).toMatchObject({
      outDir: out,
      glbPath: path.join(out, 'block.glb'),
      glbSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      metadata: { format: 'stl-binary', partCount: 1, triangleCount: 12, bboxMm: { size: [40, 30, 20] }, sourceUnits: 'mm', unitsAssumed: true },
    });
    // The thumbnail needs Blender; without one its absence is reported, never a failure.
    if (await searchPath('blender', process.env)) {
      expect(result.thumbnailError).toBeUndefined();
      expect(fs.readdirSync(out).sort()).toEqual(['block.glb', 'block.png']);
    } else {
      expect(result.thumbnailError).toBeTruthy();
    }
  });

  it('text output and --no-thumbnail; without --out it says where it wrote', async () => {
    const c = captureCli(process.env);
    expect(await runCli(['cad', 'ingest', stl(), '--no-thumbnail'], c.io)).toBe(0);
    const where = /writing to (\S+)/.exec(c.err())?.[1];
    expect(where).toBeTruthy();
    try {
      expect(fs.readdirSync(where ?? '')).toEqual(['block.glb']);
      expect(c.out()).toMatch(/^block\.stl: binary STL, 1 part, 12 triangles, 40\.000 × 30\.000 × 20\.000 mm \(source units mm, assumed\)/);
      expect(c.out()).toContain('thumbnail: none');
    } finally {
      fs.rmSync(where ?? '', { recursive: true, force: true });
    }
  });

  it('a refused file: exit 1, message names the file and reason, nothing written', async () => {
    const file = stl('wrong.step');
    const out = path.join(dir, 'out');
    const text = captureCli();
    expect(await runCli(['cad', 'ingest', file, '--out', out, '--no-thumbnail'], text.io)).toBe(1);
    expect(text.err()).toContain(`${file}: file is named .step but its content is binary STL`);
    const json = captureCli();
    expect(await runCli(['cad', 'ingest', file, '--out', out, '--json'], json.io)).toBe(1);
    expect(JSON.parse(json.out())).toMatchObject({ error: { code: 'MISLABELLED', file } });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('usage problems and unreadable paths exit 2', async () => {
    const none = captureCli();
    expect(await runCli(['cad', 'ingest'], none.io)).toBe(2);
    expect(none.err()).toContain('name the CAD file');
    const missing = captureCli();
    expect(await runCli(['cad', 'ingest', path.join(dir, 'nope.step'), '--out', dir], missing.io)).toBe(2);
    expect(missing.err()).toContain('ENOENT');
    const bad = captureCli();
    expect(await runCli(['cad', 'ingest', stl(), '--linear-deflection', '-1'], bad.io)).toBe(2);
  });

  it('IGES, a folder holding a multi-file STEP assembly, and a native Inventor part (issue 20)', async () => {
    const out = path.join(dir, 'out');
    const iges = captureCli();
    expect(await runCli(['cad', 'ingest', fixture('cube-10x10mm', 'Cube 10x10.igs'), '--out', out, '--no-thumbnail'], iges.io)).toBe(0);
    expect(iges.out()).toMatch(/^Cube 10x10\.igs: IGES, 1 part, 12 triangles, 10\.000 × 10\.000 × 10\.000 mm \(source units mm\)/);

    const folder = captureCli();
    expect(await runCli(['cad', 'ingest', fixture('cax-if', 's1_pe_214'), '--out', out, '--no-thumbnail', '--json'], folder.io)).toBe(0);
    expect(JSON.parse(folder.out())).toMatchObject({ glbPath: path.join(out, 's1_pe_214.glb'), metadata: { format: 'step-set', partCount: 11, sourceUnits: 'cm' } });

    const lone = captureCli();
    expect(await runCli(['cad', 'ingest', fixture('cax-if', 's1_pe_214', 'head_asm.stp'), '--out', out, '--no-thumbnail'], lone.io)).toBe(1);
    expect(lone.err()).toContain('head_asm.stp: STEP file is an assembly of external files: its parts are in head_back_prt.stp, head_front_prt.stp, which were not given');

    const native = captureCli();
    expect(await runCli(['cad', 'ingest', fixture('cube-10x10mm', 'Cube 10x10.ipt'), '--out', out, '--json'], native.io)).toBe(1);
    expect(JSON.parse(native.out())).toMatchObject({ error: { code: 'NATIVE_CAD', reason: expect.stringContaining('native Autodesk Inventor part') } });
    expect(fs.readdirSync(out).sort()).toEqual(['Cube 10x10.glb', 's1_pe_214.glb']);
  }, 60_000);
});
