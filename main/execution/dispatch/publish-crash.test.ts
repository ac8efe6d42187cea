import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaAsset } from '../../../shared/media/api';
import type { WorkflowRun } from '../../../shared/runs/api';
import { examplesDir, repoRoot } from '../../catalog/legacy/legacy-testing';
import { cliOn } from '../../testing/cli-capture';
import { queryDataDir } from '../../testing/read-db';
import { waitFor } from '../../testing/processes';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';

/**
 * Issue #13, item 4: publishing is atomic on disk too. A real `lightbox dispatch` process is
 * SIGKILLed at the publish step (LIGHTBOX_TEST_PUBLISH_PAUSE holds it there): once its files are
 * staged, and once the run's final transaction is committed but the files are not yet in place.
 * After a restart and a re-dispatch, every file under the media folder has exactly one row, every
 * row its file, and nothing is left in staging. Runs the built CLI (dist/), as a user would.
 */
const T = 180_000;
const CLI = path.join(repoRoot, 'scripts', 'lightbox.mjs');

let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let lines: string[];

const cli = (args: string[]) => cliOn(dataDir, args);

const query = <T>(sql: string, ...params: unknown[]): T[] => queryDataDir<T>(dataDir, sql, ...params);

const mediaDir = () => path.join(dataDir, 'media');
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort() : [];

/** Every file the asset rows name (main files and attachments), once per row that names it. */
const rowFiles = (): string[] =>
  query<{ file: string; attachments_json: string }>('SELECT file, attachments_json FROM media_assets')
    .flatMap((r) => [r.file, ...(JSON.parse(r.attachments_json) as { file: string }[]).map((a) => a.file)])
    .sort();

/** The media folder and the rows agree exactly: one row per file, a file per row, nothing staged. */
function expectMediaConsistent(): void {
  const files = filesUnder(mediaDir());
  const named = rowFiles();
  expect(new Set(named).size, 'no file is named by two rows').toBe(named.length);
  expect(files, 'the files under media/ are exactly the files the rows name').toEqual(named);
  expect(files.filter((f) => path.basename(f).startsWith('.publishing-')), 'no .publishing-* leftovers').toEqual([]);
  expect(fs.existsSync(path.join(mediaDir(), '.staging')) ? fs.readdirSync(path.join(mediaDir(), '.staging')) : [], 'nothing left in staging').toEqual([]);
}

/** Starts `lightbox dispatch` held at a publish pause point, waits until it is there, and SIGKILLs it. */
async function killAtPublish(lineId: string, at: 'staged' | 'committed'): Promise<void> {
  const marker = path.join(tmp.dir, `paused-${at}-${lineId}`);
  const child = spawn(process.execPath, [CLI, 'dispatch', lineId, '--data-dir', dataDir, '--max-size', '64', '--samples', '4', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIGHTBOX_TEST_PUBLISH_PAUSE: JSON.stringify({ at, marker }) },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const paused = await Promise.race([waitFor(() => fs.existsSync(marker), 120_000, 25), exited.then(() => false)]);
  expect(paused, `the dispatch never reached the "${at}" publish point: ${output}`).toBe(true);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

beforeAll(async () => {
  tmp = makeTempDir('lightbox-publish-crash-');
  dataDir = path.join(tmp.dir, 'data');
  expect((await cli(['legacy', 'import', path.join(examplesDir, 'preset.still_white_2k.json')])).code).toBe(0);
  lines = [];
  for (let i = 0; i < 2; i++) {
    const created = await cli(['order', 'create', '--cad', TEST_STEP, '--output-type', 'still_white_2k', '--json']);
    expect(created.code, created.err).toBe(0);
    lines.push((JSON.parse(created.out) as { lines: { id: string }[] }).lines[0]?.id as string);
  }
}, T);

afterAll(() => tmp.cleanup());

describe('a dispatch killed at the publish step (SIGKILL)', () => {
  it('killed with its files staged: the next start leaves no file without a row, and re-dispatch publishes exactly once', async () => {
    expect(fs.existsSync(path.join(repoRoot, 'dist', 'main', 'cli.mjs')), 'dist/ is built (npm run build)').toBe(true);
    const lineId = lines[0] as string;
    await killAtPublish(lineId, 'staged');
    expect(query('SELECT id FROM media_assets'), 'killed before the final transaction: no row').toEqual([]);

    // What an older Lightbox killed mid-copy left behind: a temp file beside the published ones.
    fs.mkdirSync(path.join(mediaDir(), 'renders', 'stills'), { recursive: true });
    fs.writeFileSync(path.join(mediaDir(), 'renders', 'stills', '.publishing-0123456789ab'), 'half a png');

    // The next start (any verb) recovers: nothing under media/ without its row, nothing staged.
    expect((await cli(['notifications', 'list', '--json'])).code).toBe(0);
    expect(query<{ status: string }>('SELECT status FROM workflow_runs WHERE order_line_id = ?', lineId)).toEqual([{ status: 'interrupted' }]);
    expectMediaConsistent();
    expect(filesUnder(mediaDir())).toEqual([]);

    // Re-dispatch completes it: attempt 2, one asset, its files and nothing else.
    const again = await cli(['dispatch', lineId, '--max-size', '64', '--samples', '4', '--json']);
    expect(again.code, again.err + again.out).toBe(0);
    const outcome = JSON.parse(again.out) as { run: WorkflowRun; assets: MediaAsset[] };
    expect(outcome.run).toMatchObject({ attempt: 2, status: 'succeeded' });
    expect(query('SELECT id FROM media_assets WHERE order_line_id = ?', lineId)).toHaveLength(1);
    expectMediaConsistent();
    expect(filesUnder(mediaDir())).toContain(outcome.assets[0]?.file);
  }, T);

  it('killed after the final transaction, before the files were moved: the next start puts them in place', async () => {
    const lineId = lines[1] as string;
    const before = rowFiles();
    await killAtPublish(lineId, 'committed');
    // The transaction committed: the line succeeded and its row is written.
    expect(query<{ status: string }>('SELECT status FROM order_lines WHERE id = ?', lineId)).toEqual([{ status: 'succeeded' }]);
    const rows = query<{ file: string }>('SELECT file FROM media_assets WHERE order_line_id = ?', lineId);
    expect(rows).toHaveLength(1);
    // Killed before the move: the row's file is still staged, not in the library.
    expect(fs.existsSync(path.join(mediaDir(), rows[0]?.file as string))).toBe(false);
    expect(filesUnder(path.join(mediaDir(), '.staging')).map((f) => f.split(path.sep).slice(1).join(path.sep))).toContain(rows[0]?.file);

    expect((await cli(['notifications', 'list', '--json'])).code).toBe(0);
    expectMediaConsistent();
    expect(rowFiles().length).toBeGreaterThan(before.length);
    expect(fs.statSync(path.join(mediaDir(), rows[0]?.file as string)).size).toBeGreaterThan(0);

    // Dispatching the finished line again publishes nothing more.
    const twice = await cli(['dispatch', lineId, '--json']);
    expect(twice.code, twice.err).toBe(0);
    expect((JSON.parse(twice.out) as { alreadyDone: boolean }).alreadyDone).toBe(true);
    expect(query('SELECT id FROM media_assets WHERE order_line_id = ?', lineId)).toHaveLength(1);
    expectMediaConsistent();
  }, T);
});
