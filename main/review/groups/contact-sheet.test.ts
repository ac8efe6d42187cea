import { describe, expect, it } from 'vitest';
import { contactSheet, type SheetEntry } from './contact-sheet';

const entry = (id: string, verdict: SheetEntry['verdict'], cad: string, delta: number): SheetEntry => ({ comparisonId: id, verdict, cadFileSha256: cad, worstDelta: delta });

describe('contact sheet', () => {
  it('shows every pair of a small group, differences first then the worst delta', () => {
    const sheet = contactSheet([entry('p1', 'pass', 'a', 0.001), entry('w', 'warn', 'a', 0.01), entry('p2', 'pass', 'b', 0.004)], 3);
    expect(sheet).toEqual({ sampled: false, comparisonIds: ['w', 'p2', 'p1'], total: 3 });
  });

  it('samples a large group per CAD file, worst first, round-robin; every difference kept', () => {
    const many = [
      ...Array.from({ length: 10 }, (_, i) => entry(`a${i}`, 'pass', 'a', i / 1000)),
      ...Array.from({ length: 3 }, (_, i) => entry(`b${i}`, 'pass', 'b', i / 1000)),
      entry('c0', 'pass', 'c', 0),
      entry('f', 'fail', 'a', 1),
    ];
    const sheet = contactSheet(many, 6);
    expect(sheet).toEqual({ sampled: true, comparisonIds: ['f', 'a9', 'b2', 'c0', 'a8', 'b1'], total: 15 });
  });
});
