import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileStore, StoreFileError } from './json-file-store';
import { makeTempDir } from '../../testing/temp-dir';

type Data = { a?: number; b?: { c: string } };

describe('JsonFileStore', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('starts empty and persists across instances', () => {
    const store = new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' });
    expect(store.store).toEqual({});
    store.set('a', 3);
    store.set('b', { c: 'x' });
    const again = new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' });
    expect(again.store).toEqual({ a: 3, b: { c: 'x' } });
    expect(again.has('a')).toBe(true);
    again.delete('a');
    expect(new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' }).store).toEqual({ b: { c: 'x' } });
  });

  it('hands out copies, so callers cannot change stored data by accident', () => {
    const store = new JsonFileStore<Data>({ cwd: tmp.dir });
    store.set('b', { c: 'x' });
    store.get('b')!.c = 'mutated';
    expect(store.get('b')).toEqual({ c: 'x' });
  });

  it('leaves no temp file behind', () => {
    const store = new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' });
    store.set('a', 1);
    expect(fs.readdirSync(tmp.dir)).toEqual(['settings.json']);
  });

  it('refuses a corrupt file by name and never overwrites it', () => {
    const file = path.join(tmp.dir, 'settings.json');
    fs.writeFileSync(file, '{"a": 1,');
    expect(() => new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' })).toThrow(StoreFileError);
    expect(() => new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' })).toThrow(/settings\.json is not valid JSON/);
    fs.writeFileSync(file, '[1,2]');
    expect(() => new JsonFileStore<Data>({ cwd: tmp.dir, name: 'settings' })).toThrow(/does not hold a JSON object/);
    expect(fs.readFileSync(file, 'utf8')).toBe('[1,2]');
  });
});
