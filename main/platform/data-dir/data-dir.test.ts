import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseDataDir } from './resolve';
import { confineToDataDir } from './confine';
import { DataDirError, prepareDataDir } from './prepare';
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
