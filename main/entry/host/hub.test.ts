import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { examplesDir, repoRoot } from '../../catalog/legacy/legacy-testing';
import { captureCli, cliOn } from '../../testing/cli-capture';
import { queryDataDir } from '../../testing/read-db';
import { makeTempDir } from '../../testing/temp-dir';
import { waitFor } from '../../testing/processes';
import { runCli } from '../cli/run-cli';

/** `lightbox hub` as a studio runs it: the built CLI in its own process, people calling it with their own tokens. */
const CLI = path.join(repoRoot, 'scripts', 'lightbox.mjs');
const BUILT_CLI = path.join(repoRoot, 'dist', 'main', 'cli.mjs');
const T = 60_000;

interface RunningHub {
  line: Record<string, unknown>;
  child: ChildProcess;
  out: () => string;
  err: () => string;
  stop: () => Promise<void>;
}

/** Starts `lightbox hub --json` and reads its one line; everything it prints after is kept for the leak check. */
async function startHub(dataDir: string): Promise<RunningHub> {
  // Another `npm run build` may be rewriting dist/ this very moment: give it time to finish.
  expect(await waitFor(() => fs.existsSync(BUILT_CLI), 30_000, 200), 'dist/ is built (npm run build)').toBe(true);
  const child = spawn(process.execPath, [CLI, 'hub', '--data-dir', dataDir, '--port', '0', '--json'], {
    cwd: repoRoot,
    env: { ...process.env, LIGHTBOX_CONFIG_DIR: path.join(dataDir, '..', 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (err += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    let seen = false;
    lines.on('line', (l) => {
      out += `${l}\n`;
      if (!seen) resolve(l);
      seen = true;
    });
    void exited.then(() => reject(new Error(`lightbox hub exited before printing its address\n${err}`)));
  });
  return {
    line: JSON.parse(first) as Record<string, unknown>,
    child,
    out: () => out,
    err: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
let hub: RunningHub;
let firstRun: RunningHub;
let origin = '';
let admin = '';
let artist = '';
let lead = '';

const call = async (method: string, input: unknown, token: string | null) => {
  const res = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

function openSocket(token: string | null): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws${query}`);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** One call over an open socket; answers its result frame. */
function socketCall(ws: WebSocket, id: number, method: string, input: unknown): Promise<{ ok: boolean; result?: Record<string, unknown>; error?: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: number };
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame as never);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, method, input }));
  });
}

beforeAll(async () => {
  tmp = makeTempDir('lightbox-hub-');
  dataDir = path.join(tmp.dir, 'data');
  // Output types and order_line workflows to change rollout modes of, made the way a studio would.
  const files = fs.readdirSync(examplesDir).map((f) => path.join(examplesDir, f));
  const seeded = await cliOn(dataDir, ['legacy', 'migrate', ...files]);
  expect(seeded.code, seeded.err).toBe(0);
  firstRun = hub = await startHub(dataDir);
  origin = new URL(String(hub.line.url)).origin;
}, T);

afterAll(async () => {
  await hub?.stop();
  await firstRun?.stop();
  tmp?.cleanup();
});

describe('lightbox hub', () => {
  it('prints {url, port, adminToken} on its first start, bound to loopback, and the admin token works', async () => {
    expect(hub.line).toEqual({ url: `http://127.0.0.1:${String(hub.line.port)}/`, port: expect.any(Number), adminToken: expect.stringMatching(/^lbx_[A-Za-z0-9_-]{43}$/) });
    admin = String(hub.line.adminToken);
    expect(queryDataDir(dataDir, 'SELECT name, role FROM people')).toEqual([{ name: 'admin', role: 'admin' }]);
    const people = await call('people.list', {}, admin);
    expect(people).toMatchObject({ status: 200, body: { people: [{ name: 'admin', role: 'admin', revokedAt: null }] } });
  });

  it('refuses to leave loopback without TLS or --insecure-lan, as serve does (exit 2)', async () => {
    const c = captureCli(process.env);
    expect(await runCli(['hub', '--host', '0.0.0.0', '--data-dir', path.join(tmp.dir, 'lan')], c.io)).toBe(2);
    expect(c.err()).toContain('--host 0.0.0.0 exposes the hub beyond this machine: give --tls-cert and --tls-key (HTTPS), or --insecure-lan');
  });

  it('beyond loopback with --tls-cert/--tls-key: HTTPS and WSS, a person\'s token needed on both', async () => {
    const tlsDir = path.join(import.meta.dirname, 'test-tls');
    const ca = fs.readFileSync(path.join(tlsDir, 'cert.pem'));
    let stop!: (s: string) => void;
    const c = captureCli(process.env, new Promise((r) => (stop = r)));
    const done = runCli(['hub', '--host', '0.0.0.0', '--tls-cert', path.join(tlsDir, 'cert.pem'), '--tls-key', path.join(tlsDir, 'key.pem'), '--port', '0', '--json', '--data-dir', path.join(tmp.dir, 'tls')], c.io);
    expect(await waitFor(() => c.out().includes('\n'), 10_000)).toBe(true);
    const { url, port, adminToken } = JSON.parse(c.out()) as { url: string; port: number; adminToken: string };
    expect(url).toBe(`https://127.0.0.1:${port}/`);
    expect(c.err()).toContain("warning: bound to 0.0.0.0: anyone who can reach this address and holds a person's token can use the hub as that person");
    expect(c.err()).not.toContain('--insecure-lan');
    const status = (token: string | null) =>
      new Promise<number>((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, path: '/api/people.list', method: 'POST', ca, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
    expect(await status(adminToken)).toBe(200);
    expect(await status(null)).toBe(401);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/ws?token=${adminToken}`, { ca });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.close();
    stop('SIGTERM');
    expect(await done).toBe(0);
    expect(c.err()).not.toContain(adminToken);
  });

  it('the admin adds a lead through the hub and an artist through `users add` on the same data directory; nobody else may add people', async () => {
    const added = await call('people.add', { name: 'olaf', role: 'lead' }, admin);
    expect(added).toMatchObject({ status: 200, body: { name: 'olaf', role: 'lead', token: expect.stringMatching(/^lbx_/) } });
    lead = String(added.body.token);
    const cli = await cliOn(dataDir, ['users', 'add', 'maria', '--role', 'artist', '--json']);
    expect(cli.code, cli.err).toBe(0);
    artist = (JSON.parse(cli.out) as { token: string }).token;
    // The hub knows her at once: the people store is the shared database, not a copy.
    expect((await call('workflows.list', {}, artist)).status).toBe(200);
    expect(await call('people.add', { name: 'eve', role: 'admin' }, artist)).toEqual({
      status: 403,
      body: { code: 'forbidden', message: 'adding a person needs the admin role; maria is an artist', path: '' },
    });
    expect(await call('people.add', { name: 'bad name', role: 'lead' }, admin)).toMatchObject({ status: 400, body: { code: 'invalid_input', path: 'name' } });
  });

  it("refuses an artist's rollout mode change and approval with the rule in words (403); a lead's pass, signed with the lead's name", async () => {
    const change = { target: 'legacy.still_default', mode: 'shadow', reason: 'observe on the hub', who: 'someone-else' };
    expect(await call('rollout.set', change, artist)).toEqual({
      status: 403,
      body: { code: 'forbidden', message: 'changing a rollout mode needs the lead role; maria is an artist', path: '' },
    });
    const accepted = await call('rollout.set', change, lead);
    expect(accepted).toMatchObject({ status: 200, body: { target: 'legacy.still_default', toMode: 'shadow', who: 'olaf' } });
    // The admin runs the hub but does not judge the migration.
    expect(await call('rollout.set', change, admin)).toMatchObject({ status: 403, body: { message: 'changing a rollout mode needs the lead role; admin is an admin' } });

    const review = { comparisonId: 'cmp-none', decision: 'approve', note: 'looks right' };
    expect(await call('comparisons.review', review, artist)).toEqual({
      status: 403,
      body: { code: 'forbidden', message: 'approving or rejecting a comparison needs the lead role; maria is an artist', path: '' },
    });
    // The lead's passes the guard and reaches the comparison service, which knows no such comparison.
    expect(await call('comparisons.review', review, lead)).toMatchObject({ status: 404, body: { code: 'not_found', message: 'no comparison "cmp-none"' } });

    const status = await call('rollout.status', {}, artist);
    expect((status.body.changes as { who: string; target: string }[])[0]).toMatchObject({ target: 'legacy.still_default', who: 'olaf' });
  });

  it('checks the role on every socket frame too, and sends events only over an authenticated socket', async () => {
    await expect(openSocket(null)).rejects.toThrow('HTTP 401');
    await expect(openSocket('lbx_forged')).rejects.toThrow('HTTP 401');
    const maria = await openSocket(artist);
    const olaf = await openSocket(lead);
    try {
      expect(await socketCall(maria, 1, 'rollout.set', { target: 'legacy.still_default', mode: 'legacy' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: 'changing a rollout mode needs the lead role; maria is an artist' },
      });
      expect(await socketCall(olaf, 1, 'rollout.set', { target: 'legacy.still_default', mode: 'legacy', reason: 'back' })).toMatchObject({ ok: true, result: { toMode: 'legacy', who: 'olaf' } });
      const events: string[] = [];
      olaf.on('message', (d) => {
        const frame = JSON.parse(d.toString()) as { type: string; event?: string };
        if (frame.type === 'event') events.push(String(frame.event));
      });
      expect((await call('settings.update', { farm: { threadsPerBlender: 2 } }, admin)).status).toBe(200);
      expect(await waitFor(() => events.includes('settings.changed'), 5_000)).toBe(true);
      // Revoked while connected: the next event closes the socket instead of reaching it.
      expect((await cliOn(dataDir, ['users', 'revoke', 'olaf'])).code).toBe(0);
      const closed = new Promise<number>((resolve) => olaf.once('close', (code) => resolve(code)));
      const before = events.length;
      expect((await call('settings.update', { farm: { threadsPerBlender: 3 } }, admin)).status).toBe(200);
      expect(await closed).toBe(1008);
      expect(events.length).toBe(before);
    } finally {
      maria.close();
      olaf.close();
    }
  });

  it('answers 401 without a token, with an unknown one, and with a revoked one, saying the rule and why', async () => {
    expect(await call('workflows.list', {}, null)).toEqual({
      status: 401,
      body: { code: 'unauthorized', message: "listing workflows is open to every person, and every call needs a person's token; none was given", path: '' },
    });
    expect(await call('workflows.list', {}, 'lbx_forged')).toMatchObject({ status: 401, body: { message: 'listing workflows is open to every person; the token is not one this hub issued' } });
    const revoked = await call('comparisons.review', { comparisonId: 'cmp-none', decision: 'approve' }, lead);
    expect(revoked).toMatchObject({ status: 401, body: { code: 'unauthorized', message: expect.stringMatching(/^approving or rejecting a comparison needs the lead role; the token of olaf was revoked at \S+$/) } });
    await expect(openSocket(lead)).rejects.toThrow('HTTP 401');
  });

  it('records every change and refusal in the audit log: who, role, method, target, when and outcome', async () => {
    const rows = queryDataDir<{ at: string; who: string; role: string | null; method: string; target: string | null; outcome: string }>(dataDir, 'SELECT at, who, role, method, target, outcome FROM audit_log ORDER BY id');
    const seen = rows.map((r) => [r.who, r.role, r.method, r.target, r.outcome]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['hub', null, 'people.add', 'admin', 'allowed'],
        ['admin', 'admin', 'people.add', 'olaf', 'allowed'],
        ['maria', 'artist', 'people.add', 'eve', 'denied'],
        ['maria', 'artist', 'rollout.set', 'legacy.still_default', 'denied'],
        ['olaf', 'lead', 'rollout.set', 'legacy.still_default', 'allowed'],
        ['admin', 'admin', 'rollout.set', 'legacy.still_default', 'denied'],
        ['maria', 'artist', 'comparisons.review', 'cmp-none', 'denied'],
        ['olaf', 'lead', 'comparisons.review', 'cmp-none', 'failed'],
        ['admin', 'admin', 'settings.update', null, 'allowed'],
        ['(no token)', null, 'workflows.list', null, 'denied'],
        ['(unknown token)', null, 'workflows.list', null, 'denied'],
        ['(revoked token)', null, 'comparisons.review', null, 'denied'],
      ]),
    );
    expect(seen).toContainEqual([expect.stringMatching(/^cli:/), null, 'people.add', 'maria', 'allowed']);
    // Reads are not recorded.
    expect(rows.some((r) => r.method === 'workflows.list' && r.who === 'maria')).toBe(false);
    for (const r of rows) expect(Date.parse(r.at)).not.toBeNaN();
    // The log is readable through the hub by an admin only.
    expect((await call('audit.list', { who: 'olaf', limit: 5 }, admin)).body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ who: 'olaf', method: 'rollout.set', outcome: 'allowed' })]));
    expect(await call('audit.list', {}, artist)).toMatchObject({ status: 403, body: { message: expect.stringContaining('needs the admin role; maria is an artist') } });
  });

  it('a second start prints no adminToken; the first admin token still works', async () => {
    await hub.stop();
    hub = await startHub(dataDir);
    origin = new URL(String(hub.line.url)).origin;
    expect(hub.line).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), port: expect.any(Number) });
    expect(await call('people.list', {}, admin)).toMatchObject({ status: 200, body: { people: expect.arrayContaining([expect.objectContaining({ name: 'maria' })]) } });
    expect(queryDataDir(dataDir, "SELECT count(*) AS n FROM people WHERE role = 'admin'")).toEqual([{ n: 1 }]);
  }, T);

  it('never shows a token again: not after the first line, not on stderr, not in any file of the data directory', async () => {
    await hub.stop();
    const afterFirstLine = firstRun.out().split('\n').slice(1).join('\n');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) files.push(full);
      }
    };
    walk(tmp.dir);
    expect(files.some((f) => f.endsWith('lightbox.db'))).toBe(true);
    for (const token of [admin, lead, artist]) {
      for (const [what, text] of [['first run after its line', afterFirstLine], ['first run stderr', firstRun.err()], ['second run stdout', hub.out()], ['second run stderr', hub.err()]] as const) {
        expect(text.includes(token), `${what} holds a token`).toBe(false);
      }
      for (const f of files) expect(fs.readFileSync(f).includes(token), `${f} holds a token`).toBe(false);
    }
  }, T);
});
