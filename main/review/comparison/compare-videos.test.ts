import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactComparisonSchema } from '../../../shared/comparison/api';
import { compareVideos, decodeFrames } from './compare-videos';
import { FFMPEG, encodeVideo, tempDir, writeImage, type Patch } from './testing';

const W = 48;
const H = 32;
let dir: string;

/** Frames with a square moving across; `changed` frames (1-based) get a magenta block. */
async function frames(name: string, count: number, changed: number[] = []): Promise<string> {
  const out = path.join(dir, name);
  await mkdir(out, { recursive: true });
  for (let i = 1; i <= count; i++) {
    const patches: Patch[] = [{ x: i * 3, y: 8, width: 8, height: 8, rgba: [255, 255, 255, 255] }];
    if (changed.includes(i)) patches.push({ x: 20, y: 4, width: 20, height: 20, rgba: [255, 0, 255, 255] });
    await writeImage(path.join(out, `frame_${String(i).padStart(4, '0')}.png`), W, H, { seed: i, patches });
  }
  return out;
}

let legacy: string;
let legacyRetitled: string;
let changed: string;
let shorter: string;

beforeAll(async () => {
  dir = await tempDir();
  const base = await frames('base', 6);
  legacy = await encodeVideo(base, path.join(dir, 'legacy.mp4'));
  legacyRetitled = await encodeVideo(base, path.join(dir, 'legacy-retitled.mp4'), { title: 'shadow' });
  changed = await encodeVideo(await frames('changed', 6, [3]), path.join(dir, 'changed.mp4'));
  shorter = await encodeVideo(await frames('shorter', 5), path.join(dir, 'shorter.mp4'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('compareVideos', () => {
  it('decodes every frame', async () => {
    const files = await decodeFrames(FFMPEG, legacy, path.join(dir, 'decoded'));
    expect(files.map((f) => path.basename(f))).toEqual(['frame_0001.png', 'frame_0002.png', 'frame_0003.png', 'frame_0004.png', 'frame_0005.png', 'frame_0006.png']);
  });

  it('passes identical bytes without decoding every frame, reporting the size', async () => {
    const result = await compareVideos(legacy, legacy, { name: 'video', workDir: path.join(dir, 'work-same'), ffmpegPath: FFMPEG });
    expect(result).toMatchObject({ kind: 'video', verdict: 'pass', reasons: [], sameHash: true, sameSize: true, frames: [] });
    expect(result.legacy).toMatchObject({ width: W, height: H });
  });

  it('passes videos whose bytes differ but whose frames are identical', async () => {
    const result = await compareVideos(legacy, legacyRetitled, { name: 'video', workDir: path.join(dir, 'work-retitled'), ffmpegPath: FFMPEG });
    expect(ArtifactComparisonSchema.parse(result)).toEqual(result);
    expect(result.sameHash).toBe(false);
    expect(result.verdict).toBe('pass');
    expect(result.reasons).toEqual([]);
    expect(result.frames).toHaveLength(6);
    expect(result.frames.every((f) => f.verdict === 'pass')).toBe(true);
    expect(result.pixels?.meanError).toBe(0);
  });

  it('names the one frame that changed and fails it', async () => {
    const result = await compareVideos(legacy, changed, { name: 'video', workDir: path.join(dir, 'work-changed'), ffmpegPath: FFMPEG });
    expect(result.verdict).toBe('fail');
    expect(result.frames.map((f) => [f.name, f.verdict])).toEqual([
      ['frame 0001', 'pass'],
      ['frame 0002', 'pass'],
      ['frame 0003', 'fail'],
      ['frame 0004', 'pass'],
      ['frame 0005', 'pass'],
      ['frame 0006', 'pass'],
    ]);
    expect(result.reasons.length).toBeGreaterThan(0);
    expect(result.reasons.every((r) => r.startsWith('video, frame 0003: '))).toBe(true);
    const frame3 = result.frames[2]!;
    expect(result.pixels!.overShare).toBe(frame3.pixels!.overShare);
    expect(result.heatmap).toBe(frame3.heatmap);
    expect(result.heatmap).toBe(path.join(dir, 'work-changed', 'video', 'heatmaps', 'frame_0003.png'));
  });

  it('fails when the frame count differs', async () => {
    const result = await compareVideos(legacy, shorter, { name: 'video', workDir: path.join(dir, 'work-shorter'), ffmpegPath: FFMPEG });
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toEqual(['video: frame count differs (legacy 6, shadow 5; only in legacy: frame 0006)']);
    expect(result.frames.at(-1)).toMatchObject({ name: 'frame 0006', kind: 'missing', shadow: null });
  });

  it('fails, not throws, when ffmpeg cannot decode a file', async () => {
    const png = await writeImage(path.join(dir, 'not-a-video.mp4'), 4, 4);
    const result = await compareVideos(legacy, png, { name: 'video', workDir: path.join(dir, 'work-broken'), ffmpegPath: FFMPEG });
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]).toMatch(/^video: /);
  });
});
