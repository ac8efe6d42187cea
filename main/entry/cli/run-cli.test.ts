import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { verbs } from './verbs';
import { makeTempDir } from '../../testing/temp-dir';
import { captureCli } from '../../testing/cli-capture';

const capture = captureCli;

describe('lightbox CLI', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('prints help with every verb, exit 0', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    for (const verb of verbs) expect(c.out()).toContain(verb.name);
    expect(c.out()).toContain('Exit codes: 0 ok, 1 failed, 2 usage error');
  });

  it('has --help for every verb', async () => {
    for (const verb of verbs) {
      const c = capture();
      expect(await runCli([...verb.name.split(' '), '--help'], c.io)).toBe(0);
      expect(c.out()).toContain(`Usage: lightbox ${verb.name}`);
      const h = capture();
      expect(await runCli(['help', verb.name], h.io)).toBe(0);
      expect(h.out()).toBe(c.out());
    }
  });

  it('exits 2 on usage errors, naming the problem', async () => {
    const none = capture();
    expect(await runCli([], none.io)).toBe(2);
    const unknown = capture();
    expect(await runCli(['render-everything'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain('unknown verb "render-everything"');
    const flag = capture();
    expect(await runCli(['preflight', '--jsn'], flag.io)).toBe(2);
    expect(flag.err()).toMatch(/--jsn/);
    const port = capture();
    expect(await runCli(['serve', '--port', 'eighty', '--data-dir', tmp.dir], port.io)).toBe(2);
    expect(port.err()).toContain('--port must be an integer');
  });

  it('exits 1 with a clear message when the data directory is unusable', async () => {
    const file = path.join(tmp.dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const c = capture();
    expect(await runCli(['serve', '--data-dir', file, '--port', '0'], c.io)).toBe(1);
    expect(c.err()).toContain(`data directory ${file} exists but is not a directory`);
    expect(c.err()).not.toMatch(/\n\s+at /);
  });

  it('serve prints one JSON line {url, port, token} and stops on a signal', async () => {
    let stop!: (s: string) => void;
    const c = capture({}, new Promise((r) => (stop = r)));
    const done = runCli(['serve', '--data-dir', path.join(tmp.dir, 'data'), '--port', '0', '--json'], c.io);
    for (let i = 0; i < 100 && !c.out().includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
    const line = JSON.parse(c.out().trim()) as { url: string; port: number; token: string };
    expect(line.url).toBe(`http://127.0.0.1:${line.port}/?token=${line.token}`);
    const res = await fetch(`http://127.0.0.1:${line.port}/api/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${line.token}` } });
    expect(res.status).toBe(200);
    stop('SIGTERM');
    expect(await done).toBe(0);
  });

  it('serve without --json prints the URL line', async () => {
    let stop!: (s: string) => void;
    const c = capture({}, new Promise((r) => (stop = r)));
    const done = runCli(['serve', '--data-dir', path.join(tmp.dir, 'data')], c.io);
    for (let i = 0; i < 100 && !c.out().includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(c.out()).toMatch(/^Lightbox is serving http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+\n$/);
    stop('SIGINT');
    expect(await done).toBe(0);
  });

  it('reads the data directory from LIGHTBOX_DATA_DIR', async () => {
    let stop!: (s: string) => void;
    const dataDir = path.join(tmp.dir, 'from-env');
    const c = capture({ LIGHTBOX_DATA_DIR: dataDir, LIGHTBOX_CONFIG_DIR: path.join(tmp.dir, 'cfg') }, new Promise((r) => (stop = r)));
    const done = runCli(['serve', '--json'], c.io);
    for (let i = 0; i < 100 && !c.out().includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
    const { port, token } = JSON.parse(c.out()) as { port: number; token: string };
    const info = (await (await fetch(`http://127.0.0.1:${port}/api/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ dataDir, dataDirSource: 'env' });
    expect(fs.existsSync(path.join(dataDir, 'lightbox.db'))).toBe(true);
    stop('SIGTERM');
    expect(await done).toBe(0);
  });
});
