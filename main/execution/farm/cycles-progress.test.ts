import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBoxesGlb } from '../../../workers/blender/test-glb';
import { TEST_BLENDER } from '../../testing/processes';
import { applyMaterials, prepareScene } from '../render/scene';
import { renderStill, type RenderProgress } from '../render/still';
import { renderTurntable } from '../render/turntable';
import { createLocalFarm, type LocalFarm } from './local-farm';

let tmp: string;
let glb: string;
let farm: LocalFarm;

const settings = {
  renderer: { engine: 'cycles' as const, samples: 32, seed: 0, denoise: false, threads: 0 },
  resolution: { width: 48, height: 48, percentage: 100 },
  output: { format: 'png' as const, quality: 90, color_depth: 8 as const, filename: 'progress_{frame}' },
};
const scene = applyMaterials(prepareScene({ camera: { angle: 'front', focal_length_mm: 50, fit_margin: 0.1 }, lighting: 'studio_soft', background: { mode: 'color', color: '#336699' } }), { default: 'neutral_grey', by_part: {} });
const names = { order: 'o', line: 'l', cad: 'box', preset: 'p' };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-cycles-progress-'));
  glb = path.join(tmp, 'box.glb');
  fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'widget', size: [1, 1, 1], translation: [0, 0, 0] }]));
  farm = createLocalFarm({ blenderPath: TEST_BLENDER, dataDir: path.join(tmp, 'data'), concurrency: 1, threadsPerBlender: 1, mode: 'warm' });
});

afterAll(async () => {
  await farm.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The fractions a render reported, in order, and whether each came before the render ended. */
function recorder() {
  const seen: { fraction: number; beforeEnd: boolean }[] = [];
  let ended = false;
  return {
    seen,
    onProgress: (p: RenderProgress) => seen.push({ fraction: p.done / p.total, beforeEnd: !ended }),
    end: () => {
      ended = true;
    },
  };
}

describe('render progress from what Cycles prints (a real Blender render)', () => {
  it('a still reports samples as they render: fractions strictly between 0 and 1 before the end, then 1', async () => {
    const progress = recorder();
    const taskFractions: number[] = [];
    const off = farm.on('changed', (status) => {
      for (const t of status.tasks) if (t.state === 'running') taskFractions.push(t.progress);
    });
    // Large enough that sampling outlasts several of farm.changed's 200 ms throttle intervals even on
    // a fast machine, so a running task with partial progress is seen there too.
    const stillSettings = { ...settings, renderer: { ...settings.renderer, samples: 64 }, resolution: { width: 128, height: 128, percentage: 100 } };
    const rendered = await renderStill({ farm, glb, scene, settings: stillSettings, outDir: path.join(tmp, 'still'), names, timeoutMs: 60_000, onProgress: progress.onProgress });
    progress.end();
    off();
    expect(fs.existsSync(rendered.file)).toBe(true);
    const partial = progress.seen.filter((p) => p.beforeEnd && p.fraction > 0 && p.fraction < 1);
    expect(partial.length).toBeGreaterThan(0);
    // Steps only move forward, and the last one is the whole render.
    const fractions = progress.seen.map((p) => p.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(fractions.at(-1)).toBe(1);
    // The farm's own task shows it too (what the farm page draws).
    expect(taskFractions.some((f) => f > 0 && f < 1)).toBe(true);
    const task = farm.status().tasks.at(-1)!;
    expect(task).toMatchObject({ state: 'succeeded', progress: 1, probe: false, title: 'Still 128×128, 64 samples (Cycles) → progress_0001.png' });
  }, 90_000);

  it('a turntable counts samples over all its frames', async () => {
    const progress = recorder();
    const totals = new Set<number>();
    await renderTurntable({
      farm,
      glb,
      scene,
      settings: { ...settings, renderer: { ...settings.renderer, samples: 8 }, turntable: { frames: 3, degrees: 360 } },
      outDir: path.join(tmp, 'turntable'),
      names,
      timeoutMs: 60_000,
      onProgress: (p) => {
        totals.add(p.total);
        progress.onProgress(p);
      },
    });
    progress.end();
    expect([...totals]).toEqual([24]);
    // Within the first frame already: less than a third done.
    expect(progress.seen.some((p) => p.beforeEnd && p.fraction > 0 && p.fraction < 1 / 3)).toBe(true);
    expect(progress.seen.at(-1)?.fraction).toBe(1);
  }, 90_000);

  it('a version ping is a probe, and says what it is', async () => {
    await farm.runJob({ kind: 'ping', id: 'probe-1' }, { label: 'probe-1', timeoutMs: 30_000 });
    expect(farm.status().tasks.at(-1)).toMatchObject({ kind: 'ping', probe: true, title: 'Blender version check', orderLineId: null });
  }, 60_000);
});
