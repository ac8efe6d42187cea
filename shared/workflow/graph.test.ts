import { describe, expect, it } from 'vitest';
import { downstreamOf, findCycles, topologicalOrder, upstreamOf } from './graph';

const e = (source: string, target: string) => ({ source, target });

describe('graph helpers', () => {
  const diamond = [e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd')];

  it('orders a DAG stably, sources first, and answers null on a cycle', () => {
    expect(topologicalOrder(['d', 'c', 'b', 'a'], diamond)).toEqual(['a', 'c', 'b', 'd']);
    expect(topologicalOrder(['a', 'b'], [e('a', 'b'), e('b', 'a')])).toBeNull();
    // Edges to ids outside the list are ignored.
    expect(topologicalOrder(['a'], [e('ghost', 'a')])).toEqual(['a']);
  });

  it('finds upstream and downstream sets', () => {
    expect([...upstreamOf('d', diamond)].sort()).toEqual(['a', 'b', 'c']);
    expect([...downstreamOf('a', diamond)].sort()).toEqual(['b', 'c', 'd']);
    expect(upstreamOf('a', diamond).size).toBe(0);
  });

  it('reports one cycle per loop, starting at its first node, self-loops included', () => {
    const edges = [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd'), e('x', 'x'), e('d', 'y'), e('y', 'd')];
    expect(findCycles(['a', 'b', 'c', 'd', 'x', 'y'], edges)).toEqual([['a', 'b', 'c'], ['d', 'y'], ['x']]);
    expect(findCycles(['a', 'b', 'c', 'd'], diamond)).toEqual([]);
  });
});
