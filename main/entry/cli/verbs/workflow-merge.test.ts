import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../../../shared/workflow/document';
import { edit, node, NOTIFY, removeNode, RENDER, setSetting, stillBase } from '../../../catalog/workflows/merge/merge-testing';
import { captureCli } from '../../../testing/cli-capture';
import { makeTempDir } from '../../../testing/temp-dir';
import { runCli } from '../run-cli';

interface MergeOutput {
  merged: WorkflowDocument;
  conflicts: { id: string; kind: string; base?: unknown; mine?: unknown; theirs?: unknown; message: string }[];
  problems: { severity: string }[];
  valid: boolean;
}

describe('lightbox workflow merge', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  const write = (name: string, content: unknown) => {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };
  const merge = async (...args: string[]) => {
    const c = captureCli();
    const code = await runCli(['workflow', 'merge', ...args], c.io);
    return { code, out: c.out(), err: c.err() };
  };
  const base = edit(stillBase(), (d) => setSetting(d, RENDER, 'renderer.samples', 32));
  const files = (mine: WorkflowDocument, theirs: WorkflowDocument) => [write('base.json', base), write('mine.json', mine), write('theirs.json', theirs)];

  it('exits 0 with the merged document when edits to different nodes merge cleanly', async () => {
    const mine = edit(base, (d) => setSetting(d, RENDER, 'renderer.samples', 64));
    const theirs = edit(base, (d) => removeNode(d, NOTIFY));
    const json = await merge(...files(mine, theirs), '--json');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.out) as MergeOutput;
    expect(out.valid).toBe(true);
    expect(out.conflicts).toEqual([]);
    expect(node(out.merged, RENDER).settings).toEqual({ renderer: { samples: 64 } });
    expect(out.merged.nodes.map((n) => n.id)).not.toContain(NOTIFY);

    // Without --json: the document alone on stdout (ready to save), the summary on stderr.
    const text = await merge(...files(mine, theirs));
    expect(text.code).toBe(0);
    expect(JSON.parse(text.out)).toEqual(out.merged);
    expect(text.err).toBe('merged with no conflicts; the result validates\n');
  });

  it('exits 1 on a conflict, naming node and setting with all three values; --take resolves it', async () => {
    const mine = edit(base, (d) => setSetting(d, RENDER, 'renderer.samples', 64));
    const theirs = edit(base, (d) => setSetting(d, RENDER, 'renderer.samples', 128));
    const json = await merge(...files(mine, theirs), '--json');
    expect(json.code).toBe(1);
    const out = JSON.parse(json.out) as MergeOutput;
    expect(out.valid).toBe(false);
    expect(out.conflicts).toEqual([
      expect.objectContaining({
        id: `node:${RENDER}/settings.renderer.samples`,
        kind: 'value',
        base: 32,
        mine: 64,
        theirs: 128,
        message: `render_still "${RENDER}" setting renderer.samples: mine 64, theirs 128, base 32`,
      }),
    ]);
    // Left at mine until someone chooses.
    expect(node(out.merged, RENDER).settings).toEqual({ renderer: { samples: 64 } });

    const text = await merge(...files(mine, theirs));
    expect(text.code).toBe(1);
    expect(text.err).toContain(`conflict node:${RENDER}/settings.renderer.samples: render_still "${RENDER}" setting renderer.samples: mine 64, theirs 128, base 32\n`);
    expect(text.err).toContain('1 conflict (left at mine in the output; choose with --take ID=mine|theirs)\n');

    const taken = await merge(...files(mine, theirs), '--json', '--take', `node:${RENDER}/settings.renderer.samples=theirs`);
    expect(taken.code).toBe(0);
    const resolved = JSON.parse(taken.out) as MergeOutput;
    expect(resolved).toMatchObject({ valid: true, conflicts: [] });
    expect(node(resolved.merged, RENDER).settings).toEqual({ renderer: { samples: 128 } });
  });

  it('exits 2 naming the file and the reason: missing, not JSON, not a workflow (with the path), or invalid', async () => {
    const [b, m] = files(base, base) as [string, string, string];
    const missing = path.join(tmp.dir, 'nope.json');
    const a = await merge(b, m, missing);
    expect(a.code).toBe(2);
    expect(a.err).toBe(`lightbox workflow merge: cannot read THEIRS ${missing}: no such file\n`);

    const notJson = write('broken.json', '{"schemaVersion": 1,');
    const c = await merge(notJson, m, m, '--json');
    expect(c.code).toBe(2);
    expect(c.err).toContain(`BASE ${notJson} is not JSON`);

    const malformed = write('malformed.json', { ...base, nodes: [{ ...base.nodes[0], id: 'bad id!' }, ...base.nodes.slice(1)] });
    const d = await merge(b, malformed, m);
    expect(d.code).toBe(2);
    expect(d.err).toContain(`MINE ${malformed} is not a valid workflow:\n  nodes[0].id: nodes[0].id: must start with a letter or digit`);

    const invalid = write('invalid.json', edit(base, (x) => setSetting(x, RENDER, 'renderer.samples', 0)));
    const e = await merge(b, m, invalid);
    expect(e.code).toBe(2);
    expect(e.err).toContain(`THEIRS ${invalid} is not a valid workflow:\n  nodes[4].settings.renderer.samples: node "${RENDER}" (render_still): setting renderer.samples = 0 is too small`);
    expect(e.out).toBe('');
  });

  it('exits 2 on bad usage: file count, a malformed --take, or a --take for no conflict', async () => {
    const [b, m, t] = files(base, base);
    expect((await merge(b as string, m as string)).code).toBe(2);
    const bad = await merge(b as string, m as string, t as string, '--take', 'workflow/name');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--take wants CONFLICT_ID=mine or CONFLICT_ID=theirs, got "workflow/name"');
    const none = await merge(b as string, m as string, t as string, '--take', 'workflow/name=mine');
    expect(none.code).toBe(2);
    expect(none.err).toContain('--take names no conflict of this merge: "workflow/name"');
  });
});
