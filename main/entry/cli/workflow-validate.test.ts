import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { makeTempDir } from '../../testing/temp-dir';
import { captureCli } from '../../testing/cli-capture';

const capture = captureCli;

const at = (x: number) => ({ x, y: 0 });
const valid = {
  schemaVersion: 1,
  id: 'ingest',
  name: 'Ingest',
  family: 'cad_file',
  nodes: [
    { id: 'cad', type: 'input_cad_file', typeVersion: 1, settings: {}, position: at(0) },
    { id: 'ingest', type: 'ingest_cad', typeVersion: 1, settings: {}, position: at(100) },
    { id: 'thumb', type: 'make_thumbnail', typeVersion: 1, settings: { size_px: 512 }, position: at(200) },
  ],
  edges: [
    { id: 'e1', source: 'cad', sourcePort: 'cad', target: 'ingest', targetPort: 'cad' },
    { id: 'e2', source: 'ingest', sourcePort: 'mesh', target: 'thumb', targetPort: 'mesh' },
  ],
};

describe('lightbox workflow validate', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  const write = (name: string, content: unknown) => {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('exits 0 on a valid workflow (save mode), printing {file, valid, problems}', async () => {
    const file = write('ok.json', valid);
    const c = capture();
    expect(await runCli(['workflow', 'validate', file, '--json'], c.io)).toBe(0);
    const out = JSON.parse(c.out()) as { file: string; valid: boolean; problems: { code: string; severity: string }[] };
    expect(out.file).toBe(file);
    expect(out.valid).toBe(true);
    // Every node type has an executor: nothing to warn about.
    expect(out.problems).toEqual([]);
  });

  it('under --mode dispatch: 0 for a runnable workflow, 1 when a node on the path to an output is switched off', async () => {
    const ok = capture();
    expect(await runCli(['workflow', 'validate', write('ok.json', valid), '--json', '--mode', 'dispatch'], ok.io)).toBe(0);
    const off = structuredClone(valid);
    (off.nodes[1] as { disabled?: boolean }).disabled = true;
    const c = capture();
    expect(await runCli(['workflow', 'validate', write('off.json', off), '--json', '--mode', 'dispatch'], c.io)).toBe(1);
    const out = JSON.parse(c.out()) as { valid: boolean; problems: { code: string; severity: string }[] };
    expect(out.valid).toBe(false);
    expect(out.problems).toContainEqual(expect.objectContaining({ code: 'disabled_on_output_path', severity: 'error' }));
  });

  it('exits 1 on an invalid workflow, one line per problem in text', async () => {
    const bad = structuredClone(valid);
    (bad.nodes[2] as { settings: Record<string, unknown> }).settings = { size_px: 8 };
    const file = write('bad.json', bad);
    const json = capture();
    expect(await runCli(['workflow', 'validate', file, '--json'], json.io)).toBe(1);
    const out = JSON.parse(json.out()) as { valid: boolean; problems: { code: string; path: string; nodeId?: string }[] };
    expect(out.valid).toBe(false);
    expect(out.problems).toContainEqual(expect.objectContaining({ code: 'invalid_setting', path: 'nodes[2].settings.size_px', nodeId: 'thumb' }));
    const text = capture();
    expect(await runCli(['workflow', 'validate', file], text.io)).toBe(1);
    expect(text.out()).toContain('error invalid_setting nodes[2].settings.size_px: node "thumb" (make_thumbnail): setting size_px = 8 is too small; allowed: an integer from 16 to 4096\n');
    expect(text.out()).toContain(`${file}: invalid (save): 1 error, 0 warnings\n`);
  });

  it('names each value it refused with its path: enum, type, range and format errors alike', async () => {
    const bad = structuredClone(valid) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    bad.family = 'line';
    bad.name = 42;
    (bad.nodes[0] as Record<string, unknown>).id = 'bad id!';
    (bad.nodes[1] as Record<string, unknown>).typeVersion = 0;
    const file = write('malformed.json', bad);
    const c = capture();
    expect(await runCli(['workflow', 'validate', file], c.io)).toBe(1);
    expect(c.out()).toContain('error malformed_document family: family: Invalid option: expected one of "cad_file"|"order_line", got "line"\n');
    expect(c.out()).toContain('error malformed_document name: name: Invalid input: expected string, received number 42\n');
    expect(c.out()).toContain('error malformed_document nodes[1].typeVersion: nodes[1].typeVersion: Too small: expected number to be >=1, got 0\n');
    expect(c.out()).toContain('error malformed_document nodes[0].id: nodes[0].id: must start with a letter or digit and use only letters, digits, _ . : -, got "bad id!"\n');
  });

  it('exits 2 on a missing file, a file that is not JSON, or bad usage, naming the file and the reason', async () => {
    const missing = path.join(tmp.dir, 'nope.json');
    const a = capture();
    expect(await runCli(['workflow', 'validate', missing, '--json'], a.io)).toBe(2);
    expect(a.err()).toContain(`cannot read ${missing}: no such file`);

    const notJson = write('broken.json', '{"schemaVersion": 1,');
    const b = capture();
    expect(await runCli(['workflow', 'validate', notJson, '--json'], b.io)).toBe(2);
    expect(b.err()).toContain(`${notJson} is not JSON`);

    const c = capture();
    expect(await runCli(['workflow', 'validate', tmp.dir, '--json'], c.io)).toBe(2);
    expect(c.err()).toContain('it is a directory');

    const d = capture();
    expect(await runCli(['workflow', 'validate', '--json'], d.io)).toBe(2);
    const e = capture();
    expect(await runCli(['workflow', 'validate', write('ok.json', valid), '--mode', 'later'], e.io)).toBe(2);
    expect(e.err()).toContain('--mode must be save or dispatch');
  });
});
