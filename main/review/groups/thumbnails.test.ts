import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonReport } from '../../../shared/comparison/api';
import { resolveThresholds } from '../comparison/verdict';
import { compareImages } from '../comparison/compare-images';
import { makeTempDir } from '../../testing/temp-dir';
import { testBackend } from '../../testing/node-backend';
import type { Backend } from '../../entry/app/backend';
import { pairThumbnail } from './thumbnails';

/** Contact sheet cells (issue 22): real PNGs compared by the real image comparison, thumbnails and the box around what differs. */
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend | undefined;
const W = 64;
const H = 48;

async function png(file: string, square?: { left: number; top: number; size: number }): Promise<string> {
  const pixels = Buffer.alloc(W * H * 3, 120);
  if (square) {
    for (let y = square.top; y < square.top + square.size; y++) for (let x = square.left; x < square.left + square.size; x++) pixels[(y * W + x) * 3] = 250;
  }
  await sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).png().toFile(file);
  return file;
}
const report = (artifacts: ComparisonReport['artifacts']): ComparisonReport => ({ verdict: 'warn', reasons: [], artifacts, records: [], thresholds: resolveThresholds() });
const sizeOf = async (dataUrl: string | null) => sharp(Buffer.from((dataUrl ?? '').replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();

beforeAll(() => {
  tmp = makeTempDir('lightbox-thumbnails-');
});
afterAll(async () => {
  await backend?.close();
  tmp.cleanup();
});

describe('review thumbnails', () => {
  it('shrinks both sides and outlines the differing pixels: the box kept with the comparison, or read from the heatmap of an older one', async () => {
    const dir = path.join(tmp.dir, 'comparisons', 'c1');
    fs.mkdirSync(dir, { recursive: true });
    const legacy = await png(path.join(tmp.dir, 'legacy.png'));
    const shadow = await png(path.join(tmp.dir, 'shadow.png'), { left: 40, top: 8, size: 8 });
    const artifact = await compareImages(legacy, shadow, { name: 'still', heatmapPath: path.join(dir, 'still', 'heatmap.png') });
    expect(artifact.heatmap).not.toBeNull();

    const cell = await pairThumbnail('c1', report([artifact]), { dataDir: tmp.dir, comparisonDir: dir }, 32);
    expect(cell).toMatchObject({ comparisonId: 'c1', artifact: 'still' });
    expect(await sizeOf(cell.legacy.dataUrl)).toMatchObject({ format: 'png', width: 32, height: 24 });
    expect(await sizeOf(cell.shadow.dataUrl)).toMatchObject({ format: 'png', width: 32, height: 24 });
    // The box is kept with the pixel stats when compared; a report from before it was kept reads the heatmap, to the same box.
    const box = { x: 40 / W, y: 8 / H, w: 8 / W, h: 8 / H };
    expect(artifact.pixels?.box).toEqual(box);
    expect(cell.outline).toEqual(box);
    const older = { ...artifact, pixels: { ...(artifact.pixels as NonNullable<typeof artifact.pixels>), box: undefined } };
    expect((await pairThumbnail('c1', report([older]), { dataDir: tmp.dir, comparisonDir: dir }, 32)).outline).toEqual(box);

    // Identical files: no heatmap, no outline. A heatmap outside the comparison's folder is never read.
    expect((await pairThumbnail('c1', report([await compareImages(legacy, legacy, { name: 'still', heatmapPath: path.join(dir, 'same.png') })]), { dataDir: tmp.dir, comparisonDir: dir })).outline).toBeNull();
    expect((await pairThumbnail('c2', report([older]), { dataDir: tmp.dir, comparisonDir: path.join(tmp.dir, 'comparisons', 'c2') })).outline).toBeNull();
    // A report naming files outside this data directory (synced from another machine) reads none of them.
    const elsewhere = await pairThumbnail('c1', report([artifact]), { dataDir: path.join(tmp.dir, 'comparisons'), comparisonDir: dir });
    expect(elsewhere.legacy).toEqual({ dataUrl: null, reason: 'the file is not in this data directory (a comparison made elsewhere)' });
    expect(elsewhere.shadow.dataUrl).toBeNull();
  });

  it('says why a side has no thumbnail (the shadow run made no file)', async () => {
    const legacy = await png(path.join(tmp.dir, 'only-legacy.png'));
    const missing = await compareImages(legacy, path.join(tmp.dir, 'never-rendered.png'), { name: 'still' });
    const cell = await pairThumbnail('c3', report([missing]), { dataDir: tmp.dir, comparisonDir: tmp.dir });
    expect(cell.legacy.dataUrl).toMatch(/^data:image\/png;base64,/);
    expect(cell.shadow).toEqual({ dataUrl: null, reason: 'the shadow run made no file' });
    expect(cell.outline).toBeNull();
  });

  it('review.thumbnails validates its input through the contract and names an unknown comparison', async () => {
    backend = testBackend(path.join(tmp.dir, 'data'));
    const call = async (input: unknown) => (await backend!.dispatch('review.thumbnails' as never, input as never, { transport: 'http' })) as { ok: boolean; error?: { code: string; message: string; path?: string } };
    expect((await call({ comparisonIds: [] })).error).toMatchObject({ path: 'comparisonIds' });
    expect((await call({ comparisonIds: Array.from({ length: 61 }, (_, i) => `c${i}`) })).error).toMatchObject({ path: 'comparisonIds' });
    expect((await call({ comparisonIds: ['x'], size: 2000 })).error).toMatchObject({ path: 'size' });
    expect((await call({ comparisonIds: ['nope'] })).error).toMatchObject({ code: 'not_found', message: 'comparisonIds[0]: no comparison "nope"' });
  });
});
