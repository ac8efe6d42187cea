import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../../../shared/workflow/document';
import { edit, node, NOTIFY, RENDER, setSetting, stillBase } from '../../../catalog/workflows/merge/merge-testing';
import { cliOn } from '../../../testing/cli-capture';
import { testBackend } from '../../../testing/node-backend';
import { lightboxProcess, startHubProcess, type HubProcess } from '../../../testing/hub-process';
import { makeTempDir } from '../../../testing/temp-dir';

/**
 * Sync as a studio runs it (issue 17 items 3, 6, 8): `lightbox hub` in its own process, and each
 * workstation's `lightbox sync` in its own process on its own data directory, with a person's token.
 */
const WF = 'legacy.still_default';
const T = 120_000;

let tmp: ReturnType<typeof makeTempDir>;
let hubDir = '';
let hub: HubProcess | undefined;
let artist = '';
let admin = '';
const ws = { a: '', b: '' };

async function startHub(port = 0) {
  const started = await startHubProcess(hubDir, path.join(tmp.dir, 'config'), port);
  if (started.adminToken) admin = started.adminToken;
  return started;
}

/** `lightbox ARGS` in its own process: exit code, stdout, stderr. */
const lightbox = (args: string[]) => lightboxProcess(args, path.join(tmp.dir, 'config'));

const sync = async (dataDir: string, token = artist, url = hub?.url ?? '') => {
  const r = await lightbox(['sync', '--hub', url, '--token', token, '--data-dir', dataDir, '--json']);
  return { ...r, json: r.out.trim() ? (JSON.parse(r.out) as Record<string, unknown>) : {} };
};

/** Saves an edit of the workflow's current document as a new revision, as an artist's editor would. */
async function saveEdit(dataDir: string, change: (d: WorkflowDocument) => void) {
  const exported = await cliOn(dataDir, ['workflow', 'export', WF]);
  expect(exported.code, exported.err).toBe(0);
  const file = path.join(tmp.dir, `edit-${Date.now()}-${Math.random()}.json`);
  fs.writeFileSync(file, JSON.stringify(edit(JSON.parse(exported.out) as WorkflowDocument, change)));
  const imported = await cliOn(dataDir, ['workflow', 'import', file, '--json']);
  expect(imported.code, imported.err).toBe(0);
}
async function current(dataDir: string): Promise<WorkflowDocument> {
  const exported = await cliOn(dataDir, ['workflow', 'export', WF]);
  expect(exported.code, exported.err).toBe(0);
  return JSON.parse(exported.out) as WorkflowDocument;
}
const samples = (d: WorkflowDocument) => (node(d, RENDER).settings as { renderer?: { samples?: number } }).renderer?.samples;
const contentOf = ({ revision: _r, ...rest }: WorkflowDocument) => rest;

beforeAll(async () => {
  tmp = makeTempDir('lightbox-sync-cli-');
  hubDir = path.join(tmp.dir, 'hub');
  ws.a = path.join(tmp.dir, 'a');
  ws.b = path.join(tmp.dir, 'b');
  hub = await startHub();
  const added = await cliOn(hubDir, ['users', 'add', 'alice', '--role', 'artist', '--json']);
  expect(added.code, added.err).toBe(0);
  artist = (JSON.parse(added.out) as { token: string }).token;
  // The shipped still workflow, saved on A as an artist would start one.
  const file = path.join(tmp.dir, 'still.json');
  fs.writeFileSync(file, JSON.stringify({ ...stillBase(), revision: 0 }));
  expect((await cliOn(ws.a, ['workflow', 'import', file])).code).toBe(0);
}, T);

afterAll(async () => {
  await hub?.stop();
  tmp?.cleanup();
});

describe('lightbox sync between a hub and two workstations, each its own process', () => {
  it('a first sync pushes from A and pulls to B', async () => {
    expect(await sync(ws.a)).toMatchObject({ code: 0, json: { pushed: 1, pulled: 0, conflicts: 0, refused: [] } });
    expect(await sync(ws.b)).toMatchObject({ code: 0, json: { pushed: 0, pulled: 1, conflicts: 0 } });
    expect(contentOf(await current(ws.b))).toEqual(contentOf(await current(ws.a)));
  }, T);

  it('edits to different nodes made offline on both merge with no conflict, and both see the result', async () => {
    await saveEdit(ws.a, (d) => setSetting(d, RENDER, 'renderer.samples', 128));
    await saveEdit(ws.b, (d) => (node(d, NOTIFY).settings.on_failure = false));
    expect(await sync(ws.a)).toMatchObject({ code: 0, json: { pushed: 1, pulled: 0, conflicts: 0 } });
    expect(await sync(ws.b)).toMatchObject({ code: 0, json: { pushed: 2, pulled: 1, conflicts: 0, merged: [WF] } });
    expect(await sync(ws.a)).toMatchObject({ code: 0, json: { pushed: 0, pulled: 2, conflicts: 0 } });
    for (const dir of [ws.a, ws.b]) {
      const doc = await current(dir);
      expect(samples(doc)).toBe(128);
      expect(node(doc, NOTIFY).settings.on_failure).toBe(false);
    }
  }, T);

  it('the same setting changed differently: one conflict naming the node and setting, resolved by CLI, then both converge', async () => {
    await saveEdit(ws.a, (d) => setSetting(d, RENDER, 'renderer.samples', 64));
    await saveEdit(ws.b, (d) => setSetting(d, RENDER, 'renderer.samples', 256));
    expect(await sync(ws.a)).toMatchObject({ code: 0, json: { pushed: 1, conflicts: 0 } });
    expect(await sync(ws.b)).toMatchObject({ code: 0, json: { pushed: 0, pulled: 1, conflicts: 1 } });
    expect(samples(await current(ws.b))).toBe(256);

    const listed = await lightbox(['sync', 'conflicts', '--data-dir', ws.b, '--json']);
    expect(listed.code, listed.err).toBe(0);
    const { conflicts } = JSON.parse(listed.out) as { conflicts: { id: string; nodeId: string; setting: string; base: unknown; mine: unknown; theirs: unknown; message: string }[] };
    expect(conflicts).toEqual([expect.objectContaining({ nodeId: RENDER, setting: 'settings.renderer.samples', mine: 256, theirs: 64, base: 128 })]);
    const words = await lightbox(['sync', 'conflicts', '--data-dir', ws.b]);
    expect(words.out).toContain(RENDER);
    expect(words.out).toContain('renderer.samples');

    const bad = await lightbox(['sync', 'resolve', conflicts[0]!.id, '--take', 'both', '--data-dir', ws.b]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--take must be mine or theirs');
    const resolved = await lightbox(['sync', 'resolve', conflicts[0]!.id, '--take', 'mine', '--data-dir', ws.b, '--json']);
    expect(resolved.code, resolved.err).toBe(0);
    expect(JSON.parse(resolved.out)).toMatchObject({ workflowId: WF, open: [], saved: { parents: [expect.any(String), expect.any(String)] } });
    expect(JSON.parse((await lightbox(['sync', 'conflicts', '--data-dir', ws.b, '--json'])).out)).toEqual({ conflicts: [] });

    expect(await sync(ws.b)).toMatchObject({ code: 0, json: { pushed: 2, conflicts: 0 } });
    expect(await sync(ws.a)).toMatchObject({ code: 0, json: { pulled: 2, conflicts: 0 } });
    const [a, b] = [await current(ws.a), await current(ws.b)];
    expect(samples(a)).toBe(256);
    expect(contentOf(a)).toEqual(contentOf(b));
  }, T);

  it('the hub stopped: edits are kept, the sync says the hub could not be reached and how many wait; after a restart they go', async () => {
    const port = hub!.port;
    await hub!.stop();
    await saveEdit(ws.a, (d) => setSetting(d, RENDER, 'renderer.seed', 11));
    await saveEdit(ws.a, (d) => setSetting(d, RENDER, 'renderer.samples', 512));
    const down = await sync(ws.a);
    expect(down.code).toBe(1);
    expect(down.json).toMatchObject({ error: { code: 'hub_unreachable' }, pending: 2 });
    expect(String((down.json.error as { message: string }).message)).toMatch(/hub could not be reached.*2 local changes wait/);
    const text = await lightbox(['sync', '--hub', hub!.url, '--token', artist, '--data-dir', ws.a]);
    expect(text.code).toBe(1);
    expect(text.err).toContain('the hub could not be reached');
    expect(samples(await current(ws.a))).toBe(512);

    hub = await startHub(port);
    expect(await sync(ws.a)).toMatchObject({ code: 0, json: { pushed: 2, conflicts: 0 } });
    expect(await sync(ws.b)).toMatchObject({ code: 0, json: { pulled: 2 } });
    expect(samples(await current(ws.b))).toBe(512);
  }, T);

  it('pushing needs an author: the admin token pulls but its push is refused (403), and nothing moves', async () => {
    await saveEdit(ws.b, (d) => setSetting(d, RENDER, 'renderer.seed', 12));
    const refused = await sync(ws.b, admin);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ error: { code: 'forbidden' } });
    expect(String((refused.json.error as { message: string }).message)).toContain('needs the artist or lead role');
    const wrong = await sync(ws.b, 'lbx_not-a-token');
    expect(wrong.code).toBe(1);
    expect(wrong.json).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await sync(ws.b)).toMatchObject({ code: 0, json: { pushed: 1 } });
  }, T);

  it("the app's sync.run does the same through the contract: a third workstation catches up; a remote caller is refused; a stopped hub answers hub_unreachable", async () => {
    const c = testBackend(path.join(tmp.dir, 'c'));
    try {
      const first = await c.dispatch('sync.run', { hubUrl: hub!.url, token: artist }, { transport: 'ipc' });
      expect(first).toMatchObject({ ok: true, result: { pushed: 0, conflicts: 0 } });
      expect(c.workflows.get(WF)).toMatchObject(contentOf(await current(ws.b)));
      expect(await c.dispatch('sync.status', {}, { transport: 'ipc' })).toMatchObject({ ok: true, result: { pending: 0, conflicts: 0, hubUrl: hub!.url.replace(/\/$/, '') } });
      const remote = await c.dispatch('sync.run', { hubUrl: hub!.url, token: artist }, { transport: 'http', loopback: false });
      expect(remote).toMatchObject({ ok: false, error: { code: 'forbidden', path: 'hubUrl' } });
      expect(await c.dispatch('sync.run', { hubUrl: 'file:///etc/passwd', token: artist }, { transport: 'ipc' })).toMatchObject({ ok: false, error: { code: 'invalid_input', path: 'hubUrl' } });
      const port = hub!.port;
      await hub!.stop();
      c.workflows.save(edit(c.workflows.get(WF), (d) => setSetting(d, RENDER, 'renderer.seed', 99)), 'offline');
      const down = await c.dispatch('sync.run', { hubUrl: hub!.url, token: artist }, { transport: 'ipc' });
      expect(down).toMatchObject({ ok: false, error: { code: 'hub_unreachable', path: 'hubUrl' } });
      expect(down.ok ? '' : down.error.message).toContain('1 local change waits');
      hub = await startHub(port);
    } finally {
      await c.close();
    }
  }, T);
});
