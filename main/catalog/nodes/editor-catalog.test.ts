import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from '../../nodes/specs';
import { catalogFromDefinitions, type NodeCatalog } from '../../../shared/workflow/catalog';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { workflowArb } from '../../../shared/workflow/testing/arbitrary';
import { validateWorkflow } from '../../../shared/workflow/validate';
import { createNodeRegistry, type NodeRuntime } from './registry';
import { NODE_RUNTIMES } from '../../nodes/executors';

// The editor marks problems as the user types with the shared validator over a catalog built from
// nodes.list; the backend's answer must then agree with it exactly, or the marks would flicker.

/** Breaks a valid document the ways an editing user does: bad values, unknown keys, types, versions, ports, edges. */
const brokenArb = (doc: WorkflowDocument) =>
  fc
    .record({
      node: fc.nat({ max: doc.nodes.length - 1 }),
      how: fc.constantFrom('value', 'unknown_key', 'type', 'version', 'port', 'drop_edge', 'self_edge', 'disable', 'duplicate_id'),
      value: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.string(), fc.boolean(), fc.constant(null)),
    })
    .map(({ node, how, value }): WorkflowDocument => {
      const d = structuredClone(doc);
      const n = d.nodes[node] as WorkflowDocument['nodes'][number];
      if (how === 'value') n.settings = { ...n.settings, renderer: { samples: value }, resolution: value, channels: value };
      if (how === 'unknown_key') n.settings = { ...n.settings, samples: value };
      if (how === 'type') n.type = 'no_such_node';
      if (how === 'version') n.typeVersion = 7;
      if (how === 'port' && d.edges[0]) d.edges[0] = { ...d.edges[0], sourcePort: 'nope' };
      if (how === 'drop_edge') d.edges = d.edges.slice(1);
      if (how === 'self_edge' && d.edges[0]) d.edges[0] = { ...d.edges[0], target: d.edges[0].source };
      if (how === 'disable') n.disabled = true;
      if (how === 'duplicate_id' && d.nodes.length > 1) n.id = (d.nodes[(node + 1) % d.nodes.length] as WorkflowDocument['nodes'][number]).id;
      return d;
    });

const docsArb = workflowArb().chain((doc) => fc.oneof(fc.constant(doc), brokenArb(doc)));

function agree(backend: NodeCatalog, editor: NodeCatalog, runs: number) {
  fc.assert(
    fc.property(docsArb, fc.constantFrom('save' as const, 'dispatch' as const), (doc, mode) => {
      const a = validateWorkflow(doc, backend, { mode });
      const b = validateWorkflow(doc, editor, { mode });
      expect(b.problems).toEqual(a.problems);
    }),
    { numRuns: runs, seed: 20261127 },
  );
}

describe('the editor catalog (shared specs + nodes.list)', () => {
  it('validates every document exactly as the backend registry does, valid or broken', () => {
    const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
    const editor = catalogFromDefinitions(registry.definitions(), NODE_SPECS);
    expect(editor).not.toBeNull();
    agree(registry, editor as NodeCatalog, 300);
  });

  it('takes each type’s run status from the backend, so a type the backend cannot run is refused for dispatch alike', () => {
    const runtimes: Record<string, NodeRuntime> = { ...NODE_RUNTIMES };
    runtimes.render_still = { disabledReason: 'Blender is not installed' };
    runtimes.notify = { disabledReason: 'no outbox here' };
    const registry = createNodeRegistry(NODE_SPECS, runtimes);
    const editor = catalogFromDefinitions(registry.definitions(), NODE_SPECS) as NodeCatalog;
    expect(editor.status('render_still', 1)).toEqual({ executable: false, disabledReason: 'Blender is not installed' });
    agree(registry, editor, 150);
  });

  it('is null when the served definitions and the bundled specs differ, so the editor waits for the backend', () => {
    const defs = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES).definitions();
    expect(catalogFromDefinitions(defs.slice(1), NODE_SPECS)).toBeNull();
    expect(catalogFromDefinitions(defs.map((d, i) => (i === 3 ? { ...d, version: d.version + 1 } : d)), NODE_SPECS)).toBeNull();
    expect(catalogFromDefinitions(defs.map((d, i) => (i === 5 ? { ...d, inputs: [] } : d)), NODE_SPECS)).toBeNull();
    expect(catalogFromDefinitions(defs.map((d, i) => (i === 2 ? { ...d, upgradesFrom: [0] } : d)), NODE_SPECS)).toBeNull();
    expect(catalogFromDefinitions([...defs, { ...(defs[0] as (typeof defs)[number]), type: 'extra' }], NODE_SPECS)).toBeNull();
  });
});
