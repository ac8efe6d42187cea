import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlendDump } from '../../../shared/comparison/api';
import { compareBlendFiles, diffBlendDumps } from './compare-blend';
import { tempDir } from './testing';

const dump = (over: Partial<BlendDump> = {}): BlendDump => ({
  objects: ['Camera', 'Light', 'part'],
  meshes: ['part'],
  materials: ['steel'],
  cameras: ['Camera'],
  lights: ['Light'],
  ...over,
});

describe('diffBlendDumps', () => {
  it('finds no difference in equal structures, whatever the order', () => {
    expect(diffBlendDumps(dump(), dump({ objects: ['part', 'Light', 'Camera'] }))).toEqual([]);
  });

  it('lists each differing category with the names on each side', () => {
    const legacy = dump({ objects: ['Camera', 'Cube', 'Light', 'part'], materials: ['steel', 'rubber'] });
    const shadow = dump({ objects: ['Camera', 'Light', 'part', 'part.001'], cameras: [] });
    expect(diffBlendDumps(legacy, shadow)).toEqual([
      'objects: only in legacy: Cube; only in shadow: part.001',
      'materials: only in legacy: rubber',
      'cameras: only in legacy: Camera',
    ]);
  });

  it('counts repeated names', () => {
    expect(diffBlendDumps(dump({ meshes: ['part', 'part'] }), dump())).toEqual(['meshes: only in legacy: part']);
  });
});

describe('compareBlendFiles', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeAll(async () => {
    dir = await tempDir();
    a = path.join(dir, 'legacy.blend');
    b = path.join(dir, 'shadow.blend');
    await writeFile(a, 'BLENDER-v304 legacy bytes');
    await writeFile(b, 'BLENDER-v304 shadow bytes');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes equal hashes without dumping', async () => {
    const result = await compareBlendFiles(a, a, { name: 'blend', blendDump: () => Promise.reject(new Error('should not dump')) });
    expect(result).toMatchObject({ kind: 'blend', verdict: 'pass', sameHash: true, blend: null, reasons: [] });
  });

  it('passes differing bytes with the same structure', async () => {
    const result = await compareBlendFiles(a, b, { name: 'blend', blendDump: async () => dump() });
    expect(result).toMatchObject({ verdict: 'pass', sameHash: false, reasons: [] });
    expect(result.blend).toEqual({ legacy: dump(), shadow: dump(), differences: [] });
  });

  it('fails a structural difference, naming it', async () => {
    const dumps: Record<string, BlendDump> = { [a]: dump(), [b]: dump({ materials: ['steel', 'paint'] }) };
    const result = await compareBlendFiles(a, b, { name: 'blend', blendDump: async (file) => dumps[file]! });
    expect(result.verdict).toBe('fail');
    expect(result.blend?.differences).toEqual(['materials: only in shadow: paint']);
    expect(result.reasons).toEqual(['blend: materials: only in shadow: paint']);
  });

  it('warns on differing hashes without a dumper, and fails when the dump fails', async () => {
    expect((await compareBlendFiles(a, b, { name: 'blend' })).verdict).toBe('warn');
    const broken = await compareBlendFiles(a, b, { name: 'blend', blendDump: async (file) => (file === b ? Promise.reject(new Error('not a blend file')) : dump()) });
    expect(broken.reasons).toEqual(['blend: could not dump the structure (shadow: not a blend file)']);
    expect(broken.verdict).toBe('fail');
  });
});
