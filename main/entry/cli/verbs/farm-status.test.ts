import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli';
import { makeTempDir } from '../../../testing/temp-dir';
import { captureCli } from '../../../testing/cli-capture';
import { FarmStatusSchema } from '../../../../shared/farm/status';
import { createNodeBackend } from '../node-backend';

describe('lightbox farm status', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  beforeEach(() => {
    tmp = makeTempDir();
    dataDir = path.join(tmp.dir, 'data');
  });
  afterEach(() => tmp.cleanup());

  it('--json prints a FarmStatus with the configured slots, without starting the farm; exit 0', async () => {
    const c = captureCli();
    expect(await runCli(['farm', 'status', '--json', '--data-dir', dataDir], c.io)).toBe(0);
    const status = FarmStatusSchema.parse(JSON.parse(c.out()));
    expect(status.started).toBe(false);
    expect(status.processes).toHaveLength(status.concurrency);
    expect(status.processes.every((p) => p.pid === null && p.state === 'stopped')).toBe(true);
    expect(status.tasks).toEqual([]);
    // Nothing farm-related was created: no worker, no pid registry.
    expect(fs.existsSync(path.join(dataDir, 'farm', 'live-pids.json'))).toBe(false);
  });

  it('prints processes and the queue as text; exit 0', async () => {
    const c = captureCli();
    expect(await runCli(['farm', 'status', '--data-dir', dataDir], c.io)).toBe(0);
    expect(c.out()).toMatch(/^Render farm: (warm|cold) mode, \d+ process\(es\), not started in this process\nProcesses:\n {2}slot 0 {2}stopped/);
    expect(c.out()).toContain('Queue: empty');
  });

  it('farm.status and farm.cancel answer through dispatch without starting Blender', async () => {
    const backend = createNodeBackend(dataDir, {});
    try {
      const status = await backend.dispatch('farm.status', {}, { transport: 'http' });
      expect(status).toMatchObject({ ok: true, result: { started: false, tasks: [] } });
      expect(await backend.dispatch('farm.cancel', { runId: 'r1' }, { transport: 'http' })).toEqual({ ok: true, result: { cancelled: 0 } });
      const bad = await backend.dispatch('farm.cancel', { taskId: 't', runId: 'r' }, { transport: 'http' });
      expect(bad.ok).toBe(false);
      expect(backend.farm.started).toBe(false);
    } finally {
      await backend.close();
    }
  });
});
