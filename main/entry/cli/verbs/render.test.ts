import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLegacyDocument } from '../../../catalog/legacy/parse';
import { fillPresetDefaults, type RenderPreset } from '../../../catalog/legacy/preset-schema';
import { captureCli } from '../../../testing/cli-capture';
import { runCli } from '../run-cli';
import { UsageError } from '../verb';
import { createRenderVerb, type FarmRequest } from './render';
import { startRenderFixture, type RenderFixture } from '../../../testing/warm-farm';
import { examplesDir } from '../../../catalog/legacy/legacy-testing';

const EXAMPLES = examplesDir;
const T = 120_000;

let tmp: string;
let glb: string;
let farm: RenderFixture['farm'];
const requests: FarmRequest[] = [];
let closed = 0;
const verb = createRenderVerb({
  createFarm: async (request) => {
    requests.push(request);
    // The CLI closes its farm; the shared warm Blender must survive for the next test.
    return { ...farm, runJob: farm.runJob, cancelRun: farm.cancelRun, close: async () => void (closed += 1) };
  },
});

/** Like runCli, but with the injected farm. */
async function render(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureCli(process.env);
  const { values, positionals } = parseArgs({ args, options: verb.options, allowPositionals: true, strict: true });
  let code: number;
  try {
    code = await verb.run(values as Record<string, string | boolean | undefined>, positionals, c.io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    c.io.stderr(error.message);
    code = 2;
  }
  return { code, out: c.out(), err: c.err() };
}

let n = 0;
function out(): string {
  n += 1;
  return path.join(tmp, `out-${n}`);
}

function writePreset(doc: Record<string, unknown>): string {
  n += 1;
  const file = path.join(tmp, `preset-${n}.json`);
  fs.writeFileSync(file, JSON.stringify({ format: 'lightbox.legacy/render-preset@1', key: 'p', name: 'P', artifact: 'still', resolution: { width: 64, height: 48 }, renderer: { samples: 4 }, ...doc }));
  return file;
}

const hex = (color: string) => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
const near = (a: number[], b: number[], tolerance: number) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) <= tolerance);

async function cornerPixels(image: Buffer): Promise<{ corners: number[][]; channels: number; width: number; height: number }> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)];
  const [w, h] = [info.width - 1, info.height - 1];
  return { corners: [at(0, 0), at(w, 0), at(0, h), at(w, h)], channels: info.channels, width: info.width, height: info.height };
}

/** Size and channel names from an OpenEXR header (sharp cannot read EXR). */
function exrHeader(buf: Buffer): { width: number; height: number; channels: string[] } {
  expect([...buf.subarray(0, 4)]).toEqual([0x76, 0x2f, 0x31, 0x01]);
  const result = { width: 0, height: 0, channels: [] as string[] };
  let i = 8;
  while (buf[i] !== 0) {
    const nameEnd = buf.indexOf(0, i);
    const typeEnd = buf.indexOf(0, nameEnd + 1);
    const name = buf.toString('latin1', i, nameEnd);
    const size = buf.readInt32LE(typeEnd + 1);
    const v = typeEnd + 5;
    if (name === 'dataWindow') {
      result.width = buf.readInt32LE(v + 8) - buf.readInt32LE(v) + 1;
      result.height = buf.readInt32LE(v + 12) - buf.readInt32LE(v + 4) + 1;
    }
    if (name === 'channels') {
      for (let c = v; buf[c] !== 0; ) {
        const end = buf.indexOf(0, c);
        result.channels.push(buf.toString('latin1', c, end));
        c = end + 1 + 16;
      }
    }
    i = v + size;
  }
  return result;
}

function ffprobe(file: string): { codec: string; width: number; height: number; fps: string; frames: number } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,width,height,r_frame_rate,nb_read_frames', '-of', 'json', file], { encoding: 'utf8' });
  const s = JSON.parse(r.stdout).streams[0];
  return { codec: s.codec_name, width: s.width, height: s.height, fps: s.r_frame_rate, frames: Number(s.nb_read_frames) };
}

function firstVideoFrame(file: string): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return r.stdout;
}

let fixture: RenderFixture;
beforeAll(async () => {
  fixture = await startRenderFixture('lightbox-cli-render-');
  ({ tmp, glb, farm } = fixture);
}, T);

afterAll(() => fixture?.stop());

describe('lightbox render: usage and errors', () => {
  it('missing flags are usage errors (exit 2) through the real CLI table', async () => {
    const c = captureCli(process.env);
    expect(await runCli(['render', '--cad', glb], c.io)).toBe(2);
    expect(c.err()).toMatch(/--preset is required/);
    const d = captureCli(process.env);
    expect(await runCli(['render', '--cad', glb, '--preset', 'x.json', '--out', tmp, '--max-size', '8'], d.io)).toBe(2);
    expect(d.err()).toMatch(/--max-size must be a whole number from 16 to 8192/);
  });

  it('an unreadable CAD file or preset is exit 2; a bad preset is exit 1 naming the file and field', async () => {
    expect((await render(['--cad', path.join(tmp, 'nope.step'), '--preset', writePreset({}), '--out', out()])).code).toBe(2);
    const bad = writePreset({ output: { format: 'tiff' }, colour: 'red' });
    const r = await render(['--cad', glb, '--preset', bad, '--out', out(), '--data-dir', tmp]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.basename(bad)} (preset "p"): output.format`);
    expect(r.err).toContain('unknown field "colour"');
    const pipeline = path.join(EXAMPLES, 'pipeline.still_default.json');
    const p = await render(['--cad', glb, '--preset', pipeline, '--out', out(), '--data-dir', tmp]);
    expect([p.code, p.err]).toEqual([1, expect.stringMatching(/not a render preset/)]);
  });

  it("denoise: true fails with Blender's error, exit 1, farm closed", async () => {
    const before = closed;
    const r = await render(['--cad', glb, '--preset', writePreset({ renderer: { samples: 4, denoise: true } }), '--out', out(), '--data-dir', tmp, '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/render_still failed in Blender: .*(denois|OpenImageDenoise)/i);
    expect(JSON.parse(r.out).error.message).toMatch(/denois|OpenImageDenoise/i);
    expect(closed).toBe(before + 1);
  }, T);

  it('prints the outputs as text; the farm gets the Blender found', async () => {
    const dir = out();
    const r = await render(['--cad', glb, '--preset', writePreset({ output: { filename: '{cad}_{preset}' } }), '--out', dir, '--data-dir', tmp]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`still     ${path.join(dir, 'as1-oc-214_p.png')} (png, 64×48)`);
    expect(requests.at(-1)?.blenderPath).toMatch(/blender$/);
  }, T);
});

describe('lightbox render with the shipped local farm (createLocalFarm)', () => {
  it('renders a still and a chunked turntable through runCli; farm sized by the data directory settings', async () => {
    const dataDir = path.join(tmp, 'data-real');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ farm: { concurrency: 2, threadsPerBlender: 1, mode: 'warm' } }));
    const dir = out();
    const still = captureCli(process.env);
    expect(await runCli(['render', '--cad', glb, '--preset', writePreset({ background: { color: '#204060' } }), '--out', dir, '--json', '--data-dir', dataDir], still.io)).toBe(0);
    const [image] = JSON.parse(still.out()).outputs;
    expect(image).toMatchObject({ kind: 'still', width: 64, height: 48, format: 'png' });
    for (const c of (await cornerPixels(fs.readFileSync(image.file))).corners) expect(near(c, [0x20, 0x40, 0x60], 3)).toBe(true);

    const turntable = writePreset({ artifact: 'turntable', turntable: { frames: 4, fps: 8, codec: 'vp9', keep_frames: true }, output: { filename: 'tt_{frame}' } });
    const tt = captureCli(process.env);
    expect(await runCli(['render', '--cad', glb, '--preset', turntable, '--out', dir, '--json', '--data-dir', dataDir], tt.io)).toBe(0);
    const outputs = JSON.parse(tt.out()).outputs as { kind: string; file: string; frames?: number }[];
    expect(outputs.map((o) => [o.kind, path.basename(o.file)])).toEqual([['video', 'tt.webm'], ...[1, 2, 3, 4].map((i) => ['frame', `tt_000${i}.png`])]);
    expect(ffprobe(outputs[0]!.file)).toMatchObject({ codec: 'vp9', frames: 4, fps: '8/1', width: 64, height: 48 });
  }, T);
});

describe('lightbox render: every example preset (--max-size 128 --samples 4)', () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => /^preset\..*\.json$/.test(f)).sort();
  it('has examples to render', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s', async (name) => {
    const parsed = parseLegacyDocument(name, fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));
    if (!parsed.ok || parsed.kind !== 'render_preset') throw new Error(`example ${name} does not parse`);
    const preset: RenderPreset = fillPresetDefaults(parsed.document);
    const dir = out();
    const jobsBefore = farm.jobs.length;
    const r = await render(['--cad', glb, '--preset', path.join(EXAMPLES, name), '--out', dir, '--max-size', '128', '--samples', '4', '--json', '--data-dir', tmp]);
    expect(r.err.replace(/lightbox render: note: .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    const { outputs } = JSON.parse(r.out) as { outputs: { kind: string; file: string; width: number; height: number; format: string; frames?: number; durationSeconds?: number; sha256: string }[] };
    for (const { job } of farm.jobs.slice(jobsBefore)) if ('renderer' in job) expect(job.renderer?.samples).toBe(4);
    // Every file listed exists, and nothing else is left in the folder.
    expect(fs.readdirSync(dir).sort()).toEqual(outputs.map((o) => path.basename(o.file)).sort());

    const pct = preset.resolution.percentage ?? 100;
    const [pw, ph] = [Math.floor((preset.resolution.width * pct) / 100), Math.floor((preset.resolution.height * pct) / 100)];
    const aspectOk = (w: number, h: number, slack = 1) => {
      expect(Math.max(w, h)).toBe(Math.min(128, Math.max(pw, ph)));
      // Within rounding: one pixel on the shorter side (two when h264 cropped it to even).
      expect(Math.abs(w - (h * pw) / ph) <= slack * (pw / ph) + 0.5 || Math.abs(h - (w * ph) / pw) <= slack + 0.5).toBe(true);
    };
    const bg = preset.background!;

    if (preset.artifact === 'still') {
      const fmt = preset.output!.format!;
      const still = outputs.find((o) => o.kind === 'still')!;
      expect(still.format).toBe(fmt);
      expect(path.extname(still.file)).toBe({ png: '.png', jpeg: '.jpg', webp: '.webp', exr: '.exr' }[fmt]);
      const buf = fs.readFileSync(still.file);
      if (fmt === 'exr') {
        const header = exrHeader(buf);
        expect([header.width, header.height]).toEqual([still.width, still.height]);
        aspectOk(header.width, header.height);
        expect(header.channels.includes('A')).toBe(bg.mode === 'transparent');
        return;
      }
      const meta = await sharp(buf).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([fmt, still.width, still.height]);
      const px = await cornerPixels(buf);
      if (preset.post?.trim) {
        // Trimmed: the aspect is the object's, no longer the preset's; padded by pad_px at most on top of the render.
        expect(Math.max(still.width, still.height)).toBeLessThanOrEqual(128 + 2 * (preset.post.pad_px ?? 0));
      } else {
        aspectOk(still.width, still.height);
      }
      if (bg.mode === 'transparent') {
        expect(meta.hasAlpha).toBe(true);
        for (const c of px.corners) expect(c[3]).toBe(0);
      } else {
        for (const c of px.corners) expect(near(c, hex(bg.color!), fmt === 'jpeg' ? 8 : 3)).toBe(true);
      }
      const thumb = outputs.find((o) => o.kind === 'thumbnail');
      if (preset.post?.thumbnail_px) {
        const t = await sharp(fs.readFileSync(thumb!.file)).metadata();
        expect([Math.max(t.width!, t.height!), t.format]).toEqual([preset.post.thumbnail_px, fmt]);
      } else {
        expect(thumb).toBeUndefined();
      }
    }

    if (preset.artifact === 'turntable') {
      const tt = preset.turntable!;
      const video = outputs.find((o) => o.kind === 'video')!;
      expect(path.extname(video.file)).toBe(tt.codec === 'vp9' ? '.webm' : '.mp4');
      const probe = ffprobe(video.file);
      expect([probe.codec, probe.frames, probe.fps]).toEqual([tt.codec, tt.frames, `${tt.fps}/1`]);
      expect([video.frames, video.width, video.height]).toEqual([tt.frames, probe.width, probe.height]);
      expect(video.durationSeconds).toBeCloseTo(tt.frames! / tt.fps!, 1);
      aspectOk(probe.width, probe.height, 2);
      const first = await cornerPixels(firstVideoFrame(video.file));
      for (const c of first.corners) expect(near(c, hex(bg.color!), 8)).toBe(true);
      const frames = outputs.filter((o) => o.kind === 'frame');
      if (tt.keep_frames) {
        expect(frames).toHaveLength(tt.frames!);
        for (const f of frames) expect([f.format, path.extname(f.file), f.width, f.height]).toEqual([preset.output!.format, '.png', frames[0]!.width, frames[0]!.height]);
        aspectOk(frames[0]!.width, frames[0]!.height);
      } else {
        expect(frames).toHaveLength(0);
      }
    }

    if (preset.artifact === 'blend') {
      const blend = outputs.find((o) => o.kind === 'blend')!;
      expect(path.extname(blend.file)).toBe('.blend');
      aspectOk(blend.width, blend.height);
      const magic = fs.readFileSync(blend.file).subarray(0, 7);
      // compress: zstd frame (Blender >= 3.0); else the plain BLENDER header.
      if (preset.blend?.compress) expect([...magic.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
      else expect(magic.toString('latin1')).toBe('BLENDER');
    }
  }, T);
});
