import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import WebSocket from 'ws';
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

  describe('serve beyond loopback', () => {
    const tlsDir = path.join(import.meta.dirname, '..', 'host', 'test-tls');
    const cert = path.join(tlsDir, 'cert.pem');
    const key = path.join(tlsDir, 'key.pem');

    it('refuses a non-loopback --host without TLS or --insecure-lan, and half a TLS pair (exit 2)', async () => {
      for (const host of ['0.0.0.0', '192.0.2.10', '::']) {
        const c = capture();
        expect(await runCli(['serve', '--host', host, '--port', '0', '--data-dir', tmp.dir], c.io), host).toBe(2);
        expect(c.err()).toContain(`--host ${host} exposes Lightbox beyond this machine: give --tls-cert and --tls-key (HTTPS), or --insecure-lan`);
      }
      const half = capture();
      expect(await runCli(['serve', '--host', '0.0.0.0', '--tls-cert', cert, '--port', '0', '--data-dir', tmp.dir], half.io)).toBe(2);
      expect(half.err()).toContain('--tls-cert and --tls-key go together');
      expect(fs.existsSync(path.join(tmp.dir, 'lightbox.db'))).toBe(false);
    });

    it('--insecure-lan serves plain HTTP with a warning; executable paths change only from this machine', async () => {
      let stop!: (s: string) => void;
      const c = capture({}, new Promise((r) => (stop = r)));
      const done = runCli(['serve', '--host', '0.0.0.0', '--insecure-lan', '--port', '0', '--json', '--data-dir', path.join(tmp.dir, 'data')], c.io);
      for (let i = 0; i < 100 && !c.out().includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
      const { port, token } = JSON.parse(c.out()) as { port: number; token: string };
      expect(c.err()).toContain('warning: --insecure-lan: plain HTTP on 0.0.0.0: the token and every call cross the network unencrypted');
      const update = (address: string, body: unknown) =>
        fetch(`http://${address}:${port}/api/settings.update`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      expect((await update('127.0.0.1', { blenderPath: '/usr/bin/blender' })).status).toBe(200);
      // A remote caller is refused executable paths: shown at the dispatch in headless-host.test.ts
      // ("changes executable paths only for a local caller"); tests send nothing beyond loopback.
      stop('SIGTERM');
      expect(await done).toBe(0);
    });

    it('--tls-cert/--tls-key serve HTTPS and WSS', async () => {
      let stop!: (s: string) => void;
      const c = capture({}, new Promise((r) => (stop = r)));
      const done = runCli(['serve', '--host', '0.0.0.0', '--tls-cert', cert, '--tls-key', key, '--port', '0', '--json', '--data-dir', path.join(tmp.dir, 'data')], c.io);
      for (let i = 0; i < 100 && !c.out().includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
      const { url, port, token } = JSON.parse(c.out()) as { url: string; port: number; token: string };
      expect(url).toBe(`https://127.0.0.1:${port}/?token=${token}`);
      expect(c.err()).not.toContain('--insecure-lan');
      const ca = fs.readFileSync(cert);
      const status = await new Promise<number>((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, path: '/api/app.info', method: 'POST', ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(200);
      const ws = new WebSocket(`wss://127.0.0.1:${port}/ws?token=${token}`, { ca });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.close();
      stop('SIGTERM');
      expect(await done).toBe(0);
    });
  });
});
