import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, searchPath } from './find-executable';

let tmp: string;
let fakeBin: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-find-exe-'));
  fakeBin = path.join(tmp, 'bin');
  fs.mkdirSync(fakeBin);
  fs.writeFileSync(path.join(fakeBin, 'blender'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(tmp, 'not-executable'), 'x', { mode: 0o644 });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const base = { label: 'Blender', command: 'blender', envVar: 'BLENDER_PATH', settingName: 'Blender path' };

describe('findExecutable', () => {
  it('prefers the setting, then the env var, then PATH', async () => {
    const env = { PATH: fakeBin, BLENDER_PATH: '/usr/bin/blender' };
    expect(await findExecutable({ ...base, setting: '/bin/true', env })).toEqual({ found: true, path: '/bin/true', source: 'setting' });
    expect(await findExecutable({ ...base, setting: null, env })).toEqual({ found: true, path: '/usr/bin/blender', source: 'env' });
    expect(await findExecutable({ ...base, setting: null, env: { PATH: fakeBin } })).toEqual({
      found: true,
      path: path.join(fakeBin, 'blender'),
      source: 'path',
    });
  });

  it('does not fall back to PATH when the configured file is missing', async () => {
    const missing = path.join(tmp, 'nope', 'blender');
    const result = await findExecutable({ ...base, setting: missing, env: { PATH: fakeBin } });
    expect(result).toMatchObject({ found: false, source: 'setting', path: missing });
    if (!result.found) {
      expect(result.problem).toContain(missing);
      expect(result.problem).toContain('does not exist');
      expect(result.fix).toMatch(/Settings/);
    }
  });

  it('rejects relative settings, non-executable files and directories', async () => {
    const env = { PATH: fakeBin };
    expect(await findExecutable({ ...base, setting: 'blender', env })).toMatchObject({ found: false, source: 'setting' });
    const notExec = await findExecutable({ ...base, setting: null, env: { ...env, BLENDER_PATH: path.join(tmp, 'not-executable') } });
    expect(notExec).toMatchObject({ found: false, source: 'env' });
    if (!notExec.found) expect(notExec.problem).toContain('is not executable');
    const dir = await findExecutable({ ...base, setting: tmp, env });
    if (!dir.found) expect(dir.problem).toContain('is a directory');
    else expect.fail('a directory is not an executable');
  });

  it('reports nothing found with a fix', async () => {
    const result = await findExecutable({ ...base, setting: null, env: { PATH: tmp } });
    expect(result).toMatchObject({ found: false, source: null, path: null });
    expect(await searchPath('blender', { PATH: `${tmp}${path.delimiter}${fakeBin}` })).toBe(path.join(fakeBin, 'blender'));
  });
});
