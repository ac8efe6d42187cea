import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaAsset } from '../../../shared/media/api';
import type { Notification } from '../../../shared/notifications/api';
import type { WorkflowRun } from '../../../shared/runs/api';
import { livePidsFile } from '../farm/pid-registry';
import { examplesDir, repoRoot } from '../../catalog/legacy/legacy-testing';
import { cliOn } from '../../testing/cli-capture';
import { queryDataDir } from '../../testing/read-db';
import { isAlive, waitFor, waitGone } from '../../testing/processes';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';

/**
 * Issue #5, item 4: a real `lightbox dispatch` process is killed with SIGKILL while Blender
 * renders. Afterwards nothing is published, the next start marks the run interrupted, and
 * dispatching again completes the line with exactly one asset and one notification.
 * Runs the built CLI (dist/, made by `npm install`/`npm run build`), as a user would.
 */
const T = 180_000;
const CLI = path.join(repoRoot, 'scripts', 'lightbox.mjs');

let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let lineId: string;

const cli = (args: string[]) => cliOn(dataDir, args);

const query = <T>(sql: string, ...params: unknown[]): T[] => queryDataDir<T>(dataDir, sql, ...params);

const filesUnder = (dir: string): string[] => (fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : []);

beforeAll(async () => {
  tmp = makeTempDir('lightbox-crash-');
  dataDir = path.join(tmp.dir, 'data');
  expect((await cli(['legacy', 'import', path.join(examplesDir, 'preset.still_white_2k.json')])).code).toBe(0);
  const created = await cli(['order', 'create', '--cad', TEST_STEP, '--output-type', 'still_white_2k', '--json']);
  expect(created.code, created.err).toBe(0);
  lineId = (JSON.parse(created.out) as { lines: { id: string }[] }).lines[0]?.id as string;
}, T);

afterAll(() => tmp.cleanup());

describe('a dispatch killed mid-render (SIGKILL)', () => {
  it('publishes nothing, is marked interrupted at the next start, and re-dispatch completes it exactly once', async () => {
    expect(fs.existsSync(path.join(repoRoot, 'dist', 'main', 'cli.mjs')), 'dist/ is built (npm run build)').toBe(true);
    // A render long enough to be killed in the middle of (a few seconds of Cycles).
    const child = spawn(process.execPath, [CLI, 'dispatch', lineId, '--data-dir', dataDir, '--max-size', '256', '--samples', '256', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    const rendering = await waitFor(() => {
      if (!fs.existsSync(path.join(dataDir, 'lightbox.db'))) return false;
      const running = query<{ n: number }>(`SELECT count(*) AS n FROM node_runs WHERE node_type = 'render_still' AND status = 'running'`);
      if ((running[0]?.n ?? 0) !== 1 || !fs.existsSync(livePidsFile(dataDir, child.pid))) return false;
      return (JSON.parse(fs.readFileSync(livePidsFile(dataDir, child.pid), 'utf8')) as { processes: unknown[] }).processes.length > 0;
    }, 60_000, 50);
    // Blender is up and the render job is on its way: give it a moment to be mid-render.
    await new Promise((r) => setTimeout(r, 1500));
    expect(rendering, `the render never started: ${stderr}`).toBe(true);
    const blenders = (JSON.parse(fs.readFileSync(livePidsFile(dataDir, child.pid), 'utf8')) as { processes: { pid: number }[] }).processes.map((p) => p.pid);
    expect(blenders.length).toBeGreaterThan(0);

    expect(query<{ status: string }>(`SELECT status FROM node_runs WHERE node_type = 'render_still'`), 'still rendering when killed').toEqual([{ status: 'running' }]);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // Killed mid-render: no asset row, no file in the media library, no notification.
    expect(query('SELECT id FROM media_assets')).toEqual([]);
    expect(filesUnder(path.join(dataDir, 'media'))).toEqual([]);
    expect(query('SELECT id FROM notifications')).toEqual([]);
    expect(query<{ status: string }>('SELECT status FROM workflow_runs WHERE order_line_id = ?', lineId)).toEqual([{ status: 'running' }]);

    // The next start (any verb) recovers: the run is interrupted, the line queued again.
    const list = await cli(['notifications', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(query<{ status: string; attempt: number }>('SELECT status, attempt FROM workflow_runs WHERE order_line_id = ?', lineId)).toEqual([{ status: 'interrupted', attempt: 1 }]);
    expect(query<{ status: string; error: string }>('SELECT status, error FROM order_lines WHERE id = ?', lineId)[0]).toMatchObject({ status: 'queued', error: expect.stringContaining('interrupted') });
    expect(query<{ status: string }>(`SELECT status FROM node_runs WHERE node_type = 'render_still'`)).toEqual([{ status: 'interrupted' }]);

    // Re-dispatch completes it: attempt 2, exactly one asset and one notification.
    const again = await cli(['dispatch', lineId, '--max-size', '64', '--samples', '4', '--json']);
    expect(again.code, again.err + again.out).toBe(0);
    const outcome = JSON.parse(again.out) as { run: WorkflowRun; assets: MediaAsset[]; notifications: Notification[] };
    expect(outcome.run).toMatchObject({ attempt: 2, status: 'succeeded' });
    expect(query('SELECT id FROM media_assets')).toHaveLength(1);
    expect(filesUnder(path.join(dataDir, 'media'))).toEqual([outcome.assets[0]?.file]);
    expect(query<{ channel: string }>('SELECT channel FROM notifications')).toEqual([{ channel: 'desktop' }]);

    // Dispatching the finished line again renders nothing and publishes nothing more.
    const twice = await cli(['dispatch', lineId, '--json']);
    expect(twice.code).toBe(0);
    expect((JSON.parse(twice.out) as { alreadyDone: boolean }).alreadyDone).toBe(true);
    expect(query('SELECT id FROM media_assets')).toHaveLength(1);
    expect(query('SELECT id FROM notifications')).toHaveLength(1);
    expect(query<{ status: string }>('SELECT status FROM workflow_runs WHERE order_line_id = ? ORDER BY attempt', lineId).map((r) => r.status)).toEqual(['interrupted', 'succeeded']);

    // The killed dispatch's Blenders did not outlive it.
    for (const pid of blenders) expect(await waitGone(pid, 15_000), `Blender ${pid} still running`).toBe(true);
    expect(blenders.some(isAlive)).toBe(false);
  }, T);
});
