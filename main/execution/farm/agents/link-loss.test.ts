import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialLibraryForJob, type BlenderJobInput } from '../../../../workers/blender/job-spec';
import { makeBoxesGlb } from '../../../../workers/blender/test-glb';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { createNetNamespace, netnsSkipReason, type NetNamespace } from '../../../testing/netns';
import { waitFor } from '../../../testing/processes';
import { agentCli, startAgent, startController, type TestController } from './testing';

/**
 * An agent on "another machine" (a network namespace joined by a veth pair) whose link is cut
 * mid-render for less than the lease timeout: it keeps rendering, buffers what it reports, and
 * replays it once the link is back; the controller appends every log line once and the same
 * attempt completes.
 */
const skip = netnsSkipReason();

describe.skipIf(skip !== null)('render agent across a cut link', () => {
  let tmp: string;
  let ns: NetNamespace;
  let controller: TestController;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-agent-ns-'));
    ns = createNetNamespace();
    controller = await startController(path.join(tmp, 'controller'), { concurrency: 0, leaseTimeoutMs: 8_000, heartbeatMs: 250, host: ns.hostAddress });
  });
  afterAll(async () => {
    await controller?.stop();
    await ns?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('buffers reports while the link is down and replays them: the same attempt completes, every log line once', async () => {
    const glb = path.join(tmp, 'boxes.glb');
    fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'Base', size: [2, 0.5, 2], translation: [0, 0, 0] }, { name: 'Post', size: [0.5, 2, 0.5], translation: [0, 1.25, 0] }]));
    const token = createAgentTokenStore(controller.backend.db).create('ns-box').token;
    const agent = startAgent(agentCli(), ['--controller', controller.url, '--slots', '1', '--threads', '1', '--work-dir', path.join(tmp, 'agent'), '--json'], token, {}, (c, a, o) => ns.spawn(c, a, o));
    try {
      await agent.line;
      const farm = await controller.backend.farm.get();
      const job: BlenderJobInput = {
        kind: 'render_still',
        id: 'ns-still',
        glb,
        camera: { angle: 'front' },
        lighting: 'studio_soft',
        materials: { default: 'neutral_grey', by_part: [], library: materialLibraryForJob() },
        renderer: { engine: 'cycles', samples: 64, seed: 0, threads: 0 },
        resolution: { width: 96, height: 96, percentage: 100 },
        out: path.join(tmp, 'out', 'still.png'),
      };
      const lines: string[] = [];
      const submitted = farm.submitJob(job, { label: 'ns still', timeoutMs: 60_000, onLog: (l) => lines.push(l) });
      const task = () => farm.status().tasks.find((t) => t.id === submitted.taskId);
      // Blender on the agent is rendering: its first lines came through.
      expect(await waitFor(() => task()?.attempts[0]?.agent === 'ns-box' && lines.length > 0, 15_000), agent.err()).toBe(true);
      ns.cutLink();
      const heardAtCut = lines.length;
      await new Promise((r) => setTimeout(r, 2_500));
      // Nothing arrived while the link was down, and the lease still holds.
      expect(lines.length).toBe(heardAtCut);
      expect(task()?.attempts).toHaveLength(1);
      // Still running here: whatever the agent finished meanwhile waits in its outbox.
      expect(task()?.state).toBe('running');
      ns.restoreLink();
      expect(await submitted.done).toMatchObject({ ok: true });
      expect(task()?.attempts, agent.err()).toEqual([expect.objectContaining({ attempt: 1, agent: 'ns-box', outcome: 'succeeded' })]);
      const samples = lines.filter((l) => /Sample \d+\/64|Rendered \d+\/64/.test(l));
      // Every line once, in Blender's order, through the last sample.
      expect(new Set(lines).size).toBe(lines.length);
      expect(samples.some((l) => /(Sample|Rendered) 64\/64/.test(l))).toBe(true);
      expect(fs.existsSync(job.out)).toBe(true);
    } finally {
      await agent.stop();
    }
  });
});
