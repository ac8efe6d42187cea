import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../platform/transport/event-bus';
import { defaultSettings } from '../../platform/settings/defaults';
import { materialLibraryForJob } from '../../../workers/blender/job-spec';
import { makeBoxesGlb } from '../../../workers/blender/test-glb';
import { createFarmService } from './farm-service';

let tmp: string;
let glb: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-farm-service-'));
  glb = path.join(tmp, 'box.glb');
  fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'widget', size: [1, 1, 1], translation: [0, 0, 0] }]));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('farm service (what the backend holds)', () => {
  it('reports a missing Blender as error data and can try again later', async () => {
    const service = createFarmService({ dataDir: path.join(tmp, 'd0'), settings: () => ({ ...defaultSettings(), blenderPath: '/nonexistent/blender' }), env: {} });
    await expect(service.get()).rejects.toMatchObject({ code: 'blender_not_found' });
    expect(service.started).toBe(false);
    await service.close();
  });

  it('starts on first use from settings, pushes farm.changed (throttled) and farm.log, and close() leaves no Blender', async () => {
    const events = new EventBus();
    const changed: number[] = [];
    let logs = 0;
    events.subscribe((event) => {
      if (event === 'farm.changed') changed.push(Date.now());
      if (event === 'farm.log') logs += 1;
    });
    const settings = { ...defaultSettings(), farm: { concurrency: 1, threadsPerBlender: 1, mode: 'warm' as const } };
    const service = createFarmService({ dataDir: path.join(tmp, 'd1'), settings: () => settings, env: { ...process.env, BLENDER_PATH: '/usr/bin/blender' }, events });
    expect(service.status()).toMatchObject({ started: false, concurrency: 1 });
    const farm = await service.get();
    expect(await service.get()).toBe(farm);
    const reply = await farm.runJob(
      {
        kind: 'render_still',
        id: 'svc',
        glb,
        lighting: 'studio_soft',
        materials: { library: materialLibraryForJob() },
        renderer: { engine: 'cycles', samples: 64, seed: 0, threads: 0 },
        resolution: { width: 64, height: 64, percentage: 100 },
        out: path.join(tmp, 'svc.png'),
      },
      { label: 'svc', timeoutMs: 30_000 },
    );
    expect(reply.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(service.status()).toMatchObject({ started: true, tasks: [{ state: 'succeeded', progress: 1 }] });
    expect(logs).toBeGreaterThan(0);
    expect(changed.length).toBeGreaterThan(0);
    for (let i = 1; i < changed.length; i++) expect(changed[i]! - changed[i - 1]!).toBeGreaterThanOrEqual(190);
    const pids = farm.livePids();
    expect(pids).toHaveLength(1);
    await service.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await expect(service.get()).rejects.toMatchObject({ code: 'farm_closed' });
  });
});
