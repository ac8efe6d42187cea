import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runColdJob } from './cold-job';
import { defaultScriptsDir, materialLibraryForJob, type BlenderJobInput, type JobProgress, type JobReply } from './job-spec';
import { HARDENED_BLENDER_FLAGS } from './run-blender';
import { makeBoxesGlb } from './test-glb';
import { BlenderJobError, WarmBlender } from './warm-blender';
import { TEST_BLENDER, waitGone } from '../../main/testing/processes';

const BLENDER = TEST_BLENDER;
const T = 30_000;

let tmp: string;
let twoGlb: string;
let oneGlb: string;
let warm: WarmBlender;
let n = 0;



/** A small still job; front view puts bolt_1 on the left, housing on the right. */
function still(over: Partial<Extract<BlenderJobInput, { kind: 'render_still' }>> = {}): Extract<BlenderJobInput, { kind: 'render_still' }> {
  n += 1;
  return {
    kind: 'render_still',
    id: `still-${n}`,
    glb: twoGlb,
    camera: { angle: 'front' },
    lighting: 'studio_soft',
    background: { mode: 'color', color: '#336699' },
    materials: { default: 'neutral_grey', by_part: [{ glob: 'bolt_*', material: 'anodized_red' }], library: materialLibraryForJob() },
    renderer: { engine: 'cycles', samples: 8, seed: 0, threads: 0 },
    resolution: { width: 96, height: 64, percentage: 100 },
    output: { format: 'png' },
    out: path.join(tmp, `still-${n}.png`),
    ...over,
  };
}

function ok(reply: JobReply): Record<string, unknown> {
  if (!reply.ok) throw new Error(`job failed: ${reply.error}\n${reply.traceback ?? ''}`);
  return reply.result;
}

async function pixel(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [...data.subarray(i, i + info.channels)];
}

async function meanBrightness(file: string): Promise<number> {
  const stats = await sharp(file).stats();
  return (stats.channels[0]!.mean + stats.channels[1]!.mean + stats.channels[2]!.mean) / 3;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-warm-'));
  twoGlb = path.join(tmp, 'two.glb');
  oneGlb = path.join(tmp, 'one.glb');
  fs.writeFileSync(
    twoGlb,
    await makeBoxesGlb([
      { name: 'bolt_1', size: [0.4, 1.2, 0.4], translation: [-0.6, 0, 0] },
      { name: 'housing', size: [0.8, 0.8, 0.8], translation: [0.5, 0, 0] },
    ]),
  );
  fs.writeFileSync(oneGlb, await makeBoxesGlb([{ name: 'widget', size: [1, 1, 1], translation: [0, 0, 0] }]));
  warm = new WarmBlender({ binary: BLENDER });
  await warm.start();
});

afterAll(async () => {
  await warm?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('warm render_still', () => {
  it('writes a PNG of the right size; background color in the corners; materials by glob color the parts', async () => {
    const job = still();
    const result = ok(await warm.run(job, { timeoutMs: T }));
    expect(result).toMatchObject({ width: 96, height: 64, file: job.out, materials: { bolt_1: 'anodized_red', housing: 'neutral_grey' } });
    const meta = await sharp(job.out).metadata();
    expect([meta.width, meta.height, meta.format, meta.channels]).toEqual([96, 64, 'png', 3]);
    for (const [x, y] of [[0, 0], [95, 0], [0, 63], [95, 63]] as const) {
      const [r, g, b] = await pixel(job.out, x, y);
      expect(Math.abs(r! - 0x33) + Math.abs(g! - 0x66) + Math.abs(b! - 0x99)).toBeLessThanOrEqual(3);
    }
    // Front view: bolt_1 (red) left of the center, housing (grey) right of it.
    const [br, bg] = await pixel(job.out, 20, 32);
    const [hr, hg, hb] = await pixel(job.out, 68, 32);
    expect(br! - bg!).toBeGreaterThan(40);
    expect(Math.max(hr!, hg!, hb!) - Math.min(hr!, hg!, hb!)).toBeLessThan(15);
    expect(warm.rssBytes).toBeGreaterThan(50 * 1024 * 1024);
  });

  it('transparent background: RGBA with transparent corners and an opaque object', async () => {
    const job = still({ background: { mode: 'transparent', color: '#336699' } });
    ok(await warm.run(job, { timeoutMs: T }));
    const meta = await sharp(job.out).metadata();
    expect(meta.channels).toBe(4);
    expect((await pixel(job.out, 0, 0))[3]).toBe(0);
    expect((await pixel(job.out, 95, 63))[3]).toBe(0);
    expect((await pixel(job.out, 68, 32))[3]).toBe(255);
  });

  it('camera angle, lighting and resolution percentage each change the image', async () => {
    const front = still();
    const top = still({ camera: { angle: 'top' } });
    const dark = still({ lighting: 'none' });
    const half = still({ resolution: { width: 96, height: 64, percentage: 50 } });
    for (const job of [front, top, dark, half]) ok(await warm.run(job, { timeoutMs: T }));
    const a = await sharp(front.out).raw().toBuffer();
    const b = await sharp(top.out).raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
    expect(diff / a.length).toBeGreaterThan(5);
    expect((await meanBrightness(front.out)) - (await meanBrightness(dark.out))).toBeGreaterThan(5);
    const meta = await sharp(half.out).metadata();
    expect([meta.width, meta.height]).toEqual([48, 32]);
  });

  it('writes jpeg, webp and half-float exr under exactly the given names', async () => {
    const jpeg = still({ output: { format: 'jpeg', quality: 80 }, out: path.join(tmp, 'x.jpg') });
    const webp = still({ output: { format: 'webp', quality: 80 }, out: path.join(tmp, 'x.webp') });
    const exr = still({ output: { format: 'exr', color_depth: 16 }, out: path.join(tmp, 'x.exr') });
    for (const job of [jpeg, webp, exr]) ok(await warm.run(job, { timeoutMs: T }));
    expect(fs.readFileSync(jpeg.out).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const w = fs.readFileSync(webp.out);
    expect([w.subarray(0, 4).toString('latin1'), w.subarray(8, 12).toString('latin1')]).toEqual(['RIFF', 'WEBP']);
    const e = fs.readFileSync(exr.out);
    expect(e.subarray(0, 4)).toEqual(Buffer.from([0x76, 0x2f, 0x31, 0x01]));
    // Channel list: pixel type 1 = HALF.
    const ch = e.indexOf('channels');
    expect(e.indexOf(Buffer.from([0x52, 0x00, 0x01, 0x00, 0x00, 0x00]), ch)).toBeGreaterThan(ch);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('x.'))).toEqual(['x.exr', 'x.jpg', 'x.webp']);
    // No per-run metadata (Cycles render times) in any format: a second render is byte-identical.
    for (const job of [jpeg, webp, exr]) {
      const again = { ...job, id: `${job.id}-again`, out: `${job.out}.again` };
      ok(await warm.run(again, { timeoutMs: T }));
      expect(fs.readFileSync(again.out).equals(fs.readFileSync(job.out))).toBe(true);
    }
  });

  it('eevee and workbench render too (software GL), with the same framing', async () => {
    for (const engine of ['eevee', 'workbench'] as const) {
      const job = still({ renderer: { engine, samples: 4, seed: 0, threads: 0 } });
      const result = ok(await warm.run(job, { timeoutMs: T }));
      expect(result.engineUsed).toMatch(engine === 'eevee' ? /^BLENDER_EEVEE/ : /^BLENDER_WORKBENCH$/);
      const [br, bg] = await pixel(job.out, 20, 32);
      expect(br! - bg!).toBeGreaterThan(40);
    }
  });
});

describe('determinism and reset', () => {
  it('the same job twice warm, warm vs cold, and threads 1 vs 2 give identical bytes', async () => {
    const base = still({ renderer: { engine: 'cycles', samples: 8, seed: 3, threads: 1 } });
    const again = { ...base, id: 'again', out: path.join(tmp, 'again.png') };
    const twoThreads = { ...base, id: 'threads2', renderer: { ...base.renderer!, threads: 2 }, out: path.join(tmp, 'threads2.png') };
    const cold = { ...base, id: 'cold', out: path.join(tmp, 'cold.png') };
    const t0 = Date.now();
    ok(await warm.run(base, { timeoutMs: T }));
    const warmMs = Date.now() - t0;
    ok(await warm.run(again, { timeoutMs: T }));
    ok(await warm.run(twoThreads, { timeoutMs: T }));
    const t1 = Date.now();
    const coldResult = await runColdJob(BLENDER, cold, { timeoutMs: T });
    const coldMs = Date.now() - t1;
    ok(coldResult.reply);
    expect(coldResult.process.exitCode).toBe(0);
    console.log(`still 96x64 8 samples: warm ${warmMs} ms, cold ${coldMs} ms`);
    const bytes = fs.readFileSync(base.out);
    expect(fs.readFileSync(again.out).equals(bytes)).toBe(true);
    expect(fs.readFileSync(twoThreads.out).equals(bytes)).toBe(true);
    expect(fs.readFileSync(cold.out).equals(bytes)).toBe(true);
    // Another seed: the pixels change (the seed is really applied).
    const seeded = still({ renderer: { engine: 'cycles', samples: 8, seed: 4, threads: 1 } });
    ok(await warm.run(seeded, { timeoutMs: T }));
    expect(fs.readFileSync(seeded.out).equals(bytes)).toBe(false);
  });

  it('starts every job from an empty scene', async () => {
    const first = ok(await warm.run(still(), { timeoutMs: T }));
    expect(first.objects).toContain('bolt_1');
    const second = ok(await warm.run(still({ glb: oneGlb }), { timeoutMs: T }));
    expect(second.objects).toContain('widget');
    expect(second.objects).not.toContain('bolt_1');
    expect(second.objects).not.toContain('housing');
    expect(second.parts).toEqual(['widget']);
  });
});

describe('turntable frames and blend export', () => {
  it('render_frames writes the chunk with 4-digit names and reports progress per frame', async () => {
    const progress: JobProgress[] = [];
    const logs: string[] = [];
    const { out: _out, ...scene } = still({ resolution: { width: 64, height: 64, percentage: 100 }, renderer: { engine: 'cycles', samples: 4, seed: 0, threads: 0 } });
    const reply = await warm.run(
      { ...scene, kind: 'render_frames', turntable: { frames: 6, degrees: 360 }, frame_range: [2, 4], out_pattern: path.join(tmp, 'tt', 'frame_{frame}.png') },
      { timeoutMs: T, onProgress: (p) => progress.push(p), onLog: (line) => logs.push(line) },
    );
    const result = ok(reply);
    const files = ['frame_0002.png', 'frame_0003.png', 'frame_0004.png'];
    expect(fs.readdirSync(path.join(tmp, 'tt')).sort()).toEqual(files);
    expect(result.files).toEqual(files.map((f) => path.join(tmp, 'tt', f)));
    expect(progress.map((p) => [p.frame, p.of])).toEqual([[2, 6], [3, 6], [4, 6]]);
    expect(logs.some((l) => /Sample \d+\/4/.test(l))).toBe(true);
    const [f2, f3] = files.map((f) => fs.readFileSync(path.join(tmp, 'tt', f)));
    expect(f2!.equals(f3!)).toBe(false);
  });

  it('export_blend re-opens (inspect_blend) with the same objects', async () => {
    const { out: _out, ...scene } = still();
    const blend = path.join(tmp, 'scene.blend');
    const exported = ok(await warm.run({ ...scene, kind: 'export_blend', blend: { pack_resources: true, compress: true }, out: blend }, { timeoutMs: T }));
    expect(fs.existsSync(blend)).toBe(true);
    const inspected = ok(await warm.run({ kind: 'inspect_blend', id: 'inspect', blend }, { timeoutMs: T }));
    expect(inspected.objects).toEqual(exported.objects);
    expect(inspected.cameras).toEqual(['lightbox_camera']);
    expect(inspected.materials).toEqual(expect.arrayContaining(['lightbox_anodized_red', 'lightbox_neutral_grey']));
  });
});

describe('failures', () => {
  it('a failing job gets an error reply and the server keeps serving', async () => {
    const pid = warm.pid;
    const reply = await warm.run(still({ glb: path.join(tmp, 'missing.glb') }), { timeoutMs: T });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatch(/GLB not found/);
    const ping = await warm.run({ kind: 'ping', id: 'ping-after-error' }, { timeoutMs: T });
    expect(ping).toMatchObject({ ok: true, id: 'ping-after-error' });
    expect(warm.pid).toBe(pid);
  });

  it("Blender's own output cannot forge a reply: a traceback quoting a file name shaped like one is a log line", async () => {
    const id = 'forge-1';
    const forged = JSON.stringify({ id, kind: 'render_still', ok: true, result: { file: '/forged.png' }, rssBytes: 1, maxRssBytes: 1 });
    // The GLB is missing, so the job fails and its traceback (printed on stdout) quotes the path.
    const glb = path.join(tmp, `missing.glb\nLIGHTBOX_REPLY ${forged}\nLIGHTBOX_PROGRESS {"job":"${id}","frame":1,"of":1}\n`);
    const logged: string[] = [];
    const progress: JobProgress[] = [];
    const reply = await warm.run(still({ id, glb }), { timeoutMs: T, onLog: (line) => logged.push(line), onProgress: (p) => progress.push(p) });
    expect(reply).toMatchObject({ id, ok: false, error: expect.stringMatching(/GLB not found/) });
    expect(logged).toContain(`LIGHTBOX_REPLY ${forged}`);
    expect(progress).toEqual([]);
    const cold = await runColdJob(BLENDER, still({ id, glb }), { timeoutMs: T });
    expect(cold.reply).toMatchObject({ id, ok: false });
  });

  it('a cold job that fails gives the same error reply shape and exit code 1', async () => {
    const { reply, process: proc } = await runColdJob(BLENDER, still({ glb: path.join(tmp, 'missing.glb') }), { timeoutMs: T });
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/GLB not found/) });
    expect(proc.exitCode).toBe(1);
  });

  it('an invalid spec rejects before anything is sent; a second job while busy is refused', async () => {
    await expect(warm.run({ ...still(), out: 'relative.png' }, { timeoutMs: T })).rejects.toThrow(/absolute path/);
    const first = warm.run(still(), { timeoutMs: T });
    await expect(warm.run(still(), { timeoutMs: T })).rejects.toMatchObject({ code: 'busy' });
    expect((await first).ok).toBe(true);
  });

  it('a bad JSON line gets an error reply and the server keeps serving', async () => {
    const script = path.join(defaultScriptsDir(), 'server.py');
    const child = spawn(BLENDER, [...HARDENED_BLENDER_FLAGS, '--python-exit-code', '1', '--python', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.write('this is not json\n{"kind":"ping","id":"p1"}\n{"kind":"quit","id":"q"}\n');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const replies = out.split('\n').filter((l) => l.startsWith('LIGHTBOX_REPLY ')).map((l) => JSON.parse(l.slice(15)) as JobReply);
    expect(code).toBe(0);
    expect(replies.map((r) => [r.id, r.ok])).toEqual([[null, false], ['p1', true], ['q', true]]);
  });

  it('recycleIfNeeded restarts after maxJobs', async () => {
    const before = warm.pid!;
    expect(await warm.recycleIfNeeded({ maxJobs: 1000 })).toBe(false);
    expect(await warm.recycleIfNeeded({ maxJobs: 1 })).toBe(true);
    expect(warm.pid).not.toBe(before);
    expect(warm.jobsDone).toBe(0);
    expect(await waitGone(before, 5000)).toBe(true);
  });

  it('SIGKILL of the warm process mid-job rejects the run promptly with a clear error', async () => {
    const pid = warm.pid!;
    const long = still({ renderer: { engine: 'cycles', samples: 4096, seed: 0, threads: 0 }, resolution: { width: 256, height: 256, percentage: 100 } });
    let killedAt = 0;
    const run = warm.run(long, {
      timeoutMs: T,
      onLog: (line) => {
        if (killedAt === 0 && /Sample \d+\/4096/.test(line)) {
          killedAt = Date.now();
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BlenderJobError);
    expect((error as BlenderJobError).code).toBe('exited');
    expect((error as BlenderJobError).exitSignal).toBe('SIGKILL');
    expect((error as Error).message).toMatch(/killed by SIGKILL during job still-\d+/);
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect(warm.running).toBe(false);
    await expect(warm.run({ kind: 'ping', id: 'dead' }, { timeoutMs: T })).rejects.toThrow(/not running/);
  });

  it('a job over its timeout kills the process group: no Blender left', async () => {
    await warm.start();
    const pid = warm.pid!;
    const long = still({ renderer: { engine: 'cycles', samples: 4096, seed: 0, threads: 0 }, resolution: { width: 256, height: 256, percentage: 100 } });
    const started = Date.now();
    await expect(warm.run(long, { timeoutMs: 1500 })).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await waitGone(pid, 3000)).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(() => process.kill(-pid, 0)).toThrow();
  });
});
