import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/open-database';
import { createRunStore } from '../runs/run-store';
import { makeTempDir } from '../../testing/temp-dir';
import { createMediaLibrary, libraryFolder } from './media-library';

let tmp: ReturnType<typeof makeTempDir>;
let db: ReturnType<typeof openDatabase>;
let runId: string;

beforeEach(() => {
  tmp = makeTempDir('lightbox-media-');
  db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
  runId = createRunStore(db).create({ family: 'order_line', attempt: 1, mode: 'legacy', role: 'authoritative' });
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

const source = (name: string, text: string) => {
  const file = path.join(tmp.dir, 'work', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};
const request = (file: string, folder = 'renders') => ({ nodeId: 'save', kind: 'render_still', folder, main: { file, sha256: 'x', format: 'png' }, attachments: [] });

describe('media library', () => {
  it('a publish folder never escapes the library', () => {
    const root = path.join(tmp.dir, 'media');
    expect(libraryFolder(root, 'renders/stills')).toBe(path.join(root, 'renders', 'stills'));
    expect(() => libraryFolder(root, '../elsewhere')).toThrow(/escapes the media library/);
    expect(() => libraryFolder(root, '/etc')).toThrow(/escapes/);
  });

  it('places the file, then the row; a name taken by a published asset gets a suffix, a leftover without a row is replaced', async () => {
    const media = createMediaLibrary(db, path.join(tmp.dir, 'media'));
    const first = await media.place(request(source('a.png', 'one')), { publishKey: 'k1', runId, orderLineId: null });
    // Placed but not inserted (a crash here): the next publish of that name replaces it.
    const again = await media.place(request(source('a.png', 'two')), { publishKey: 'k2', runId, orderLineId: null });
    expect(again.file).toBe(first.file);
    expect(fs.readFileSync(media.absolute(again), 'utf8')).toBe('two');
    media.insert(again);
    const third = await media.place(request(source('a.png', 'three')), { publishKey: 'k3', runId, orderLineId: null });
    expect(third.file).toBe(path.join('renders', 'a-2.png'));
    expect(fs.readFileSync(media.absolute(again), 'utf8')).toBe('two');
    // No temp files left beside them.
    expect(fs.readdirSync(path.join(tmp.dir, 'media', 'renders')).sort()).toEqual(['a-2.png', 'a.png']);
  });

  it('inserting the same publish key twice keeps one row', async () => {
    const media = createMediaLibrary(db, path.join(tmp.dir, 'media'));
    const placed = await media.place(request(source('b.png', 'b')), { publishKey: 'same', runId, orderLineId: null });
    const one = media.insert(placed);
    const two = media.insert({ ...placed, id: 'other' });
    expect(two.id).toBe(one.id);
    expect(media.list()).toHaveLength(1);
  });
});
