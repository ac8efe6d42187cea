/**
 * A minimal reader of STEP (ISO 10303-21) DATA sections: enough to follow the product structure
 * of an assembly (products, occurrences, placements, document references). Geometry is left to
 * OpenCascade.
 */

/** A parameter: a string, a reference (#12), a number, an enumeration (.T.), $, *, a list or a typed value. */
export type StepValue = string | { ref: number } | number | { enum: string } | null | StepValue[] | { typed: string; value: StepValue };

export interface StepEntity {
  id: number;
  /** Upper-case type names; a complex entity ((A(..)B(..))) has several, each with its parameters. */
  parts: { type: string; args: StepValue[] }[];
}

export const isRef = (v: StepValue | undefined): v is { ref: number } => typeof v === 'object' && v !== null && !Array.isArray(v) && 'ref' in v;
export const refOf = (v: StepValue | undefined): number | null => (isRef(v) ? v.ref : null);
export const stringOf = (v: StepValue | undefined): string => (typeof v === 'string' ? v : '');
export const listOf = (v: StepValue | undefined): StepValue[] => (Array.isArray(v) ? v : []);

/** STEP strings escape ' as '' and may hold \X2\...\X0\ (UTF-16 hex) and \X\hh (latin1) sequences. */
function decodeString(raw: string): string {
  return raw
    .replace(/''/g, "'")
    .replace(/\\X2\\([0-9A-F]+)\\X0\\/gi, (_, hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16))))
    .replace(/\\X\\([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

class Cursor {
  i = 0;
  constructor(readonly text: string) {}
  skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i] ?? '')) this.i++;
  }
  peek(): string {
    this.skip();
    return this.text[this.i] ?? '';
  }
}

function parseValue(c: Cursor): StepValue {
  const ch = c.peek();
  const text = c.text;
  if (ch === "'") {
    let j = c.i + 1;
    for (;;) {
      const q = text.indexOf("'", j);
      if (q < 0) throw new Error('unterminated string');
      if (text[q + 1] === "'") j = q + 2;
      else {
        const raw = text.slice(c.i + 1, q);
        c.i = q + 1;
        return decodeString(raw);
      }
    }
  }
  if (ch === '(') {
    c.i++;
    const list: StepValue[] = [];
    while (c.peek() !== ')') {
      list.push(parseValue(c));
      if (c.peek() === ',') c.i++;
      else if (c.peek() !== ')') throw new Error(`expected , or ) at ${c.i}`);
    }
    c.i++;
    return list;
  }
  if (ch === '#') {
    const m = /^#(\d+)/.exec(text.slice(c.i, c.i + 24));
    c.i += m?.[0].length ?? 1;
    return { ref: Number(m?.[1]) };
  }
  if (ch === '$' || ch === '*') {
    c.i++;
    return null;
  }
  if (ch === '.') {
    const end = text.indexOf('.', c.i + 1);
    const value = text.slice(c.i + 1, end);
    c.i = end + 1;
    return { enum: value.toUpperCase() };
  }
  if (ch === '"') {
    const end = text.indexOf('"', c.i + 1);
    const value = text.slice(c.i + 1, end);
    c.i = end + 1;
    return value;
  }
  const number = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(c.i, c.i + 40));
  if (number) {
    c.i += number[0].length;
    return Number(number[0]);
  }
  const typed = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(c.i, c.i + 200));
  if (typed) {
    c.i += typed[0].length;
    const args = parseValue(c);
    return { typed: typed[0].toUpperCase(), value: Array.isArray(args) && args.length === 1 ? (args[0] ?? null) : args };
  }
  throw new Error(`unexpected "${ch}" at ${c.i}`);
}

/** Parses `TYPE(args)` or a complex `(A(args)B(args))` instance body. */
function parseInstance(body: string): StepEntity['parts'] {
  const c = new Cursor(body);
  const parts: StepEntity['parts'] = [];
  const readOne = () => {
    c.skip();
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(c.i, c.i + 200));
    if (!name) throw new Error(`expected an entity type at ${c.i}`);
    c.i += name[0].length;
    const args = parseValue(c);
    parts.push({ type: name[0].toUpperCase(), args: Array.isArray(args) ? args : [args] });
  };
  if (c.peek() === '(') {
    c.i++;
    while (c.peek() !== ')' && c.i < body.length) readOne();
  } else readOne();
  return parts;
}

/**
 * Reads the entities of a STEP file's DATA section. Only the types in `wanted` are parsed (an
 * assembly's structure is a few hundred entities among many thousands of geometry ones); a
 * complex instance is kept when any of its parts is wanted.
 */
export function readStepEntities(data: Buffer, wanted: ReadonlySet<string>): Map<number, StepEntity> {
  const text = data.toString('latin1');
  const entities = new Map<number, StepEntity>();
  const start = text.search(/\bDATA\s*(\([^)]*\))?\s*;/);
  if (start < 0) return entities;
  // Instances end at a ; outside strings; comments /* */ may appear anywhere.
  const instance = /#(\d+)\s*=\s*/g;
  instance.lastIndex = start;
  let match: RegExpExecArray | null;
  while ((match = instance.exec(text)) !== null) {
    const bodyStart = instance.lastIndex;
    let j = bodyStart;
    let inString = false;
    for (; j < text.length; j++) {
      const ch = text[j];
      if (ch === "'") inString = !inString;
      else if (!inString && ch === ';') break;
    }
    instance.lastIndex = j + 1;
    const body = text.slice(bodyStart, j).replace(/\/\*[\s\S]*?\*\//g, '');
    const types = body.match(/[A-Za-z_][A-Za-z0-9_]*(?=\s*\()/g) ?? [];
    if (!types.some((t) => wanted.has(t.toUpperCase()))) continue;
    try {
      entities.set(Number(match[1]), { id: Number(match[1]), parts: parseInstance(body) });
    } catch {
      // An instance this reader cannot follow is left out; OpenCascade reads the geometry.
    }
  }
  return entities;
}

/** The parameters of `type` in an entity (simple or complex), or null. */
export function argsOf(entity: StepEntity | undefined, type: string): StepValue[] | null {
  return entity?.parts.find((p) => p.type === type)?.args ?? null;
}
