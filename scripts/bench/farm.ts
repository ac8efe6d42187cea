/**
 * npm run bench:farm — the render farm against the naive way, both in this one process launch.
 *
 * 1. 20 stills (256×256, 16 samples) of a real STEP part: the farm (warm Blender processes)
 *    against a sequential loop of fresh `blender -b` processes doing the same renders.
 * 2. A 24-frame turntable: the farm (frames chunked across its processes) against one
 *    `blender -b` process rendering every frame in turn, as `blender -b … -a` would.
 * 3. Peak resident memory of this (app-side) process while the farm runs.
 * Figures and ratios are printed; targets: ≥ 4× for stills, ≥ 1.5× for the turntable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestCad } from '../../main/execution/cad/ingest';
import { createLocalFarm } from '../../main/execution/farm/local-farm';
import type { RenderFarm } from '../../main/execution/farm/types';
import { findTool } from '../../main/platform/tools/find-executable';
import { applyMaterials, prepareScene } from '../../main/execution/render/scene';
import { renderStill, type ImageRenderSettings } from '../../main/execution/render/still';
import { renderTurntable } from '../../main/execution/render/turntable';
import { runColdJob } from '../../workers/blender/cold-job';
import { defaultScriptsDir, type BlenderJobInput, type JobReply } from '../../workers/blender/job-spec';
import { NODE_SPECS } from '../../main/nodes/specs';

const STILLS = 20;
const FRAMES = 24;
const SIZE = 256;
const SAMPLES = 16;
const TIMEOUT_MS = 300_000;

function defaultsOf<T>(type: string): T {
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!spec) throw new Error(`no node type ${type}`);
  return spec.settings.parse({}) as T;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const blender = await findTool('blender', null, process.env);
  if (!blender.found) throw new Error(`Blender not found: ${blender.problem}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-bench-'));
  const step = path.resolve('node_modules/occt-import-js/test/testfiles/cax-if/as1-oc-214.stp');
  const cores = os.availableParallelism();
  const concurrency = Math.max(2, cores);
  console.log(`Lightbox farm benchmark — ${cores} cores, Blender at ${blender.path}, part ${path.basename(step)}`);
  console.log(`  ${STILLS} stills and a ${FRAMES}-frame turntable, ${SIZE}×${SIZE}, ${SAMPLES} samples, Cycles on the CPU`);

  try {
    const ingested = await ingestCad({ file: step, outDir: path.join(work, 'cad'), thumbnail: false });
    const prepared = defaultsOf<Parameters<typeof prepareScene>[0]>('prepare_scene');
    const scene = applyMaterials(prepareScene(prepared), defaultsOf<Parameters<typeof applyMaterials>[1]>('apply_materials'));
    const render = defaultsOf<ImageRenderSettings>('render_still');
    // The baseline renders with every core (threads 0); the farm runs one process per core with one thread each.
    const settings: ImageRenderSettings = {
      renderer: { ...render.renderer, samples: SAMPLES, seed: 0 },
      resolution: { width: SIZE, height: SIZE, percentage: 100 },
      output: { ...render.output, format: 'png', filename: 'still_{line}' },
    };
    const { filename: _f, ...output } = settings.output;
    const names = { order: 'bench', line: '1', cad: 'as1-oc-214', preset: 'bench' };
    const baseJob = { glb: ingested.glbPath, ...scene, renderer: { ...settings.renderer, threads: 0 }, resolution: settings.resolution, output };

    // --- Stills: baseline, fresh process per render, one after another.
    const naiveDir = path.join(work, 'naive-stills');
    fs.mkdirSync(naiveDir, { recursive: true });
    const naive = await timed(async () => {
      for (let i = 0; i < STILLS; i++) {
        const job: BlenderJobInput = { kind: 'render_still', id: `naive-${i}`, ...baseJob, out: path.join(naiveDir, `still_${i}.png`) };
        const { reply } = await runColdJob(blender.path, job, { timeoutMs: TIMEOUT_MS, scriptsDir: defaultScriptsDir() });
        if (!reply.ok) throw new Error(`baseline render failed: ${reply.error}`);
      }
    });

    // --- Stills: the farm, started inside the measurement (a cold app start).
    const rss = sampleRss();
    const stillsThrough = (farm: RenderFarm, dir: string) =>
      Promise.all(
        Array.from({ length: STILLS }, (_, i) =>
          renderStill({ farm, glb: ingested.glbPath, scene, settings, outDir: dir, names: { ...names, line: String(i) }, timeoutMs: TIMEOUT_MS }),
        ),
      );
    const farmStills = await timed(async () => {
      const farm = createLocalFarm({ blenderPath: blender.path, dataDir: path.join(work, 'data-stills'), concurrency, threadsPerBlender: 1, mode: 'warm' });
      try {
        await stillsThrough(farm, path.join(work, 'farm-stills'));
      } finally {
        await farm.close();
      }
    });

    // --- Stills: the farm in its steady state, its warm processes already started (as the app
    // starts them at launch). One ping per slot brings every process up before the clock starts.
    const warmFarm = createLocalFarm({ blenderPath: blender.path, dataDir: path.join(work, 'data-warm'), concurrency, threadsPerBlender: 1, mode: 'warm' });
    let warmStills: { ms: number };
    let oneStill: JobReply;
    try {
      await Promise.all(Array.from({ length: concurrency }, (_, i) => warmFarm.runJob({ kind: 'ping', id: `warm-${i}` }, { label: 'warm-up', timeoutMs: TIMEOUT_MS })));
      warmStills = await timed(() => stillsThrough(warmFarm, path.join(work, 'warm-stills')));
      // The compute floor: one still alone on one warm process, one thread, as Blender times it.
      oneStill = await warmFarm.runJob({ kind: 'render_still', id: 'floor', ...baseJob, renderer: { ...baseJob.renderer, threads: 1 }, out: path.join(work, 'floor.png') }, { label: 'floor', timeoutMs: TIMEOUT_MS });
    } finally {
      await warmFarm.close();
    }
    // Blender start-up alone: a fresh process that only answers a ping.
    const startup = await timed(() => runColdJob(blender.path, { kind: 'ping', id: 'startup' }, { timeoutMs: TIMEOUT_MS, scriptsDir: defaultScriptsDir() }));

    // Same pixels every way: the farm must not buy speed with different output.
    const reference = fs.readFileSync(path.join(naiveDir, 'still_0.png'));
    const same = ['farm-stills', 'warm-stills'].every((dir) =>
      Array.from({ length: STILLS }, (_, i) => path.join(work, dir, `still_${i}.png`)).every((f) => reference.equals(fs.readFileSync(f))),
    );

    // --- Turntable: baseline, one process rendering every frame.
    const naiveTurn = await timed(async () => {
      const job: BlenderJobInput = {
        kind: 'render_frames',
        id: 'naive-turntable',
        ...baseJob,
        turntable: { frames: FRAMES, degrees: 360 },
        frame_range: [1, FRAMES],
        out_pattern: path.join(work, 'naive-turntable', 'frame_{frame}.png'),
      };
      fs.mkdirSync(path.join(work, 'naive-turntable'), { recursive: true });
      const { reply } = await runColdJob(blender.path, job, { timeoutMs: TIMEOUT_MS, scriptsDir: defaultScriptsDir() });
      if (!reply.ok) throw new Error(`baseline turntable failed: ${reply.error}`);
    });

    // --- Turntable: the farm, a fresh one, frames chunked across its processes.
    const farmTurn = await timed(async () => {
      const farm = createLocalFarm({ blenderPath: blender.path, dataDir: path.join(work, 'data-turntable'), concurrency, threadsPerBlender: 1, mode: 'warm' });
      try {
        const result = await renderTurntable({
          farm,
          glb: ingested.glbPath,
          scene,
          settings: { ...settings, output: { ...settings.output, filename: 'frame_{frame}' }, turntable: { frames: FRAMES, degrees: 360 } },
          outDir: path.join(work, 'farm-turntable'),
          names,
          timeoutMs: TIMEOUT_MS,
        });
        if (result.frames.length !== FRAMES) throw new Error(`turntable gave ${result.frames.length} frames`);
      } finally {
        await farm.close();
      }
    });
    const peak = rss.stop();

    const stillRatio = naive.ms / farmStills.ms;
    const warmRatio = naive.ms / warmStills.ms;
    const turnRatio = naiveTurn.ms / farmTurn.ms;
    // What no scheduler can beat: each still's sampling on one thread, spread over every core.
    const perStillMs = (oneStill.seconds ?? Number.NaN) * 1000;
    const floorStills = (STILLS * perStillMs) / cores;
    const floorTurn = (FRAMES * perStillMs) / cores;
    const verdict = (ratio: number, target: number) => (ratio >= target ? `meets ≥ ${target}×` : `BELOW the ${target}× target`);
    console.log('');
    console.log('| case | baseline | farm | ratio | target |');
    console.log('|---|---|---|---|---|');
    console.log(`| ${STILLS} stills | ${fmt(naive.ms)} (fresh blender -b per still, sequential) | ${fmt(farmStills.ms)} (${concurrency} warm processes, farm start included) | ${stillRatio.toFixed(2)}× | ${verdict(stillRatio, 4)} |`);
    console.log(`| ${STILLS} stills, pool already warm | ${fmt(naive.ms)} (same baseline) | ${fmt(warmStills.ms)} (${concurrency} processes started before the clock) | ${warmRatio.toFixed(2)}× | ${verdict(warmRatio, 4)} |`);
    console.log(`| ${FRAMES}-frame turntable | ${fmt(naiveTurn.ms)} (one blender -b for all frames) | ${fmt(farmTurn.ms)} (${concurrency} warm processes, farm start included) | ${turnRatio.toFixed(2)}× | ${verdict(turnRatio, 1.5)} |`);
    console.log(`| app-side peak RSS during the farm runs | | ${mib(peak)} | | |`);
    console.log('');
    console.log(`Per still: baseline ${fmt(naive.ms / STILLS)}, farm ${fmt(farmStills.ms / STILLS)}, warm pool ${fmt(warmStills.ms / STILLS)}. All ${STILLS * 2} farm PNGs byte-identical to the baseline's: ${same ? 'yes' : 'NO'}.`);
    console.log('');
    console.log('The ceiling on this machine (measured in this run):');
    console.log(`  Blender start-up (fresh process answering a ping): ${fmt(startup.ms)}; one still's sampling on one thread: ${fmt(perStillMs)}.`);
    console.log(`  However the farm schedules, ${STILLS} stills need ${STILLS} × ${fmt(perStillMs)} of CPU over ${cores} cores ≥ ${fmt(floorStills)}: at most ${(naive.ms / floorStills).toFixed(2)}× over the baseline.`);
    console.log(`  The turntable baseline already uses every core; ${FRAMES} frames need ≥ ${fmt(floorTurn)}: at most ${(naiveTurn.ms / floorTurn).toFixed(2)}×.`);
    if (stillRatio < 4 || turnRatio < 1.5 || !same) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
