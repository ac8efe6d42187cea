import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComparisonReportSchema, RECORD_FIELDS, type BlendDump } from '../../../shared/comparison/api';
import { compareRuns, type Side, type SideAsset } from './compare-runs';
import { sha256File } from '../../platform/files/sha256-file';
import { FFMPEG, encodeVideo, tempDir, writeImage, type Patch } from './testing';

let dir: string;
/** The legacy side's files, by name. */
const files: Record<string, string> = {};

const W = 40;
const H = 30;

async function frameFile(folder: string, i: number, patches: Patch[] = []): Promise<string> {
  return writeImage(path.join(folder, `frame_${String(i).padStart(4, '0')}.png`), W, H, { seed: i, patches });
}

beforeAll(async () => {
  dir = await tempDir();
  const legacy = path.join(dir, 'legacy');
  await mkdir(legacy, { recursive: true });
  files.still = await writeImage(path.join(legacy, 'still.png'), W, H);
  files.thumbnail = await writeImage(path.join(legacy, 'still_thumb.png'), 16, 12, { seed: 2 });
  const seq = path.join(legacy, 'seq');
  for (let i = 1; i <= 4; i++) files[`seq${i}`] = await frameFile(seq, i);
  files.video = await encodeVideo(seq, path.join(legacy, 'turntable.mp4'));
  files.blend = path.join(legacy, 'scene.blend');
  await writeFile(files.blend, 'BLENDER-v304 scene');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function asset(kind: string, format: string, file: string, extra: Partial<SideAsset> = {}): Promise<SideAsset> {
  return { kind, format, file, sha256: await sha256File(file), width: W, height: H, frames: null, attachments: [], ...extra };
}

async function attachment(role: 'frame' | 'thumbnail', file: string): Promise<SideAsset['attachments'][number]> {
  return { role, file, sha256: await sha256File(file) };
}

/** A side built from `files`, with any file replaced by `over`. */
async function side(over: Record<string, string> = {}): Promise<Side> {
  const f = { ...files, ...over } as Record<string, string>;
  return {
    status: 'succeeded',
    assets: [
      await asset('still', 'png', f.still!, { attachments: [await attachment('thumbnail', f.thumbnail!)] }),
      await asset('turntable', 'png', f.seq1!, { frames: 4, attachments: await Promise.all([f.seq2!, f.seq3!, f.seq4!].map((x) => attachment('frame', x))) }),
      await asset('video', 'mp4', f.video!, { frames: 4, attachments: await Promise.all([f.seq1!, f.seq2!, f.seq3!, f.seq4!].map((x) => attachment('frame', x))) }),
      await asset('blend', 'blend', f.blend!),
    ],
    notifications: [
      { channel: 'email', event: 'order_line.succeeded' },
      { channel: 'webhook', event: 'order_line.succeeded' },
    ],
    renderLogs: [
      { engine: 'CYCLES', samples: 16, width: W, height: H, frameStart: 1, frameEnd: 1, blenderVersion: '3.4.1', status: 'succeeded', exitCode: 0 },
      { engine: 'CYCLES', samples: 16, width: W, height: H, frameStart: 1, frameEnd: 4, blenderVersion: '3.4.1', status: 'succeeded', exitCode: 0 },
    ],
  };
}

const structure: BlendDump = { objects: ['Camera', 'part'], meshes: ['part'], materials: ['steel'], cameras: ['Camera'], lights: [] };
const run = async (legacy: Side, shadow: Side, name: string, blendDump?: (file: string) => Promise<BlendDump>) =>
  compareRuns({ legacy, shadow, workDir: path.join(dir, 'work', name), ffmpegPath: FFMPEG, ...(blendDump ? { blendDump } : {}) });

describe('compareRuns', () => {
  it('passes an exactly identical pair with no reasons', async () => {
    const report = await run(await side(), await side(), 'identical');
    expect(ComparisonReportSchema.parse(report)).toEqual(report);
    expect(report.reasons).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.thresholds).toEqual({ meanError: 0.016, pixelDelta: 0.1, overShare: 0.01 });
    expect(report.artifacts.map((a) => [a.name, a.kind, a.verdict])).toEqual([
      ['still', 'image', 'pass'],
      ['still thumbnail', 'image', 'pass'],
      ['turntable', 'image', 'pass'],
      ['video', 'video', 'pass'],
      ['video frames', 'image', 'pass'],
      ['blend', 'blend', 'pass'],
    ]);
    expect(report.artifacts.find((a) => a.name === 'turntable')!.frames.map((f) => f.name)).toEqual(['frame 0001', 'frame 0002', 'frame 0003', 'frame 0004']);
    expect(report.records.map((r) => r.field)).toEqual([...RECORD_FIELDS]);
    expect(report.records.every((r) => r.same)).toBe(true);
    expect(report.records.find((r) => r.field === 'notifications')!.legacy).toEqual(['email: order_line.succeeded', 'webhook: order_line.succeeded']);
  });

  it('passes a shadow whose files are copies elsewhere, re-encoded bytes, and notifications in another order', async () => {
    const shadowDir = path.join(dir, 'shadow-copy');
    await mkdir(path.join(shadowDir, 'seq'), { recursive: true });
    const still = await writeImage(path.join(shadowDir, 'still.png'), W, H, { compressionLevel: 9 });
    const blend = path.join(shadowDir, 'scene.blend');
    await writeFile(blend, 'BLENDER-v304 scene, saved again');
    const seq4 = path.join(shadowDir, 'seq', 'frame_0004.png');
    await copyFile(files.seq4!, seq4);
    const video = await encodeVideo(path.join(dir, 'legacy', 'seq'), path.join(shadowDir, 'turntable.mp4'), { title: 'shadow' });
    const shadow = await side({ still, blend, seq4, video });
    shadow.notifications.reverse();
    const report = await run(await side(), shadow, 'copies', async () => structure);
    expect(report.reasons).toEqual([]);
    expect(report.verdict).toBe('pass');
    const stillArtifact = report.artifacts[0]!;
    expect(stillArtifact.sameHash).toBe(false);
    expect(stillArtifact.pixels?.meanError).toBe(0);
  });

  it('fails a notification missing on one side, naming notifications', async () => {
    const shadow = await side();
    shadow.notifications = shadow.notifications.filter((n) => n.channel !== 'webhook');
    const report = await run(await side(), shadow, 'notification');
    expect(report.verdict).toBe('fail');
    expect(report.reasons).toEqual(['notifications: differs (legacy ["email: order_line.succeeded","webhook: order_line.succeeded"], shadow ["email: order_line.succeeded"])']);
    expect(report.records.filter((r) => !r.same).map((r) => r.field)).toEqual(['notifications']);
  });

  it('fails differing render log samples and render status', async () => {
    const shadow = await side();
    shadow.renderLogs[1]!.samples = 64;
    shadow.status = 'failed';
    const report = await run(await side(), shadow, 'samples');
    expect(report.verdict).toBe('fail');
    expect(report.reasons).toEqual(['render status: differs (legacy "succeeded", shadow "failed")', 'render log: samples: differs (legacy [16,16], shadow [16,64])']);
  });

  it('fails an asset missing on one side', async () => {
    const shadow = await side();
    shadow.assets.pop();
    const report = await run(await side(), shadow, 'missing');
    expect(report.verdict).toBe('fail');
    expect(report.artifacts.at(-1)).toMatchObject({ name: 'blend', kind: 'missing', shadow: null, verdict: 'fail' });
    expect(report.reasons).toEqual([
      'blend: missing in shadow',
      'media asset created: differs (legacy ["still (png)","turntable (png)","video (mp4)","blend (blend)"], shadow ["still (png)","turntable (png)","video (mp4)"])',
    ]);
  });

  it('names the changed frame of a sequence and of the video, and warns on a slightly changed thumbnail', async () => {
    const shadowDir = path.join(dir, 'shadow-changed');
    const seq3 = await frameFile(path.join(shadowDir, 'seq'), 3, [{ x: 0, y: 0, width: 20, height: 20, rgba: [0, 255, 0, 255] }]);
    const seqDir = path.join(shadowDir, 'video-seq');
    await mkdir(seqDir, { recursive: true });
    for (const i of [1, 2, 4]) await copyFile(files[`seq${i}`]!, path.join(seqDir, `frame_000${i}.png`));
    await copyFile(seq3, path.join(seqDir, 'frame_0003.png'));
    const video = await encodeVideo(seqDir, path.join(shadowDir, 'turntable.mp4'));
    const thumbnail = await writeImage(path.join(shadowDir, 'still_thumb.png'), 16, 12, { seed: 2, patches: [{ x: 1, y: 1, width: 1, height: 1, rgba: [0, 0, 3, 255] }] });
    const report = await run(await side(), await side({ seq3, video, thumbnail }), 'frames');
    expect(report.verdict).toBe('fail');
    const byName = Object.fromEntries(report.artifacts.map((a) => [a.name, a]));
    expect(byName['turntable']!.frames.filter((f) => f.verdict !== 'pass').map((f) => f.name)).toEqual(['frame 0003']);
    expect(byName['video']!.frames.filter((f) => f.verdict !== 'pass').map((f) => f.name)).toEqual(['frame 0003']);
    expect(byName['still thumbnail']!.verdict).toBe('warn');
    expect(byName['still']!.verdict).toBe('pass');
    const named = (prefix: string) => report.reasons.filter((r) => r.startsWith(prefix));
    expect(named('turntable, frame 0003: ').length).toBeGreaterThan(0);
    expect(named('video, frame 0003: ').length).toBeGreaterThan(0);
    expect(named('video frames, frame 0003: ').length).toBeGreaterThan(0);
    expect(named('still thumbnail: pixels differ within the thresholds')).toHaveLength(1);
    expect(report.reasons.every((r) => /^(turntable|video|video frames), frame 0003: |^still thumbnail: /.test(r))).toBe(true);
    expect(byName['turntable']!.heatmap).toMatch(/heatmaps\/frame_0003\.png$/);
  });

  it('fails a .blend structure difference when a dumper is given', async () => {
    const blend = path.join(dir, 'other.blend');
    await writeFile(blend, 'BLENDER-v304 other');
    const dumper = async (file: string): Promise<BlendDump> => (file === blend ? { ...structure, materials: [] } : structure);
    const report = await run(await side(), await side({ blend }), 'blend', dumper);
    expect(report.reasons).toEqual(['blend: materials: only in legacy: steel']);
    expect(report.verdict).toBe('fail');
  });
});
