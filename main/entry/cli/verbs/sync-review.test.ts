import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDocuments } from '../../../catalog/legacy/legacy-testing';
import { cliOn } from '../../../testing/cli-capture';
import { lightboxProcess, startHubProcess, type HubProcess } from '../../../testing/hub-process';
import { testBackend } from '../../../testing/node-backend';
import { makeTempDir } from '../../../testing/temp-dir';
import { TEST_STEP } from '../../../testing/warm-farm';

/**
 * Reviews across a studio with real processes (issue 17 item 8): `lightbox hub` in its own
 * process, workstations synced by `lightbox sync` processes. A shadow comparison made on the
 * artist's workstation goes up as a summary; on the hub an artist's approval is refused (403, the
 * rule in words) and a lead's is taken, signed with their name; the other workstation sees it.
 */
const KEY = 'still_white_2k';
const T = 240_000;

let tmp: ReturnType<typeof makeTempDir>;
let hub: HubProcess;
const ws = { a: '', b: '' };
const tokens = { artist: '', lead: '' };
const config = () => path.join(tmp.dir, 'config');

const sync = async (dataDir: string, token: string) => {
  const r = await lightboxProcess(['sync', '--hub', hub.url, '--token', token, '--data-dir', dataDir, '--json'], config());
  return { ...r, json: JSON.parse(r.out) as { pushed: number; pulled: number; conflicts: number; refused: { code: string; message: string; record?: string }[]; byKind?: Record<string, { pushed: number; pulled: number }> } };
};
/** A contract call to the hub over HTTP with a person's token, as the app on another machine makes it. */
const callHub = async (method: string, input: unknown, token: string) => {
  const response = await fetch(new URL(`api/${method}`, hub.url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
/** Opens a workstation's data directory in this process for what an artist does in the app, then closes it. */
async function onWorkstation<R>(dataDir: string, work: (backend: ReturnType<typeof testBackend>) => Promise<R> | R): Promise<R> {
  const backend = testBackend(dataDir);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

beforeAll(async () => {
  tmp = makeTempDir('lightbox-sync-review-');
  const hubDir = path.join(tmp.dir, 'hub');
  ws.a = path.join(tmp.dir, 'a');
  ws.b = path.join(tmp.dir, 'b');
  hub = await startHubProcess(hubDir, config());
  for (const [name, role] of [['ana', 'artist'], ['lee', 'lead']] as const) {
    const added = await cliOn(hubDir, ['users', 'add', name, '--role', role, '--json']);
    expect(added.code, added.err).toBe(0);
    tokens[role === 'artist' ? 'artist' : 'lead'] = (JSON.parse(added.out) as { token: string }).token;
  }
}, T);
afterAll(async () => {
  await hub?.stop();
  tmp?.cleanup();
});

describe('reviews across workstations through a hub process', () => {
  it("an artist's approval is refused (403) and a lead's is accepted and visible on the other workstation", async () => {
    // The artist migrates the studio's presets and syncs them up; the lead puts the output type in shadow on the hub.
    await onWorkstation(ws.a, (a) => a.legacy.migrate({ documents: exampleDocuments(), verify: true }));
    const up = await sync(ws.a, tokens.artist);
    expect(up.code, JSON.stringify(up.json)).toBe(0);
    expect(up.json.byKind?.output_type?.pushed).toBeGreaterThan(1);
    const shadow = await callHub('rollout.set', { target: KEY, mode: 'shadow', reason: 'compare the graph' }, tokens.lead);
    expect(shadow).toMatchObject({ status: 200, body: { toMode: 'shadow', who: 'lee' } });
    expect((await sync(ws.a, tokens.artist)).json.byKind?.output_type?.pulled).toBe(1);

    // A dispatch on the artist's workstation runs the graph beside legacy: a comparison, synced up as a summary.
    const id = await onWorkstation(ws.a, async (a) => {
      expect(a.legacy.outputType(KEY)?.executionMode).toBe('shadow');
      const cadId = (await (await a.production.cad.importFile(TEST_STEP)).done).id;
      const line = a.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: [KEY] }).lines[0]?.id as string;
      await a.production.dispatcher.start(line, { draft: { maxSize: 48, samples: 2 } }).done;
      const run = a.production.runs.ofOrderLine(line).find((r) => r.role === 'shadow');
      const comparison = a.production.comparisons.ofRun(run?.id as string);
      expect(comparison?.verdict).toBe('pass');
      return comparison?.id as string;
    });
    const summaries = await sync(ws.a, tokens.artist);
    expect(summaries.json.refused).toEqual([]);
    expect(summaries.json.byKind?.comparison?.pushed).toBe(1);

    // On the hub: the artist may not approve; the lead may, and the review is signed with the lead's name.
    const refused = await callHub('comparisons.review', { comparisonId: id, decision: 'approve', who: 'lee' }, tokens.artist);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', message: expect.stringContaining('approving or rejecting a comparison needs the lead role') });
    const approved = await callHub('comparisons.review', { comparisonId: id, decision: 'approve', note: 'matches legacy', who: 'ana' }, tokens.lead);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ review: { decision: 'approve', who: 'lee', note: 'matches legacy' } });

    // The other workstation sees the comparison and the lead's approval after its sync; so does the artist's.
    const b = await sync(ws.b, tokens.artist);
    expect(b.code, JSON.stringify(b.json)).toBe(0);
    expect(b.json.byKind?.review?.pulled).toBe(1);
    for (const dir of [ws.b, ws.a]) {
      if (dir === ws.a) await sync(ws.a, tokens.artist);
      await onWorkstation(dir, (side) => {
        expect(side.production.comparisons.get(id)).toMatchObject({ verdict: 'pass', review: { decision: 'approve', who: 'lee', note: 'matches legacy' } });
        // The approval gate reads the lead's approval; coverage counts the artist's CAD file by content (1 of the default 3 passes).
        expect(side.production.rollout.outputType(KEY)).toMatchObject({ cleanPass: true, gates: { approval: { ok: true }, coverage: { passes: 1, cadFiles: 1 } } });
      });
    }
  }, T);
});
