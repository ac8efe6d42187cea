import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../../../shared/comparison/api';
import { runCli } from '../../entry/cli/run-cli';
import { captureCli } from '../../testing/cli-capture';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { examplesDir } from '../../catalog/legacy/legacy-testing';
import { goldenParts, goldenResourcesDir, type GoldenReport } from './golden-suite';
import { readLegacyBundle } from './provision';

/**
 * Issue #6, done when: `lightbox golden --json` reports every case passing on every field. It
 * really renders both sides of every case (drafts keep it quick: 96 px, 4 samples).
 */
const T = 240_000;
let tmp: ReturnType<typeof makeTempDir>;

async function cli(dataDir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureCli(process.env);
  const code = await runCli([...args, '--data-dir', dataDir], c.io);
  return { code, out: c.out(), err: c.err() };
}

beforeAll(() => {
  tmp = makeTempDir('lightbox-golden-');
});

afterAll(() => tmp.cleanup());

describe('lightbox golden', () => {
  it(
    'every case (each example preset on two CAx-IF STEP parts) passes on every parity field',
    async () => {
      const r = await cli(path.join(tmp.dir, 'data'), ['golden', '--json']);
      expect(r.code, r.err + r.out).toBe(0);
      const report = JSON.parse(r.out) as GoldenReport;
      const presets = readLegacyBundle(goldenResourcesDir()).filter((d) => d.kind === 'render_preset').map((d) => d.key);
      // A still on a colour background, a transparent still with trim and thumbnail, turntables, a .blend export.
      expect(presets).toEqual(expect.arrayContaining(['still_white_2k', 'still_transparent_web', 'turntable_36', 'blend_packed']));
      const parts = goldenParts().map((p) => path.basename(p));
      expect(new Set(parts).size).toBe(2);
      expect(report.cases.map((c) => `${c.outputType} ${c.cadFile}`).sort()).toEqual(parts.flatMap((p) => presets.map((k) => `${k} ${p}`)).sort());
      expect(report).toMatchObject({ draft: { maxSize: 96, samples: 4 }, passed: presets.length * 2, failed: 0, ok: true });

      for (const c of report.cases) {
        const label = `${c.name}: ${c.reasons.join('; ')}`;
        expect(c.verdict, label).toBe('pass');
        expect(c.ok, label).toBe(true);
        expect(c.reasons, label).toEqual([]);
        const fields = c.fields.map((f) => f.field);
        // Every record field, and at least one generated output file, each the same on both sides.
        expect(fields, label).toEqual(expect.arrayContaining([...RECORD_FIELDS]));
        expect(fields.some((f) => f.startsWith('output file: ')), label).toBe(true);
        for (const f of c.fields) expect(f.same, `${c.name}: ${f.field}: legacy ${JSON.stringify(f.legacy)}, shadow ${JSON.stringify(f.shadow)}`).toBe(true);
        const field = (name: string) => c.fields.find((f) => f.field === name);
        expect(field('render status')).toMatchObject({ legacy: 'succeeded', shadow: 'succeeded' });
        expect((field('media asset created')?.legacy as unknown[]).length).toBe(1);
        // The draft applies the same in every mode, and is what rendered.
        expect(field('render log: samples')).toMatchObject({ legacy: [4], shadow: [4] });
        const width = (field('render log: width')?.legacy as number[])[0] as number;
        const height = (field('render log: height')?.legacy as number[])[0] as number;
        expect(Math.max(width, height)).toBe(96);
        if (c.outputType === 'still_transparent_web') expect(fields).toContain('output file: web_still thumbnail');
        if (c.outputType === 'turntable_half_keepframes') expect(fields).toContain('output file: render_turntable frames');
        if (c.outputType === 'blend_packed') expect(field('output file: scene_blend')?.detail).toContain('.blend structure identical');
      }
    },
    T,
  );

  it('ships byte-for-byte copies of the example documents it is taken from', () => {
    const shipped = readLegacyBundle(goldenResourcesDir());
    expect(shipped.length).toBeGreaterThan(0);
    for (const doc of shipped) expect(doc.text, path.basename(doc.fileName)).toBe(fs.readFileSync(path.join(examplesDir, path.basename(doc.fileName)), 'utf8'));
  });

  it('refuses a data directory whose preset of the same key differs, and changes nothing', async () => {
    const dataDir = path.join(tmp.dir, 'conflict');
    const mine = path.join(tmp.dir, 'preset.still_white_2k.json');
    const shipped = JSON.parse(fs.readFileSync(path.join(goldenResourcesDir(), 'preset.still_white_2k.json'), 'utf8')) as { renderer: { samples: number } };
    fs.writeFileSync(mine, JSON.stringify({ ...shipped, renderer: { ...shipped.renderer, samples: 64 } }, null, 2));
    expect((await cli(dataDir, ['legacy', 'import', mine])).code).toBe(0);

    const r = await cli(dataDir, ['golden', '--json']);
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.out) as { error: { code: string; message: string } };
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('render preset "still_white_2k" is stored with other content');

    const backend = testBackend(dataDir);
    try {
      expect(backend.legacy.listOutputTypes().map((o) => o.key)).toEqual(['still_white_2k']);
      expect(backend.legacy.outputType('still_white_2k')?.legacy?.renderer?.samples).toBe(64);
      expect(backend.production.cad.page({ limit: 1 }).items).toEqual([]);
      expect(backend.production.orders.page({ limit: 1 }).items).toEqual([]);
    } finally {
      await backend.close();
    }
  });
});
