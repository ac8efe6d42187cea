export interface FrameChunk {
  start: number;
  end: number;
}

/**
 * Splits an inclusive frame range into contiguous chunks for the pool. `workers` chunks at least
 * (so every process gets work), each at most `maxChunk` frames, sizes differing by one at most.
 */
export function splitFrames(start: number, end: number, workers: number, maxChunk = Number.POSITIVE_INFINITY): FrameChunk[] {
  if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) throw new RangeError(`bad frame range ${start}..${end}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const total = end - start + 1;
  const count = Math.min(total, Math.max(workers, Math.ceil(total / Math.max(1, maxChunk))));
  const base = Math.floor(total / count);
  const extra = total % count;
  const chunks: FrameChunk[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    const size = base + (i < extra ? 1 : 0);
    chunks.push({ start: at, end: at + size - 1 });
    at += size;
  }
  return chunks;
}
