/**
 * Reads render progress from Blender's own output lines. Blender's format moved between
 * versions, so each pattern is tried in turn:
 * - 3.x–4.1 Cycles: `Fra:1 Mem:10.2M (Peak 10.4M) | Time:00:00.04 | … | Scene, ViewLayer | Sample 4/16`
 * - 4.2+ Cycles:    `… | Scene, ViewLayer | Rendered 4/16 samples` (also `Sample 4/16` on some builds)
 * - 5.x log format: `00:01.234  render  | Sample 4/16` (a timestamp, a category, then the message)
 * - every version: `Saved: '/path/frame_0001.png'` (single or double quotes) when a file is written.
 */
export type BlenderProgress =
  | { kind: 'sample'; frame: number | null; sample: number; samples: number }
  | { kind: 'saved'; frame: number | null; file: string };

const FRAME = /\bFra:(\d+)\b/;
const SAMPLE = /\|\s*(?:Sample|Rendered)\s+(\d+)\s*\/\s*(\d+)(?:\s+samples)?\s*$/i;
const SAVED = /^\s*(?:\d{2}:\d{2}\.\d{3}\s+\S+\s+\|\s*)?Saved:\s*(['"])(.+)\1/;
const FRAME_IN_NAME = /(\d+)(?=\.[A-Za-z0-9]+$)/;

export function parseBlenderProgress(line: string): BlenderProgress | null {
  const saved = SAVED.exec(line);
  if (saved) {
    const file = saved[2] as string;
    const n = FRAME_IN_NAME.exec(file.split(/[\\/]/).pop() ?? '');
    return { kind: 'saved', frame: n ? Number(n[1]) : null, file };
  }
  const sample = SAMPLE.exec(line);
  if (sample) {
    const frame = FRAME.exec(line);
    const samples = Number(sample[2]);
    if (samples <= 0) return null;
    return { kind: 'sample', frame: frame ? Number(frame[1]) : null, sample: Number(sample[1]), samples };
  }
  return null;
}

/** Splits Blender output (which may arrive in arbitrary chunks) into whole lines. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split(/\r?\n|\r/);
    this.rest = lines.pop() ?? '';
    return lines;
  }
  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
