import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, revisionIdText, workflowContentText } from './content';
import { workflowArb } from './testing/arbitrary';

/** The same value with every object's keys in a shuffled order (deterministic per seed). */
function reorderKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reorderKeys(v, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const shuffled = keys.map((k, i) => ({ k, w: Math.sin(seed * 31 + i * 17) })).sort((a, b) => a.w - b.w);
  const out: Record<string, unknown> = {};
  for (const { k } of shuffled) Object.defineProperty(out, k, { value: reorderKeys((value as Record<string, unknown>)[k], seed + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([undefined, 'x'])).toBe('[null,"x"]');
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
  });

  it('is the same text whatever order keys were written in, and parses back to the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reorderKeys(value, seed))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it("a workflow's content text leaves out only the revision number", () => {
    fc.assert(
      fc.property(workflowArb(), fc.nat(1000), fc.integer(), (doc, revision, seed) => {
        const text = workflowContentText(doc);
        expect(workflowContentText(reorderKeys({ ...doc, revision }, seed) as object)).toBe(text);
        expect(JSON.parse(text)).not.toHaveProperty('revision');
        expect(workflowContentText({ ...doc, name: `${doc.name} (copy)` })).not.toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('a revision id text names the parents in order and the content hash', () => {
    expect(revisionIdText(['a', 'b'], 'h')).not.toBe(revisionIdText(['b', 'a'], 'h'));
    expect(revisionIdText([], 'h')).not.toBe(revisionIdText(['h'], ''));
  });
});
