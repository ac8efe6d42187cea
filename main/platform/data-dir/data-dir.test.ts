import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseDataDir } from './resolve';
import { confineToDataDir } from './confine';
import { DataDirError, prepareDataDir } from './prepare';
import { dataDirCandidateProblem } from './check';
import { spawnSync } from 'node:child_process';
import { transformSync } from 'esbuild';
import { makeTempDir } from '../../testing/temp-dir';

describe('data directory', () => {
  it('takes the flag, then the env, then the setting, then the default', () => {
    const all = { flag: '/a', env: '/b', setting: '/c', fallback: '/d' };
    expect(chooseDataDir(all)).toEqual({ path: '/a', source: 'flag' });
    expect(chooseDataDir({ ...all, flag: undefined })).toEqual({ path: '/b', source: 'env' });
    expect(chooseDataDir({ ...all, flag: undefined, env: '' })).toEqual({ path: '/c', source: 'setting' });
    expect(chooseDataDir({ fallback: '/d', setting: null })).toEqual({ path: '/d', source: 'default' });
    expect(chooseDataDir({ flag: 'rel/dir', fallback: '/d' }).path).toBe(path.resolve('rel/dir'));
  });

  describe('on disk', () => {
    let tmp: ReturnType<typeof makeTempDir>;
    beforeEach(() => (tmp = makeTempDir()));
    afterEach(() => tmp.cleanup());

    it('confines paths to the data directory', () => {
      expect(confineToDataDir(tmp.dir, 'media/a.png')).toBe(path.join(tmp.dir, 'media/a.png'));
      for (const bad of ['../x', '/etc/passwd', 'media/../../x', 'a\0b']) {
        expect(() => confineToDataDir(tmp.dir, bad, 'output.filename')).toThrow(/output\.filename/);
      }
    });

    it('checks a new data directory without creating it, refusing places it cannot live', () => {
      const fresh = path.join(tmp.dir, 'a', 'b');
      expect(dataDirCandidateProblem(fresh)).toBeNull();
      expect(fs.existsSync(path.join(tmp.dir, 'a'))).toBe(false);
      expect(dataDirCandidateProblem(tmp.dir)).toBeNull();
      expect(dataDirCandidateProblem('data', 'dataDir')).toBe('dataDir "data" is not an absolute path');
      expect(dataDirCandidateProblem('/proc/self')).toBe('path "/proc/self" is under /proc, which cannot hold data');
      expect(dataDirCandidateProblem('/sys')).toBe('path "/sys" is under /sys, which cannot hold data');
      expect(dataDirCandidateProblem('/dev/x/y')).toBe('path "/dev/x/y" is under /dev, which cannot hold data');
      expect(dataDirCandidateProblem('/tmp/../proc/1')).toBe('path "/tmp/../proc/1" is under /proc, which cannot hold data');
      expect(dataDirCandidateProblem('/procfs-like/name') ?? '').not.toMatch(/under \/proc/);
      const file = path.join(tmp.dir, 'f');
      fs.writeFileSync(file, 'x');
      expect(dataDirCandidateProblem(file)).toBe(`path "${file}" is a file, not a folder`);
    });

    it('refuses a place this user cannot write (as an unprivileged user when the tests run as root)', () => {
      const locked = path.join(tmp.dir, 'locked');
      fs.mkdirSync(locked);
      fs.chmodSync(locked, 0o555);
      fs.chmodSync(tmp.dir, 0o755);
      const target = path.join(locked, 'data');
      if (process.getuid?.() !== 0) {
        expect(dataDirCandidateProblem(target)).toBe(`path "${target}" cannot be created: ${locked} is not writable by this user`);
        expect(dataDirCandidateProblem(locked)).toBe(`path "${locked}" is not writable by this user`);
        return;
      }
      // Root may write anywhere; run the same check as nobody (check.ts imports only node: modules).
      const source = fs.readFileSync(path.join(import.meta.dirname, 'check.ts'), 'utf8');
      const script = path.join(tmp.dir, 'check.cjs');
      fs.writeFileSync(script, `${transformSync(source, { loader: 'ts', format: 'cjs' }).code}\nfor (const p of process.argv.slice(2)) console.log(module.exports.dataDirCandidateProblem(p));\n`);
      fs.chmodSync(script, 0o644);
      const run = spawnSync(process.execPath, [script, target, locked], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim().split('\n')).toEqual([
        `path "${target}" cannot be created: ${locked} is not writable by this user`,
        `path "${locked}" is not writable by this user`,
      ]);
    });

    it('creates its folders, and names a path that cannot be one', () => {
      const dir = path.join(tmp.dir, 'new', 'data');
      prepareDataDir(dir);
      expect(fs.statSync(path.join(dir, 'tmp')).isDirectory()).toBe(true);
      const file = path.join(tmp.dir, 'plain-file');
      fs.writeFileSync(file, 'x');
      expect(() => prepareDataDir(file)).toThrow(DataDirError);
      expect(() => prepareDataDir(file)).toThrow(/plain-file exists but is not a directory/);
      expect(() => prepareDataDir(path.join(file, 'below'))).toThrow(/cannot be created/);
    });
  });
});
