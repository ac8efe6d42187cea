import { copyFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactComparisonSchema } from '../../../shared/comparison/api';
import { compareImages } from './compare-images';
import { exrSize } from './files';
import { tempDir, toExr, writeImage } from './testing';

const W = 64;
const H = 48;
let dir: string;
let base: string;

beforeAll(async () => {
  dir = await tempDir();
  base = await writeImage(path.join(dir, 'base.png'), W, H);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** Mean of the heatmap's RGB over a rectangle. */
async function meanIn(file: string, rect: { left: number; top: number; width: number; height: number }): Promise<number> {
  const { data } = await sharp(file).extract(rect).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return data.reduce((sum, v) => sum + v, 0) / data.length;
}

describe('compareImages', () => {
  it('passes identical files on the hash fast path, still reporting sizes', async () => {
    const copy = path.join(dir, 'copy.png');
    await copyFile(base, copy);
    const result = await compareImages(base, copy, { name: 'still', heatmapPath: path.join(dir, 'identical-heat.png') });
    expect(ArtifactComparisonSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({ name: 'still', kind: 'image', verdict: 'pass', reasons: [], sameHash: true, sameSize: true, pixels: null, heatmap: null });
    expect(result.legacy).toMatchObject({ width: W, height: H, file: path.resolve(base) });
    expect(result.shadow).toMatchObject({ width: W, height: H });
  });

  it('passes files whose bytes differ but whose pixels do not (compression, grayscale vs RGB)', async () => {
    const other = await writeImage(path.join(dir, 'level9.png'), W, H, { compressionLevel: 9 });
    const result = await compareImages(base, other, { name: 'still', heatmapPath: path.join(dir, 'level9-heat.png') });
    expect(result.sameHash).toBe(false);
    expect(result.verdict).toBe('pass');
    expect(result.pixels?.meanError).toBe(0);
    expect(result.heatmap).toBeNull();

    const rgb = path.join(dir, 'gray-rgb.png');
    const gray = path.join(dir, 'gray-1ch.png');
    const raw = Buffer.alloc(16 * 16, 0).map((_, i) => i % 256);
    await sharp(raw, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(gray);
    await sharp(raw, { raw: { width: 16, height: 16, channels: 1 } }).toColourspace('srgb').png().toFile(rgb);
    const mixed = await compareImages(gray, rgb, { name: 'still' });
    expect(mixed.verdict).toBe('pass');
  });

  it('warns when one pixel changed slightly, with per-channel deltas', async () => {
    const changed = await writeImage(path.join(dir, 'one-pixel.png'), W, H, { patches: [{ x: 10, y: 10, width: 1, height: 1, rgba: [0, 0, 0, 255] }] });
    const slightly = await writeImage(path.join(dir, 'one-pixel-b.png'), W, H, { patches: [{ x: 10, y: 10, width: 1, height: 1, rgba: [5, 0, 0, 255] }] });
    const result = await compareImages(changed, slightly, { name: 'still', heatmapPath: path.join(dir, 'one-pixel-heat.png') });
    expect(result.verdict).toBe('warn');
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatch(/^still: pixels differ within the thresholds/);
    const [r, g, b, a] = result.pixels!.channels;
    expect(r).toEqual({ name: 'R', mean: 5 / 255 / (W * H), max: 5 / 255 });
    expect([g!.max, b!.max, a!.max]).toEqual([0, 0, 0]);
    expect(result.pixels!.meanError).toBeCloseTo(5 / 255 / (W * H) / 4, 12);
    expect(result.pixels!.overShare).toBe(0);
    expect(result.heatmap).toBe(path.join(dir, 'one-pixel-heat.png'));
  });

  it('fails a big change, writing a heatmap brighter where the pixels changed', async () => {
    const patch = { x: 8, y: 8, width: 16, height: 16, rgba: [255, 0, 255, 255] as [number, number, number, number] };
    const changed = await writeImage(path.join(dir, 'big.png'), W, H, { patches: [patch] });
    const heat = path.join(dir, 'heat', 'big.png');
    const result = await compareImages(base, changed, { name: 'still', heatmapPath: heat });
    expect(result.verdict).toBe('fail');
    expect(result.pixels!.overShare).toBeCloseTo((16 * 16) / (W * H), 10);
    expect(result.reasons.some((r) => /^still: .*% of pixels differ by more than 0\.1 \(limit 1\.00%\)$/.test(r))).toBe(true);
    expect(result.reasons.some((r) => /^still: mean error .* over the limit 0\.016$/.test(r))).toBe(true);
    expect(result.heatmap).toBe(heat);
    const meta = await sharp(heat).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([W, H, 'png']);
    const inside = await meanIn(heat, { left: 8, top: 8, width: 16, height: 16 });
    const outside = await meanIn(heat, { left: 40, top: 30, width: 16, height: 16 });
    expect(inside).toBeGreaterThan(200);
    expect(outside).toBeLessThan(50);
  });

  it('honours custom thresholds', async () => {
    const patch = { x: 0, y: 0, width: 8, height: 8, rgba: [255, 255, 255, 255] as [number, number, number, number] };
    const changed = await writeImage(path.join(dir, 'small-patch.png'), W, H, { patches: [patch] });
    expect((await compareImages(base, changed, { name: 'still' })).verdict).toBe('fail');
    expect((await compareImages(base, changed, { name: 'still', thresholds: { overShare: 0.5, meanError: 0.5 } })).verdict).toBe('warn');
  });

  it('fails different sizes without decoding pixels', async () => {
    const small = await writeImage(path.join(dir, 'small.png'), 32, 24);
    const result = await compareImages(base, small, { name: 'still' });
    expect(result).toMatchObject({ verdict: 'fail', sameSize: false, pixels: null });
    expect(result.reasons).toEqual(['still: sizes differ (legacy 64×48, shadow 32×24)']);
  });

  it('compares jpeg with jpeg', async () => {
    const a = await writeImage(path.join(dir, 'a.jpg'), W, H, { quality: 90 });
    const a2 = await writeImage(path.join(dir, 'a2.jpg'), W, H, { quality: 90 });
    expect((await compareImages(a, a2, { name: 'still' })).verdict).toBe('pass');
    const low = await writeImage(path.join(dir, 'low.jpg'), W, H, { quality: 60 });
    const result = await compareImages(a, low, { name: 'still' });
    expect(result.sameHash).toBe(false);
    expect(result.pixels!.meanError).toBeGreaterThan(0);
    expect(result.pixels!.meanError).toBeLessThan(0.016);
    expect(result.verdict).toBe('warn');
    const block = await writeImage(path.join(dir, 'block.jpg'), W, H, { quality: 90, patches: [{ x: 0, y: 0, width: 32, height: 32, rgba: [0, 0, 0, 255] }] });
    expect((await compareImages(a, block, { name: 'still' })).verdict).toBe('fail');
  });

  it('compares webp with png by pixels', async () => {
    const webp = await writeImage(path.join(dir, 'lossless.webp'), W, H);
    expect((await compareImages(base, webp, { name: 'still' })).verdict).toBe('pass');
  });

  it('reports OpenEXR by hash and header size only, warning when hashes differ', async () => {
    const other = await writeImage(path.join(dir, 'other.png'), W, H, { seed: 9 });
    const a = await toExr(base, path.join(dir, 'a.exr'));
    const b = await toExr(other, path.join(dir, 'b.exr'));
    expect(await exrSize(a)).toEqual({ width: W, height: H });
    const result = await compareImages(a, b, { name: 'still' });
    expect(result).toMatchObject({ verdict: 'warn', sameHash: false, sameSize: true, pixels: null, heatmap: null });
    expect(result.legacy).toMatchObject({ width: W, height: H });
    expect(result.reasons).toEqual(['still: hashes differ, and the pixels were not compared: OpenEXR is not decoded (sharp cannot read it)']);
    expect((await compareImages(a, a, { name: 'still' })).verdict).toBe('pass');
    const small = await toExr(await writeImage(path.join(dir, 'small2.png'), 8, 8), path.join(dir, 'small.exr'));
    expect((await compareImages(a, small, { name: 'still' })).reasons).toEqual(['still: sizes differ (legacy 64×48, shadow 8×8)']);
  });

  it('fails a missing or undecodable file instead of throwing', async () => {
    const missing = await compareImages(base, path.join(dir, 'nope.png'), { name: 'still' });
    expect(missing).toMatchObject({ kind: 'missing', verdict: 'fail', shadow: null, reasons: ['still: missing in shadow (file not found)'] });
    const junk = path.join(dir, 'junk.png');
    await writeFile(junk, 'not an image');
    const broken = await compareImages(base, junk, { name: 'still' });
    expect(broken.verdict).toBe('fail');
    expect(broken.reasons[0]).toMatch(/^still: could not decode the pixels/);
  });
});
