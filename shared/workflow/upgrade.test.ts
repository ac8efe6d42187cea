import { describe, expect, it } from 'vitest';
// Tests check against the real registry (its specs and disabled reasons); validate.ts itself stays free of main/.
import { createNodeRegistry } from '../../main/catalog/nodes/registry';
import { type NodeSpec } from '../nodes/node-spec';
import { NODE_SPECS } from '../../main/nodes/specs';
import type { WorkflowDocument } from './document';
import { resolveNodeVersion, upgradeNodeSettings, upgradeWorkflowNodes } from './upgrade';
import { NODE_RUNTIMES } from '../../main/nodes/executors';

// Test-only: make_thumbnail v3, reached from v1 (`size` → `px`) and v2 (`px` → `size_px`).
const thumb = NODE_SPECS.find((s) => s.type === 'make_thumbnail') as NodeSpec;
const thumbV3: NodeSpec = {
  ...thumb,
  version: 3,
  upgrades: [
    { from: 1, up: ({ size, ...rest }) => (size === undefined ? rest : { ...rest, px: size }) },
    { from: 2, up: ({ px, ...rest }) => (px === undefined ? rest : { ...rest, size_px: px }) },
  ],
};
const catalog = createNodeRegistry(NODE_SPECS.map((s) => (s.type === 'make_thumbnail' ? thumbV3 : s)), NODE_RUNTIMES);

const doc = (typeVersion: number, settings: Record<string, unknown>): WorkflowDocument => ({
  schemaVersion: 1,
  id: 'w',
  name: 'W',
  family: 'cad_file',
  executionMode: 'graph',
  revision: 0,
  nodes: [
    { id: 'cad', type: 'input_cad_file', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
    { id: 'thumb', type: 'make_thumbnail', typeVersion, settings, position: { x: 1, y: 0 } },
  ],
  edges: [],
  metadata: {},
});

describe('node upgrades', () => {
  it('chains every step from the stored version, without touching the input', () => {
    const input = { size: 64 };
    expect(upgradeNodeSettings(thumbV3, 1, input)).toEqual({ size_px: 64 });
    expect(upgradeNodeSettings(thumbV3, 2, { px: 32 })).toEqual({ size_px: 32 });
    expect(upgradeNodeSettings(thumbV3, 3, { size_px: 16 })).toEqual({ size_px: 16 });
    expect(input).toEqual({ size: 64 });
  });

  it('answers undefined without a path', () => {
    expect(upgradeNodeSettings(thumbV3, 4, {})).toBeUndefined();
    expect(upgradeNodeSettings({ ...thumbV3, upgrades: [thumbV3.upgrades[1] as NodeSpec['upgrades'][number]] }, 1, {})).toBeUndefined();
  });

  it('resolves a node version against a catalog', () => {
    expect(resolveNodeVersion(catalog, 'make_thumbnail', 1)).toMatchObject({ kind: 'upgradable', from: 1, spec: { version: 3 } });
    expect(resolveNodeVersion(catalog, 'make_thumbnail', 3)).toMatchObject({ kind: 'current', spec: { version: 3 } });
    expect(resolveNodeVersion(catalog, 'make_thumbnail', 7)).toEqual({ kind: 'unknown_version', known: [1, 2, 3] });
    expect(resolveNodeVersion(catalog, 'nope', 1)).toEqual({ kind: 'unknown_type' });
  });

  it('upgradeWorkflowNodes brings every upgradable node to the current version', () => {
    const old = doc(1, { size: 128 });
    const upgraded = upgradeWorkflowNodes(old, catalog);
    expect(upgraded.nodes[1]).toMatchObject({ typeVersion: 3, settings: { size_px: 128 } });
    expect(upgraded.nodes[0]).toBe(old.nodes[0]);
    expect(old.nodes[1]?.typeVersion).toBe(1);
    const current = doc(3, {});
    expect(upgradeWorkflowNodes(current, catalog)).toBe(current);
  });
});
