/**
 * Calls `visit` for each line of a text buffer, decoded one line at a time: a 500 MiB ASCII
 * STL would not fit in one JavaScript string.
 */
export function forEachLine(data: Buffer, visit: (line: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = 1;
  while (start < data.length) {
    let end = data.indexOf(10, start);
    if (end < 0) end = data.length;
    const stop = end > start && data[end - 1] === 13 ? end - 1 : end;
    visit(data.toString('latin1', start, stop), lineNumber++);
    start = end + 1;
  }
}

/** A growable float array: avoids number[] (8 bytes and boxing per value) for big meshes. */
export class FloatList {
  private data = new Float32Array(1024);
  length = 0;

  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }

  get(i: number): number {
    return this.data[i] ?? 0;
  }

  toArray(): Float32Array {
    return this.data.slice(0, this.length);
  }
}
