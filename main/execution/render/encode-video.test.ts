import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { concatList, encodeVideo } from './encode-video';
import { expandFileName } from './filename';
import { makeTempDir } from '../../testing/temp-dir';

describe('the ffmpeg concat list', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('quotes every file, single quotes included, one line each', () => {
    expect(concatList(['/a/b.png', "/a/it's.png"])).toBe("ffconcat version 1.0\nfile '/a/b.png'\nfile '/a/it'\\''s.png'\n");
  });

  it('can never be split by a file name: a control character in a path is refused', () => {
    for (const bad of ["/a/x.png'\nfile '/etc/passwd", '/a/x\r.png', '/a/\u0000.png', '/a/\u007f.png']) {
      expect(() => concatList([bad]), JSON.stringify(bad)).toThrow(/contains a control character/);
    }
  });

  it('encode_video refuses such a frame before ffmpeg runs', async () => {
    const frame = path.join(tmp.dir, "f.png'\nfile 'other.png'\n#");
    fs.writeFileSync(frame, 'not an image');
    const out = path.join(tmp.dir, 'out', 'video');
    await expect(encodeVideo({ ffmpegPath: '/nonexistent/ffmpeg', frames: [frame], fps: 12, codec: 'vp9', crf: 30, out })).rejects.toThrow(/contains a control character/);
  });

  it('a template with a control character never becomes a file name', () => {
    expect(() => expandFileName('a\nb', { order: 'o', line: 'l', cad: 'c', preset: 'p' }, '.png')).toThrow(/control characters/);
  });
});
