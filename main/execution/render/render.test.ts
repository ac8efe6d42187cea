import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPresetDefaults, RenderPresetStructure } from '../../catalog/legacy/preset-schema';
import type { BlenderJobInput } from '../../../workers/blender/job-spec';
import { exportBlend } from './blend';
import { encodeVideo, probeVideo } from './encode-video';
import { RenderError } from './errors';
import { expandFileName, FileNameError, insideDir } from './filename';
import { postprocess } from './postprocess';
import { capResolution } from '../executors/draft';
import { runUnstored } from '../dispatch/unstored-dispatch';
import { createNodeRegistry } from '../../catalog/nodes/registry';
import { shippedPipelines } from '../../catalog/legacy/shipped';
import { NODE_RUNTIMES } from '../../nodes/executors';
import { NODE_SPECS } from '../../nodes/specs';
import { TEST_BLENDER } from '../../testing/processes';
import { applyMaterials, prepareScene, SceneSettingsError, type JobScene } from './scene';
import { renderStill, type ImageRenderSettings } from './still';
import { renderTurntable } from './turntable';
import { startRenderFixture, type RenderFixture } from '../../testing/warm-farm';

const FFMPEG = '/usr/bin/ffmpeg';
const T = 60_000;

let tmp: string;
let glb: string;
let farm: RenderFixture['farm'];
let n = 0;
const names = { order: 'o1', line: 'l2', cad: 'as1-oc-214', preset: 'p' };

function outDir(): string {
  n += 1;
  return path.join(tmp, `out-${n}`);
}

function scene(background: JobScene['background'] = { mode: 'color', color: '#336699' }): JobScene {
  const prepared = prepareScene({ camera: { angle: 'three_quarter', focal_length_mm: 50, fit_margin: 0.1 }, lighting: 'studio_soft', background });
  return applyMaterials(prepared, { default: 'neutral_grey', by_part: { 'bolt*': 'black_oxide', rod: 'chrome' } });
}

function settings(over: { output?: Partial<ImageRenderSettings['output']>; resolution?: Partial<ImageRenderSettings['resolution']>; renderer?: Partial<ImageRenderSettings['renderer']> } = {}): ImageRenderSettings {
  return {
    renderer: { engine: 'cycles', samples: 4, seed: 0, denoise: false, threads: 0, ...over.renderer },
    resolution: { width: 96, height: 64, percentage: 100, ...over.resolution },
    output: { format: 'png', quality: 90, color_depth: 8, filename: '{order}_{line}_{preset}', ...over.output },
  };
}

/** Images are read as buffers: libvips caches decoded files by name, and postprocess rewrites in place. */
async function pixel(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(fs.readFileSync(file)).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [...data.subarray(i, i + info.channels)];
}

async function corners(file: string): Promise<number[][]> {
  const { width = 0, height = 0 } = await sharp(fs.readFileSync(file)).metadata();
  return Promise.all([[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1]].map(([x, y]) => pixel(file, x!, y!)));
}

let fixture: RenderFixture;
beforeAll(async () => {
  fixture = await startRenderFixture('lightbox-render-');
  ({ tmp, glb, farm } = fixture);
}, T);

afterAll(() => fixture?.stop());

describe('scene settings', () => {
  it('prepareScene keeps only the given camera overrides; applyMaterials sends the used keys and the rules in order', () => {
    const prepared = prepareScene({ camera: { angle: 'front', elevation_deg: 12, azimuth_deg: undefined, focal_length_mm: 85, fit_margin: 0.2 }, lighting: 'none', background: { mode: 'transparent', color: '#ffffff' } });
    expect(prepared.camera).toEqual({ angle: 'front', elevation_deg: 12, focal_length_mm: 85, fit_margin: 0.2 });
    expect('azimuth_deg' in prepared.camera).toBe(false);
    const s = applyMaterials(prepared, { default: 'matte_plastic_white', by_part: { '2*': 'chrome', 'bolt*': 'black_oxide', '1': 'chrome' } });
    // Integer-like keys come first in a JS object, which is what the preset's JSON order gives too.
    expect(s.materials.by_part).toEqual([{ glob: '1', material: 'chrome' }, { glob: '2*', material: 'chrome' }, { glob: 'bolt*', material: 'black_oxide' }]);
    expect(Object.keys(s.materials.library).sort()).toEqual(['black_oxide', 'chrome', 'matte_plastic_white']);
    expect(() => applyMaterials(prepared, { default: 'unobtainium', by_part: {} })).toThrow(SceneSettingsError);
    expect(() => applyMaterials(prepared, { default: 'chrome', by_part: { x: 'gold' } })).toThrow(/gold/);
  });

  it('file names: placeholders, safe values, extension, never outside outDir', () => {
    expect(expandFileName('{order}_{line}_{cad}_{preset}_{frame}', names, '.png', 7)).toBe('o1_l2_as1-oc-214_p_0007.png');
    expect(expandFileName('{cad}', { ...names, cad: '../../etc/pass wd' }, '.jpg')).toBe('____etc_pass_wd.jpg');
    expect(expandFileName('{order}_{frame}', names, '.mp4', null)).toBe('o1.mp4');
    expect(expandFileName('{order}_{frame}_x', names, '.mp4', null)).toBe('o1_x.mp4');
    expect(() => expandFileName('../{order}', names, '.png')).toThrow(FileNameError);
    expect(() => expandFileName('a/{order}', names, '.png')).toThrow(FileNameError);
    expect(() => expandFileName('{nope}', names, '.png')).toThrow(/unknown placeholder/);
    expect(() => insideDir('/tmp/x', '../y.png')).toThrow(FileNameError);
    expect(insideDir('/tmp/x', 'y.png')).toBe('/tmp/x/y.png');
  });

  it('capResolution folds the percentage in and caps the longer side, aspect kept, >= 16', () => {
    expect(capResolution({ width: 1600, height: 1200, percentage: 75 }, 128)).toEqual({ width: 128, height: 96, percentage: 100 });
    expect(capResolution({ width: 8192, height: 256, percentage: 100 }, 128)).toEqual({ width: 128, height: 16, percentage: 100 });
    expect(capResolution({ width: 100, height: 50, percentage: 100 }, 128)).toEqual({ width: 100, height: 50, percentage: 100 });
    expect(capResolution({ width: 100, height: 50, percentage: 100 })).toEqual({ width: 100, height: 50, percentage: 100 });
  });
});

describe('renderStill + postprocess', () => {
  it('png on a color background: size, corners = background, name from the template, sha256', async () => {
    const dir = outDir();
    const still = await renderStill({ farm, glb, scene: scene(), settings: settings({ output: { filename: '{cad}_{order}-{line}' } }), outDir: dir, names, timeoutMs: T });
    expect(still.file).toBe(path.join(dir, 'as1-oc-214_o1-l2.png'));
    expect([still.width, still.height, still.format]).toEqual([96, 64, 'png']);
    expect(fs.readdirSync(dir)).toEqual(['as1-oc-214_o1-l2.png']);
    for (const [r, g, b] of await corners(still.file)) expect(Math.abs(r! - 0x33) + Math.abs(g! - 0x66) + Math.abs(b! - 0x99)).toBeLessThanOrEqual(3);
    // Something is drawn: the center differs from the background.
    const [cr, cg, cb] = await pixel(still.file, 48, 32);
    expect(Math.abs(cr! - 0x33) + Math.abs(cg! - 0x66) + Math.abs(cb! - 0x99)).toBeGreaterThan(20);
    expect(still.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(still.reply.result.materials).toMatchObject({ rod: 'chrome' });
  }, T);

  it('transparent webp: trim, pad back, thumbnail; alpha corners', async () => {
    const dir = outDir();
    const still = await renderStill({ farm, glb, scene: scene({ mode: 'transparent', color: '#ffffff' }), settings: settings({ resolution: { width: 128, height: 96 }, output: { format: 'webp' } }), outDir: dir, names, timeoutMs: T });
    expect(still.file).toBe(path.join(dir, 'o1_l2_p.webp'));
    const full = await sharp(still.file).metadata();
    expect([full.width, full.height, full.format, full.hasAlpha]).toEqual([128, 96, 'webp', true]);
    const done = await postprocess({ file: still.file, format: 'webp', trim: true, pad_px: 6, thumbnail_px: 40 });
    expect(done.trimmed).not.toBeNull();
    const t = done.trimmed!;
    expect(t.width * t.height).toBeLessThan(128 * 96);
    expect([done.width, done.height]).toEqual([t.width + 12, t.height + 12]);
    const meta = await sharp(fs.readFileSync(done.file)).metadata();
    expect([meta.width, meta.height, meta.format, meta.hasAlpha]).toEqual([done.width, done.height, 'webp', true]);
    for (const c of await corners(done.file)) expect(c[3]).toBe(0);
    // Padding is transparent; just inside it the trimmed content touches the border on some side.
    const thumb = await sharp(done.thumbnail!.file).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(40);
    expect(done.thumbnail!.file).toBe(path.join(dir, 'o1_l2_p_thumb.webp'));
    expect(thumb.format).toBe('webp');
  }, T);

  it('trim on a color background uses the border color; pad is that color', async () => {
    const dir = outDir();
    const still = await renderStill({ farm, glb, scene: scene({ mode: 'color', color: '#ffffff' }), settings: settings(), outDir: dir, names, timeoutMs: T });
    const done = await postprocess({ file: still.file, format: 'png', trim: true, pad_px: 3, thumbnail_px: 0 });
    expect(done.trimmed!.width * done.trimmed!.height).toBeLessThan(96 * 64);
    expect(done.thumbnail).toBeNull();
    for (const [r, g, b] of await corners(done.file)) expect(Math.min(r!, g!, b!)).toBeGreaterThanOrEqual(252);
  }, T);

  it('jpeg: lower quality gives a smaller file', async () => {
    const dir = outDir();
    const hi = await renderStill({ farm, glb, scene: scene(), settings: settings({ output: { format: 'jpeg', quality: 95, filename: 'hi' } }), outDir: dir, names, timeoutMs: T });
    const lo = await renderStill({ farm, glb, scene: scene(), settings: settings({ output: { format: 'jpeg', quality: 10, filename: 'lo' } }), outDir: dir, names, timeoutMs: T });
    expect([path.basename(hi.file), path.basename(lo.file)]).toEqual(['hi.jpg', 'lo.jpg']);
    expect((await sharp(lo.file).metadata()).format).toBe('jpeg');
    expect(fs.statSync(lo.file).size).toBeLessThan(fs.statSync(hi.file).size * 0.8);
  }, T);

  it('exr: rendered, then passed through postprocess untouched with a note', async () => {
    const dir = outDir();
    const still = await renderStill({ farm, glb, scene: scene({ mode: 'transparent', color: '#ffffff' }), settings: settings({ output: { format: 'exr', color_depth: 16 } }), outDir: dir, names, timeoutMs: T });
    expect(still.file.endsWith('.exr')).toBe(true);
    expect([...fs.readFileSync(still.file).subarray(0, 4)]).toEqual([0x76, 0x2f, 0x31, 0x01]);
    const done = await postprocess({ file: still.file, format: 'exr', trim: true, pad_px: 4, thumbnail_px: 32 });
    expect(done.sha256).toBe(still.sha256);
    expect(done.thumbnail).toBeNull();
    expect(done.note).toMatch(/sharp cannot read OpenEXR/);
    expect(fs.readdirSync(dir)).toEqual([path.basename(still.file)]);
  }, T);

  it('resolution percentage scales both sides', async () => {
    const still = await renderStill({ farm, glb, scene: scene(), settings: settings({ resolution: { width: 128, height: 96, percentage: 50 } }), outDir: outDir(), names, timeoutMs: T });
    const meta = await sharp(still.file).metadata();
    expect([still.width, still.height, meta.width, meta.height]).toEqual([64, 48, 64, 48]);
  }, T);

  it('denoise without OpenImageDenoise: the Blender error is surfaced', async () => {
    const error = await renderStill({ farm, glb, scene: scene(), settings: settings({ renderer: { denoise: true } }), outDir: outDir(), names, timeoutMs: T }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toMatch(/^render_still failed in Blender: .*(denois|OpenImageDenoise)/i);
  }, T);
});

describe('turntable + encode_video', () => {
  let frames: string[];
  it('render_frames chunks run in parallel under one runId; all frames, in order', async () => {
    const before = farm.jobs.length;
    const dir = outDir();
    const progress: number[] = [];
    // Odd sizes on purpose: h264 must crop to even ones.
    const tt = await renderTurntable({ farm, glb, scene: scene(), settings: { ...settings({ resolution: { width: 65, height: 49 }, output: { filename: 'tt_{frame}' } }), turntable: { frames: 6, degrees: 360 } }, outDir: dir, names, timeoutMs: T, onProgress: (p) => progress.push(p.done) });
    const jobs = farm.jobs.slice(before);
    expect(jobs.map((j) => (j.job as { frame_range?: number[] }).frame_range)).toEqual([[1, 3], [4, 6]]);
    expect(new Set(jobs.map((j) => j.options.runId)).size).toBe(1);
    expect(tt.frames).toEqual([1, 2, 3, 4, 5, 6].map((i) => path.join(dir, `tt_000${i}.png`)));
    expect(fs.readdirSync(dir).sort()).toEqual(tt.frames.map((f) => path.basename(f)));
    // Steps are samples over all frames (4 samples × 6 frames); this test farm reports finished frames only.
    expect(progress).toEqual([4, 8, 12, 16, 20, 24]);
    expect([tt.width, tt.height]).toEqual([65, 49]);
    // The object turns: the first and the fourth frame differ.
    expect(fs.readFileSync(tt.frames[0]!).equals(fs.readFileSync(tt.frames[3]!))).toBe(false);
    frames = tt.frames;
  }, T);

  it('h264: mp4, yuv420p at even size, every frame, fps', async () => {
    const video = await encodeVideo({ ffmpegPath: FFMPEG, frames, fps: 12, codec: 'h264', crf: 28, out: path.join(tmp, 'video', 'tt.anything') });
    expect(video).toMatchObject({ file: path.join(tmp, 'video', 'tt.mp4'), codec: 'h264', frames: 6, fps: 12, width: 64, height: 48 });
    expect(video.durationSeconds).toBeCloseTo(0.5, 1);
  }, T);

  it('vp9: webm, every frame, fps', async () => {
    const video = await encodeVideo({ ffmpegPath: FFMPEG, frames, fps: 24, codec: 'vp9', crf: 40, out: path.join(tmp, 'video', 'tt.webm') });
    expect(video).toMatchObject({ file: path.join(tmp, 'video', 'tt.webm'), codec: 'vp9', frames: 6, fps: 24, width: 65, height: 49 });
    expect(video.durationSeconds).toBeCloseTo(0.25, 1);
  }, T);

  it('exr frames (transparent) encode too', async () => {
    const dir = outDir();
    const tt = await renderTurntable({ farm, glb, scene: scene({ mode: 'transparent', color: '#ffffff' }), settings: { ...settings({ resolution: { width: 32, height: 32 }, output: { format: 'exr', color_depth: 16, filename: 'x' } }), turntable: { frames: 3, degrees: 90 } }, outDir: dir, names, timeoutMs: T });
    expect(tt.frames.map((f) => path.basename(f))).toEqual(['x_0001.exr', 'x_0002.exr', 'x_0003.exr']);
    const video = await encodeVideo({ ffmpegPath: FFMPEG, frames: tt.frames, fps: 3, codec: 'vp9', crf: 40, out: path.join(dir, 'x.webm') });
    expect(video).toMatchObject({ frames: 3, width: 32, height: 32, codec: 'vp9' });
  }, T);

  it('encodes exactly the listed frames, not whatever is in the folder', async () => {
    fs.copyFileSync(frames[0]!, path.join(path.dirname(frames[0]!), 'tt_0007.png'));
    const video = await encodeVideo({ ffmpegPath: FFMPEG, frames: [frames[0]!, frames[2]!, frames[4]!], fps: 6, codec: 'h264', crf: 30, out: path.join(tmp, 'video', 'three.mp4') });
    expect(video.frames).toBe(3);
    const again = await probeVideo('/usr/bin/ffprobe', video.file);
    expect(again.frames).toBe(3);
  }, T);
});

describe('export_blend', () => {
  it('writes the .blend and proves it re-opens with the same objects', async () => {
    const dir = outDir();
    const blend = await exportBlend({ farm, glb, scene: scene(), settings: { renderer: settings().renderer, resolution: { width: 320, height: 240, percentage: 50 }, pack_resources: true, compress: true }, outDir: dir, names, timeoutMs: T });
    expect(blend.file).toBe(path.join(dir, 'o1_l2_p.blend'));
    expect([blend.width, blend.height, blend.packed, blend.compressed]).toEqual([160, 120, true, true]);
    expect(blend.structure.cameras).toEqual(['lightbox_camera']);
    expect(blend.structure.objects).toEqual(expect.arrayContaining(['rod', 'plate']));
    expect(blend.structure.materials).toEqual(expect.arrayContaining(['lightbox_chrome', 'lightbox_black_oxide', 'lightbox_neutral_grey']));
  }, T);
});

describe('a draft through a legacy pipeline (the unstored dispatch of lightbox render)', () => {
  it('maxSize caps the longer side and samples overrides; nothing else changes', async () => {
    const preset = fillPresetDefaults(
      RenderPresetStructure.parse({
        format: 'lightbox.legacy/render-preset@1',
        key: 'wide',
        name: 'Wide',
        artifact: 'still',
        renderer: { samples: 256, seed: 5 },
        resolution: { width: 1000, height: 400 },
        background: { color: '#102030' },
        output: { format: 'jpeg', quality: 60 },
      }),
    );
    const pipelines = shippedPipelines();
    const dir = outDir();
    const before = farm.jobs.length;
    const run = await runUnstored({
      cadFile: glb,
      preset,
      pipeline: pipelines.get('still_default')!.document,
      cadPipeline: pipelines.get('cad_ingest_default')!.document,
      outDir: dir,
      workDir: path.join(tmp, `work-${n}`),
      draft: { maxSize: 100, samples: 3 },
      registry: createNodeRegistry(NODE_SPECS, NODE_RUNTIMES),
      farm,
      tools: { blenderPath: TEST_BLENDER },
      signal: new AbortController().signal,
    });
    expect(run.status).toBe('succeeded');
    expect(run.outputs).toEqual([expect.objectContaining({ kind: 'still', file: path.join(dir, `cli_1_wide.jpg`), width: 100, height: 40, format: 'jpeg' })]);
    // Notify is the pipeline's last step: recorded, never sent.
    expect(run.notifications).toEqual([expect.objectContaining({ event: 'render.succeeded', channels: ['desktop'] })]);
    const job = farm.jobs.slice(before).find((j) => j.job.kind === 'render_still')!.job as Extract<BlenderJobInput, { kind: 'render_still' }>;
    expect(job.renderer).toEqual({ engine: 'cycles', samples: 3, seed: 5, denoise: false, threads: 0 });
    expect(job.resolution).toEqual({ width: 100, height: 40, percentage: 100 });
    expect(job.output).toEqual({ format: 'jpeg', quality: 60, color_depth: 8 });
    expect(job.background).toEqual({ mode: 'color', color: '#102030' });
  }, T);
});
