import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { seriousAxeViolations } from '../axe';
import { REPO_ROOT, startHost } from '../host';

const AGENT = 'render-box-e2e';
const CLI = path.join(REPO_ROOT, 'scripts', 'lightbox.mjs');

/** The version Blender reports here, as the agent's ping will ("Blender 3.4.1" → "3.4.1"). */
function blenderVersion(): string {
  const out = spawnSync(process.env.BLENDER_PATH ?? 'blender', ['--version'], { encoding: 'utf8', timeout: 60_000 }).stdout;
  const found = /^Blender (\S+)/m.exec(out);
  if (!found) throw new Error(`blender --version printed no version:\n${out}`);
  return found[1]!;
}

/** The command the page gave, run as written (`lightbox` being this repo's CLI): a real render agent process. */
function runAgent(command: string, workDir: string) {
  const args = command.trim().split(/\s+/);
  expect(args[0]).toBe('lightbox');
  const child = spawn(process.execPath, [CLI, ...args.slice(1), '--slots', '1', '--threads', '1', '--work-dir', workDir, '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const registered = new Promise<{ agentId: string; controller: string; slots: number }>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l) as { agentId: string; controller: string; slots: number }));
    void exit.then((code) => reject(new Error(`lightbox agent exited (${String(code)}) before registering:\n${err}`)));
  });
  registered.catch(() => undefined);
  return { child, exit, registered, err: () => err };
}


const agentRow = (page: Page) => page.getByRole('table', { name: 'Render agents' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${AGENT}`) }) });
const tokenRow = (page: Page) => page.getByRole('table', { name: 'Agent tokens' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: AGENT }) });

test('the farm page: a token made there starts a real render agent, listed with its host and Blender; drained, it leaves; the token revoked is refused', async ({ page, dataDir }) => {
  test.setTimeout(240_000);
  const version = blenderVersion();
  // Quick heartbeats, so the agent's Blender version (sent with a heartbeat) shows within a second.
  const host = await startHost(dataDir, { LIGHTBOX_AGENT_HEARTBEAT_MS: '1000' });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-e2e-agent-'));
  let agent: ReturnType<typeof runAgent> | null = null;
  try {
    await page.goto(`${host.url}#/farm`);
    await expect(page.getByRole('heading', { level: 2, name: 'Render agents and Slurm pilots' })).toBeVisible();
    await expect(page.getByText(/^No render agent has connected yet/)).toBeVisible();
    await expect(page.getByText('No agent token yet: make one for each render machine.')).toBeVisible();

    // A bad name is refused by field, nothing made.
    await page.getByLabel('Agent name').fill('not a name');
    await page.getByRole('button', { name: 'Create agent token' }).click();
    await expect(page.getByText(/must start with a letter or digit/)).toBeVisible();
    await expect(page.getByRole('table', { name: 'Agent tokens' })).toHaveCount(0);

    await page.getByLabel('Agent name').fill(AGENT);
    await page.getByRole('button', { name: 'Create agent token' }).click();
    const dialog = page.getByRole('dialog', { name: `Agent token for ${AGENT}` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Copy the token' })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Copy the command' })).toBeVisible();
    const command = (await dialog.getByText(/^lightbox agent --controller /).textContent()) ?? '';
    const [, controller, token] = /^lightbox agent --controller (\S+) --token (\S+)$/.exec(command.trim()) ?? [];
    // The controller is the page's own origin: the host that serves this page serves the agents.
    expect(controller).toBe(host.origin);
    expect(token?.length).toBeGreaterThan(20);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
    // Shown once: the page no longer holds it.
    await expect(page.getByText(token!)).toHaveCount(0);
    await expect(tokenRow(page)).toContainText('active');

    agent = runAgent(command, workDir);
    const registered = await agent.registered;
    expect(registered).toMatchObject({ slots: 1 });
    // Listed live (farm.changed), with this machine's host name and the Blender it runs.
    const row = agentRow(page);
    await expect(row).toContainText('online', { timeout: 30_000 });
    await expect(row.getByRole('cell').nth(1)).toHaveText(os.hostname());
    await expect(row.getByRole('cell').nth(2)).toHaveText(version, { timeout: 90_000 });
    await expect(row.getByRole('cell').nth(3)).toHaveText('0 / 1');
    await expect(page.getByRole('status').filter({ hasText: /^Running|^Not started/ })).toContainText('1 render agent online with 1 slot.');
    await page.screenshot({ path: 'test-results/screenshots/farm-agents-1440x900.png', fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Drain, confirmed: it takes nothing new, stops, and is listed offline.
    await row.getByRole('button', { name: `Drain ${AGENT}` }).click();
    const drain = page.getByRole('dialog', { name: `Drain ${AGENT}?` });
    await drain.getByRole('button', { name: 'Keep it running' }).click();
    await expect(drain).toBeHidden();
    await expect(row).toContainText('online');
    await row.getByRole('button', { name: `Drain ${AGENT}` }).click();
    await drain.getByRole('button', { name: 'Drain the agent' }).click();
    expect(await agent.exit).toBe(0);
    await expect(row).toContainText('offline');
    await expect(row.getByRole('button', { name: `Drain ${AGENT}` })).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: /^Running|^Not started/ })).not.toContainText('render agent online');

    // Revoke, confirmed: listed revoked, and the token no longer registers an agent.
    await tokenRow(page).getByRole('button', { name: `Revoke the token of ${AGENT}` }).click();
    await page.getByRole('dialog', { name: `Revoke the token of ${AGENT}?` }).getByRole('button', { name: 'Revoke the token' }).click();
    await expect(tokenRow(page)).toContainText('revoked');
    await expect(tokenRow(page).getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
    const refused = runAgent(command, workDir);
    expect(await refused.exit).not.toBe(0);
    expect(refused.err()).toMatch(/token/i);
    expect(refused.err()).not.toContain(token!);
  } finally {
    if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
    await host.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});

test('the farm page shows the Slurm side once the settings name a cluster, and the JWT stays hidden', async ({ page, request, dataDir }) => {
  const host = await startHost(dataDir);
  try {
    await page.goto(`${host.url}#/farm`);
    await expect(page.getByRole('heading', { level: 2, name: 'Render agents and Slurm pilots' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Slurm pilots', exact: true })).toHaveCount(0);
    const headers = { Authorization: `Bearer ${host.token}` };
    const slurm = {
      url: 'http://127.0.0.1:6820',
      auth: { kind: 'jwt', user: 'lightbox', token: 'a-slurm-jwt' },
      partition: 'render',
      maxPilots: 2,
      coresPerPilot: 2,
      memoryMbPerPilot: 2048,
      controllerUrl: 'http://10.0.0.5:7400',
      workDir: '/shared/lightbox/pilots',
    };
    // A bad field is refused by its path, nothing stored.
    const bad = await request.post(`${host.origin}/api/settings.update`, { headers, data: { slurm: { ...slurm, workDir: 'pilots' } } });
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ path: 'slurm.workDir', message: expect.stringContaining('must be an absolute path') });
    const made = await request.post(`${host.origin}/api/settings.update`, { headers, data: { slurm } });
    expect(made.ok()).toBe(true);
    // The farm page follows (farm.changed), without a reload.
    await expect(page.getByRole('heading', { level: 2, name: 'Slurm pilots', exact: true })).toBeVisible();
    await expect(page.getByText(/^Pilot jobs are submitted to Slurm while tasks wait for a slot/)).toBeVisible();
    await expect(page.getByText(/^No pilot submitted yet/)).toBeVisible();
    const shown = (await (await request.post(`${host.origin}/api/settings.get`, { headers, data: {} })).json()) as { result?: { slurm?: { auth?: { token?: string } } }; slurm?: { auth?: { token?: string } } };
    expect(JSON.stringify(shown)).not.toContain('a-slurm-jwt');
    expect(JSON.stringify(shown)).toContain('(hidden)');
  } finally {
    await host.stop();
  }
});
