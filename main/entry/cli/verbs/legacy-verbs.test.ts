import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli';
import { makeTempDir } from '../../../testing/temp-dir';
import { examplesDir } from '../../../catalog/legacy/legacy-testing';
import { captureCli } from '../../../testing/cli-capture';

const capture = captureCli;

describe('lightbox legacy import / migrate', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  const examples = () => fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).map((f) => path.join(examplesDir, f));
  beforeEach(() => {
    tmp = makeTempDir();
    dataDir = path.join(tmp.dir, 'data');
  });
  afterEach(() => tmp.cleanup());

  it('imports the examples (exit 0), then reports them unchanged', async () => {
    const c = capture();
    expect(await runCli(['legacy', 'import', ...examples(), '--data-dir', dataDir], c.io)).toBe(0);
    expect(c.out()).toMatch(/Imported 13 legacy documents/);
    expect(c.out()).toMatch(/created\s+render_preset\s+still_white_2k/);
    const j = capture();
    expect(await runCli(['legacy', 'import', ...examples(), '--data-dir', dataDir, '--json'], j.io)).toBe(0);
    const result = JSON.parse(j.out()) as { imported: { status: string }[] };
    expect(result.imported.every((r) => r.status === 'unchanged')).toBe(true);
  });

  it('refuses a batch with a bad file (exit 1), naming file and field, storing nothing', async () => {
    const bad = path.join(tmp.dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'lightbox.legacy/render-preset@1', key: 'bad', name: 'Bad', artifact: 'still', resolution: { width: 64, height: 64 }, renderer: { samples: 0 } }));
    const c = capture();
    expect(await runCli(['legacy', 'import', ...examples(), bad, '--data-dir', dataDir], c.io)).toBe(1);
    expect(c.err()).toContain('nothing was imported');
    expect(c.err()).toContain(`${bad} (preset "bad"): renderer.samples:`);
    const j = capture();
    expect(await runCli(['legacy', 'import', bad, '--data-dir', dataDir, '--json'], j.io)).toBe(1);
    expect((JSON.parse(j.out()) as { error: { code: string; issues: { path: string }[] } }).error).toMatchObject({
      code: 'invalid_legacy_document',
      issues: [{ path: `${bad}:renderer.samples` }],
    });
    const m = capture();
    expect(await runCli(['legacy', 'migrate', '--data-dir', dataDir, path.join(examplesDir, 'preset.still_white_2k.json')], m.io)).toBe(0);
    expect(m.out()).toContain('still_white_2k -> legacy.still_default@1');
  });

  it('names each value it refused with its file and path: enum, type, range and format errors alike', async () => {
    const preset = path.join(tmp.dir, 'preset.bad.json');
    fs.writeFileSync(
      preset,
      JSON.stringify({
        format: 'lightbox.legacy/render-preset@1',
        key: 'bad',
        name: 'Bad',
        artifact: 'still',
        resolution: { width: 'wide', height: 64 },
        renderer: { engine: 'octane', samples: 5000 },
        background: { color: 'red' },
      }),
    );
    const pipeline = path.join(tmp.dir, 'pipeline.magic.json');
    fs.writeFileSync(pipeline, JSON.stringify({ format: 'lightbox.legacy/preset-workflow@1', key: 'magic', name: 'Magic', family: 'order_line', steps: [{ service: 'resolve_cad' }, { service: 'render_magic' }] }));
    const c = capture();
    expect(await runCli(['legacy', 'import', preset, pipeline, '--data-dir', dataDir], c.io)).toBe(1);
    expect(c.err()).toContain(`${preset} (preset "bad"): renderer.engine: Invalid option: expected one of "cycles"|"eevee"|"workbench", got "octane"`);
    expect(c.err()).toContain(`${preset} (preset "bad"): resolution.width: Invalid input: expected number, received string "wide"`);
    expect(c.err()).toContain(`${preset} (preset "bad"): renderer.samples: Too big: expected number to be <=4096, got 5000`);
    expect(c.err()).toContain(`${preset} (preset "bad"): background.color: must be a color as #rrggbb, got "red"`);
    expect(c.err()).toContain(`${pipeline} (preset workflow "magic"): steps[1].service: "render_magic" is not a legacy service; expected one of ingest_cad,`);
    const j = capture();
    expect(await runCli(['legacy', 'import', pipeline, '--data-dir', dataDir, '--json'], j.io)).toBe(1);
    expect((JSON.parse(j.out()) as { error: { issues: { path: string; message: string }[] } }).error.issues).toEqual([
      { path: `${pipeline}:steps[1].service`, message: expect.stringContaining('steps[1].service: "render_magic" is not a legacy service') },
    ]);
  });

  it('exits 2 on an unreadable file or no file', async () => {
    const c = capture();
    expect(await runCli(['legacy', 'import', path.join(tmp.dir, 'missing.json'), '--data-dir', dataDir], c.io)).toBe(2);
    expect(c.err()).toContain('missing.json');
    const none = capture();
    expect(await runCli(['legacy', 'migrate', '--data-dir', dataDir], none.io)).toBe(2);
    expect(none.err()).toContain('name at least one legacy JSON file');
  });

  it('migrates and verifies the examples with zero differences (exit 0)', async () => {
    const c = capture();
    expect(await runCli(['legacy', 'migrate', ...examples(), '--verify', '--data-dir', dataDir], c.io)).toBe(0);
    expect(c.out()).toContain('still_catalog -> legacy.still_catalog revision 1');
    expect(c.out()).toContain('no differences');
    const j = capture();
    expect(await runCli(['legacy', 'migrate', ...examples(), '--verify', '--json', '--data-dir', dataDir], j.io)).toBe(0);
    const result = JSON.parse(j.out()) as { verified: boolean; differences: unknown[]; outputTypes: unknown[] };
    expect(result).toMatchObject({ verified: true, differences: [] });
    expect(result.outputTypes).toHaveLength(7);
  });

  it('--dry-run stores nothing', async () => {
    const c = capture();
    expect(await runCli(['legacy', 'migrate', ...examples(), '--dry-run', '--data-dir', dataDir], c.io)).toBe(0);
    expect(c.out()).toContain('Dry run: nothing was stored.');
    const again = capture();
    expect(await runCli(['legacy', 'migrate', path.join(examplesDir, 'preset.still_quick_preview.json'), '--data-dir', dataDir], again.io)).toBe(1);
    expect(again.err()).toMatch(/still_selfpublish.*neither in this import, nor imported before, nor shipped/);
  });
});
