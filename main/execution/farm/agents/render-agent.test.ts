import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialLibraryForJob, type BlenderJobInput } from '../../../../workers/blender/job-spec';
import { makeBoxesGlb } from '../../../../workers/blender/test-glb';
import { FarmStatusSchema } from '../../../../shared/farm/status';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { TEST_BLENDER } from '../../../testing/processes';
import { createLocalFarm } from '../local-farm';
import { agentCli, startAgent, startController, type TestController } from './testing/agent-processes';

/**
 * Render agents with real parts: a controller (backend, host, farm) in this process, `lightbox
 * agent` as its own process with its own warm Blender, talking HTTP on loopback.
 */

let tmp: string;
let glb: string;
let cli: string;
let n = 0;

function still(dir: string, samples = 4): Extract<BlenderJobInput, { kind: 'render_still' }> {
  n += 1;
  return {
    kind: 'render_still',
    id: `agent-${n}`,
    glb,
    camera: { angle: 'front' },
    lighting: 'studio_soft',
    background: { mode: 'color', color: '#336699' },
    materials: { default: 'neutral_grey', by_part: [], library: materialLibraryForJob() },
    renderer: { engine: 'cycles', samples, seed: 0, threads: 0 },
    resolution: { width: 48, height: 48, percentage: 100 },
    output: { format: 'png' },
    out: path.join(dir, 'still.png'),
  };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-agent-'));
  glb = path.join(tmp, 'boxes.glb');
  fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'Base', size: [2, 0.5, 2], translation: [0, 0, 0] }, { name: 'Post', size: [0.5, 2, 0.5], translation: [0, 1.25, 0] }]));
  cli = agentCli();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lightbox agent', () => {
  let controller: TestController;
  let token: string;
  beforeAll(async () => {
    controller = await startController(path.join(tmp, 'controller'), { concurrency: 0, leaseTimeoutMs: 2000, heartbeatMs: 200 });
    token = createAgentTokenStore(controller.backend.db).create('box-1').token;
  });
  afterAll(async () => {
    await controller?.stop();
  });

  it('registers, renders a still on a controller with no local slot byte-identical to the local farm, is listed in farm.status, and drains on SIGTERM with exit 0', async () => {
    const agent = startAgent(cli, ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'agent-1'), '--json'], token);
    try {
      const line = await agent.line;
      expect(line).toEqual({ agentId: expect.stringMatching(/^agent-/), controller: controller.url, slots: 1 });
      const farm = await controller.backend.farm.get();
      expect(farm.concurrency).toBe(0);
      const job = still(path.join(tmp, 'remote'));
      const lines: string[] = [];
      const reply = await farm.runJob(job, { label: 'remote still', timeoutMs: 60_000, onLog: (l) => lines.push(l) });
      expect(reply).toMatchObject({ ok: true, result: { file: job.out } });
      // The task ran on the agent: its attempt names it, and Blender's lines came through.
      const status = FarmStatusSchema.parse((await controller.backend.dispatch('farm.status', {}, { transport: 'http' }) as { result: unknown }).result);
      const task = status.tasks.find((t) => t.label === 'remote still');
      expect(task?.attempts).toEqual([expect.objectContaining({ attempt: 1, agent: 'box-1', outcome: 'succeeded' })]);
      expect(lines.some((l) => /Sample \d+\/4|Rendered/.test(l))).toBe(true);
      expect(status.agents).toEqual([expect.objectContaining({ id: line.agentId, name: 'box-1', host: os.hostname(), state: 'online', slots: 1, busy: 0, tasksDone: 1, kind: 'agent', slurmJobId: null })]);

      // The same job on a local farm here gives the same bytes.
      const local = createLocalFarm({ blenderPath: TEST_BLENDER, dataDir: path.join(tmp, 'local'), concurrency: 1, threadsPerBlender: 2 });
      try {
        const localJob = { ...job, out: path.join(tmp, 'local-out', 'still.png') };
        expect(await local.runJob(localJob, { label: 'local still', timeoutMs: 60_000 })).toMatchObject({ ok: true });
        expect(fs.readFileSync(job.out).equals(fs.readFileSync(localJob.out))).toBe(true);
      } finally {
        await local.close();
      }

      agent.child.kill('SIGTERM');
      expect(await agent.exit).toEqual({ code: 0, signal: null });
      expect(agent.err()).not.toContain(token);
      expect(controller.backend.agents.list().find((a) => a.id === line.agentId)?.state).toBe('offline');
    } finally {
      await agent.stop();
    }
  });
});
