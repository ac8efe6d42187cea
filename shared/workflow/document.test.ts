import { describe, expect, it } from 'vitest';
import { loadWorkflowDocument } from './versions';

const base = { schemaVersion: 1, id: 'w1', name: 'W', family: 'order_line', revision: 0, nodes: [], edges: [] };

describe('canonical document loading', () => {
  it('normalizes an absent execution mode, metadata and revision to explicit values', () => {
    const { schemaVersion: _v, revision: _r, ...bare } = base;
    const result = loadWorkflowDocument(bare);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document).toMatchObject({ schemaVersion: 1, executionMode: 'legacy', metadata: {}, revision: 0 });
    expect(result.normalized).toEqual(['schemaVersion', 'executionMode', 'metadata', 'revision']);
  });

  it('keeps unknown metadata keys as they are', () => {
    const metadata = { zeta: 1, alpha: { nested: [1, 'x', null] }, 'weird key ✓': true };
    const result = loadWorkflowDocument({ ...base, metadata });
    expect(result.ok && JSON.stringify(result.document.metadata)).toBe(JSON.stringify(metadata));
  });

  it('refuses a "__proto__" key by name instead of dropping it silently', () => {
    const result = loadWorkflowDocument(JSON.parse('{"schemaVersion":1,"id":"w","name":"W","family":"order_line","revision":0,"nodes":[],"edges":[],"metadata":{"__proto__":{"x":1}}}'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/metadata.__proto__.*"__proto__" is not allowed/);
  });

  it('refuses a newer schema version and names the field of a malformed document', () => {
    const newer = loadWorkflowDocument({ ...base, schemaVersion: 9 });
    expect(newer).toMatchObject({ ok: false, path: 'schemaVersion' });
    const bad = loadWorkflowDocument({ ...base, family: 'everything' });
    expect(bad).toMatchObject({ ok: false, path: 'family' });
  });

  it('runs registered migrations in order from an older version', () => {
    const migrations = [
      { from: 1, describe: 'rename title to name', up: (d: Record<string, unknown>) => ({ ...d, name: d.title, title: undefined }) },
    ];
    const { name: _n, ...v1 } = base;
    const result = loadWorkflowDocument({ ...v1, title: 'Old', schemaVersion: 1 }, migrations, 2);
    // Version 2 is test-only here: the migrated document must then fail the current (v1) shape.
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/schemaVersion/);
  });
});
