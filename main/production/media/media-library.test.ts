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

  it('stages the file, then the row, then moves it into place; a name taken by a published asset gets a suffix, a leftover without a row is replaced', async () => {
    const media = createMediaLibrary(db, path.join(tmp.dir, 'media'));
    const first = await media.place(request(source('a.png', 'one')), { publishKey: 'k1', runId, orderLineId: null });
    // Staged, where no reader looks: nothing in the library yet.
    expect(fs.existsSync(media.absolute(first))).toBe(false);
    // Staged but not committed (a crash here): the next publish of that name replaces it.
    const again = await media.place(request(source('a.png', 'two')), { publishKey: 'k2', runId, orderLineId: null });
    expect(again.file).toBe(first.file);
    fs.mkdirSync(path.dirname(media.absolute(again)), { recursive: true });
    fs.writeFileSync(media.absolute(again), 'a leftover without a row');
    media.moveIntoPlace([again], [media.insert(again)]);
    expect(fs.readFileSync(media.absolute(again), 'utf8')).toBe('two');
    const third = await media.place(request(source('a.png', 'three')), { publishKey: 'k3', runId, orderLineId: null });
    expect(third.file).toBe(path.join('renders', 'a-2.png'));
    media.moveIntoPlace([third], [media.insert(third)]);
    expect(fs.readFileSync(media.absolute(again), 'utf8')).toBe('two');
    expect(fs.readFileSync(media.absolute(third), 'utf8')).toBe('three');
    // No temp or staged files left beside them.
    expect(fs.readdirSync(path.join(tmp.dir, 'media', 'renders')).sort()).toEqual(['a-2.png', 'a.png']);
    expect(fs.readdirSync(path.join(tmp.dir, 'media')).sort()).toEqual(['renders']);
  });

  it('recovers at start: a dead run\'s staged files with rows go into place, without rows go; a live run\'s stay; orphans are swept', async () => {
    const root = path.join(tmp.dir, 'media');
    const media = createMediaLibrary(db, root);
    const runs = createRunStore(db);
    const live = runs.create({ family: 'order_line', attempt: 1, mode: 'legacy', role: 'authoritative' });
    const committed = await media.place(request(source('c.png', 'c')), { publishKey: 'kc', runId, orderLineId: null });
    media.insert(committed);
    const uncommitted = await media.place(request(source('d.png', 'd')), { publishKey: 'kd', runId, orderLineId: null });
    const running = await media.place(request(source('e.png', 'e')), { publishKey: 'ke', runId: live, orderLineId: null });
    fs.mkdirSync(path.join(root, 'renders'), { recursive: true });
    fs.writeFileSync(path.join(root, 'renders', '.publishing-0123456789ab'), 'half');
    fs.writeFileSync(path.join(root, 'renders', 'orphan.png'), 'no row');

    const result = media.recover((id) => id === live, { sweep: true });
    expect(result.moved).toEqual([committed.file]);
    expect(fs.readFileSync(media.absolute(committed), 'utf8')).toBe('c');
    expect(fs.existsSync(media.absolute(uncommitted))).toBe(false);
    expect(fs.readdirSync(path.join(root, 'renders')).sort()).toEqual(['c.png']);
    // The live run's staging is untouched until it ends.
    expect(fs.readdirSync(path.join(root, '.staging'))).toEqual([live]);
    media.discard([running]);
    expect(fs.existsSync(path.join(root, '.staging'))).toBe(false);
  });

  it('the staging folder is not a publish folder', () => {
    expect(() => libraryFolder(path.join(tmp.dir, 'media'), '.staging/x')).toThrow(/staging/);
  });

  it('inserting the same publish key twice keeps one row', async () => {
    const media = createMediaLibrary(db, path.join(tmp.dir, 'media'));
    const placed = await media.place(request(source('b.png', 'b')), { publishKey: 'same', runId, orderLineId: null });
    const one = media.insert(placed);
    const two = media.insert({ ...placed, id: 'other' });
    expect(two.id).toBe(one.id);
    expect(media.page({ limit: 50 }).items).toHaveLength(1);
  });
});
