import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOn } from '../../../testing/cli-capture';
import { queryDataDir } from '../../../testing/read-db';
import { makeTempDir } from '../../../testing/temp-dir';
import { basicStillDoc } from '../../../testing/workflow-docs';

/** `lightbox workflow export|import` on a real data directory. */
let tmp: ReturnType<typeof makeTempDir>;
let dataDir: string;
const cli = (args: string[]) => cliOn(dataDir, args);
const revisionRows = () => queryDataDir<{ revision: number; revision_id: string; parents_json: string; content_hash: string; note: string | null }>(dataDir, "SELECT revision, revision_id, parents_json, content_hash, note FROM workflow_revisions WHERE workflow_id = 'cli-still' ORDER BY revision");

const doc = basicStillDoc('cli-still', { name: 'CLI still' });

function writeFile(name: string, value: unknown): string {
  const file = path.join(tmp.dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

beforeAll(() => {
  tmp = makeTempDir('lightbox-transfer-');
  dataDir = path.join(tmp.dir, 'data');
});
afterAll(() => tmp.cleanup());

describe('lightbox workflow export and import', () => {
  it('imports a new workflow, exports it, and importing the export again stores nothing and says so', async () => {
    const first = await cli(['workflow', 'import', writeFile('new.json', doc), '--json']);
    expect(first.code, first.err).toBe(0);
    const imported = JSON.parse(first.out) as Record<string, unknown>;
    const rows = revisionRows();
    expect(imported).toMatchObject({ workflowId: 'cli-still', revision: 1, revisionId: rows[0]?.revision_id, contentHash: rows[0]?.content_hash, stored: true });
    expect(rows[0]?.note).toBe('imported from new.json');

    const exported = await cli(['workflow', 'export', 'cli-still']);
    expect(exported.code, exported.err).toBe(0);
    expect(JSON.parse(exported.out)).toEqual({ ...doc, revision: 1 });

    const again = await cli(['workflow', 'import', writeFile('exported.json', exported.out), '--json']);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ workflowId: 'cli-still', revision: 1, revisionId: imported.revisionId, stored: false });
    const text = await cli(['workflow', 'import', path.join(tmp.dir, 'exported.json')]);
    expect(text.out).toMatch(/^cli-still: unchanged, identical to revision 1 .*nothing stored/);
    expect(revisionRows()).toHaveLength(1);
  });

  it('a changed file becomes the next revision, its parent the one before', async () => {
    const changed = { ...doc, revision: 1, nodes: doc.nodes.map((n) => (n.id === 'still' ? { ...n, settings: { renderer: { samples: 64 } } } : n)) };
    const out = await cli(['workflow', 'import', writeFile('changed.json', changed), '--json']);
    expect(out.code, out.err).toBe(0);
    const rows = revisionRows();
    expect(JSON.parse(out.out)).toMatchObject({ workflowId: 'cli-still', revision: 2, revisionId: rows[1]?.revision_id, stored: true });
    expect(JSON.parse(rows[1]?.parents_json ?? '')).toEqual([rows[0]?.revision_id]);
    const text = await cli(['workflow', 'import', writeFile('changed-again.json', { ...changed, name: 'Renamed' })]);
    expect(text.out).toMatch(/^cli-still: saved as revision 3 /);
  });

  it('refuses an invalid file with the problems by path, exit 1, and stores nothing', async () => {
    const before = revisionRows();
    const bad = { ...doc, edges: [...doc.edges, { id: 'e9', source: 'ghost', sourcePort: 'mesh', target: 'still', targetPort: 'scene' }] };
    const refused = await cli(['workflow', 'import', writeFile('bad.json', bad)]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/edges\[3\]\S*: /);
    const json = await cli(['workflow', 'import', path.join(tmp.dir, 'bad.json'), '--json']);
    expect(json.code).toBe(1);
    const error = (JSON.parse(json.out) as { error: { code: string; problems: { path: string; severity: string }[] } }).error;
    expect(error.code).toBe('invalid_workflow');
    expect(error.problems.some((p) => p.severity === 'error' && p.path.startsWith('edges[3]'))).toBe(true);
    expect(revisionRows()).toEqual(before);
  });

  it('an unreadable or non-JSON file is a usage error (2); an unknown id to export fails (1)', async () => {
    expect((await cli(['workflow', 'import', path.join(tmp.dir, 'missing.json')])).code).toBe(2);
    const notJson = await cli(['workflow', 'import', writeFile('not.json', '{ nope')]);
    expect(notJson.code).toBe(2);
    expect(notJson.err).toContain('not JSON');
    expect((await cli(['workflow', 'import'])).code).toBe(2);
    const unknown = await cli(['workflow', 'export', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no workflow "nope"');
  });
});
