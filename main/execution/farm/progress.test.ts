import { describe, expect, it } from 'vitest';
import { LineSplitter, parseBlenderProgress } from './progress';
import { splitFrames } from './chunks';

describe('Blender progress lines', () => {
  it('reads Cycles samples as Blender 3.4 prints them (captured from Debian 3.4.1)', () => {
    expect(parseBlenderProgress('Fra:1 Mem:10.26M (Peak 10.47M) | Time:00:00.04 | Remaining:00:00.00 | Mem:0.79M, Peak:0.79M | Scene, ViewLayer | Sample 1/4')).toEqual({
      kind: 'sample',
      frame: 1,
      sample: 1,
      samples: 4,
    });
    expect(parseBlenderProgress("Saved: '/tmp/rtest/f_0012.png'")).toEqual({ kind: 'saved', frame: 12, file: '/tmp/rtest/f_0012.png' });
    expect(parseBlenderProgress('Fra:1 Mem:9.71M (Peak 9.71M) | Time:00:00.03 | Mem:0.00M, Peak:0.00M | Scene, ViewLayer | Updating Objects')).toBeNull();
    expect(parseBlenderProgress('Fra:1 Mem:10.27M (Peak 10.47M) | Time:00:00.04 | Mem:0.79M, Peak:0.79M | Scene, ViewLayer | Finished')).toBeNull();
  });

  it('reads the 4.x and 5.x formats', () => {
    expect(parseBlenderProgress('Fra:3 Mem:12.0M (Peak 14.0M) | Time:00:01.10 | Remaining:00:02.00 | Mem:1.2M, Peak:1.2M | Scene, ViewLayer | Rendered 8/16 samples')).toEqual({
      kind: 'sample',
      frame: 3,
      sample: 8,
      samples: 16,
    });
    expect(parseBlenderProgress('00:01.234  render           | Sample 5/32')).toEqual({ kind: 'sample', frame: null, sample: 5, samples: 32 });
    expect(parseBlenderProgress('00:02.000  image            | Saved: "/out/frame_0003.exr"')).toEqual({ kind: 'saved', frame: 3, file: '/out/frame_0003.exr' });
  });

  it('ignores lines that only look similar', () => {
    expect(parseBlenderProgress('print("Sample 1/4")')).toBeNull();
    expect(parseBlenderProgress('LIGHTBOX_REPLY {"text":"| Sample 1/0"}')).toBeNull();
  });

  it('joins output chunks into whole lines', () => {
    const s = new LineSplitter();
    expect(s.push('Fra:1 | Sam')).toEqual([]);
    expect(s.push('ple 1/4\nSaved: ')).toEqual(['Fra:1 | Sample 1/4']);
    expect(s.push("'/a_0001.png'\r\n")).toEqual(["Saved: '/a_0001.png'"]);
    expect(s.flush()).toEqual([]);
  });
});

describe('frame chunks', () => {
  it('covers the range exactly, contiguous, sizes within one of each other', () => {
    for (const [start, end, workers, max] of [
      [1, 24, 2, Infinity],
      [1, 24, 2, 5],
      [0, 0, 4, Infinity],
      [10, 13, 8, Infinity],
      [1, 720, 3, 16],
    ] as const) {
      const chunks = splitFrames(start, end, workers, max);
      expect(chunks[0]!.start).toBe(start);
      expect(chunks.at(-1)!.end).toBe(end);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBe(chunks[i - 1]!.end + 1);
      const sizes = chunks.map((c) => c.end - c.start + 1);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(max);
      expect(chunks.length).toBeGreaterThanOrEqual(Math.min(workers, end - start + 1));
    }
  });

  it('refuses a backwards range', () => {
    expect(() => splitFrames(5, 1, 2)).toThrow(/bad frame range 5..1/);
  });
});
