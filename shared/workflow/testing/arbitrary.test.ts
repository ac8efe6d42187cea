import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from '../../../main/nodes/specs';
import { WorkflowDocumentSchema } from '../document';
import { topologicalOrder } from '../graph';
import type { NodeCatalog } from '../catalog';
import { hasErrors } from '../problems';
import { validateWorkflow } from '../validate';
import { SETTING_TREES, settingLeaves, validWorkflowArb, workflowArb } from './arbitrary';

const specOf = (type: string) => {
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!spec) throw new Error(`no spec ${type}`);
  return spec;
};

function withValue(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let out: unknown = value;
  for (const key of keys.reverse()) out = { [key]: out };
  return out as Record<string, unknown>;
}

/** Every spec as executable: what a build with all executors would accept for dispatch. */
const allExecutable: NodeCatalog = {
  spec: (type, version) => NODE_SPECS.find((s) => s.type === type && s.version === version),
  versions: (type) => NODE_SPECS.filter((s) => s.type === type).map((s) => s.version),
  status: () => ({ executable: true }),
};

describe('validWorkflowArb', () => {
  it('generates documents the validator accepts without errors, even for dispatch', () => {
    fc.assert(
      fc.property(validWorkflowArb, (doc) => {
        for (const mode of ['save', 'dispatch'] as const) {
          const { document, problems } = validateWorkflow(doc, allExecutable, { mode });
          expect(problems.filter((p) => p.severity === 'error'), mode).toEqual([]);
          expect(hasErrors(problems)).toBe(false);
          expect(JSON.stringify(document)).toBe(JSON.stringify(doc));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parses to itself against the canonical schema, key order included', () => {
    fc.assert(
      fc.property(validWorkflowArb, (doc) => {
        const parsed = WorkflowDocumentSchema.parse(JSON.parse(JSON.stringify(doc)));
        expect(JSON.stringify(parsed)).toBe(JSON.stringify(doc));
      }),
      { numRuns: 300 },
    );
  });

  it('builds type-checked DAGs of the family, settings inside each spec, parameters with valid defaults', () => {
    fc.assert(
      fc.property(validWorkflowArb, (doc) => {
        const byId = new Map(doc.nodes.map((n) => [n.id, n]));
        expect(byId.size).toBe(doc.nodes.length);
        expect(new Set(doc.edges.map((e) => e.id)).size).toBe(doc.edges.length);
        expect(topologicalOrder([...byId.keys()], doc.edges)).not.toBeNull();
        for (const node of doc.nodes) {
          const spec = specOf(node.type);
          expect(spec.families).toContain(doc.family);
          expect(node.typeVersion).toBe(spec.version);
          const settings = spec.settings.safeParse(node.settings);
          expect(settings.success, `${node.type} ${JSON.stringify(node.settings)}`).toBe(true);
          for (const port of spec.inputs) {
            const feeding = doc.edges.filter((e) => e.target === node.id && e.targetPort === port.name);
            expect(feeding.length).toBe(port.required ? 1 : feeding.length);
            for (const edge of feeding) {
              const source = byId.get(edge.source);
              expect(source).toBeDefined();
              const out = specOf(source?.type ?? '').outputs.find((o) => o.name === edge.sourcePort);
              expect(out && port.types.includes(out.types[0] as never)).toBe(true);
            }
          }
        }
        expect(doc.nodes.some((n) => specOf(n.type).isOutput)).toBe(true);
        for (const parameter of doc.parameters ?? []) {
          for (const target of parameter.targets) {
            const node = byId.get(target.nodeId);
            expect(node).toBeDefined();
            const parsed = specOf(node?.type ?? '').settings.safeParse(withValue(target.setting, parameter.default));
            expect(parsed.success, `${parameter.name} → ${target.setting} = ${JSON.stringify(parameter.default)}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('covers both families, parameters and metadata with unknown keys', () => {
    const sample = fc.sample(validWorkflowArb, { numRuns: 300, seed: 42 });
    expect(new Set(sample.map((d) => d.family))).toEqual(new Set(['cad_file', 'order_line']));
    expect(sample.some((d) => (d.parameters?.length ?? 0) > 0)).toBe(true);
    expect(sample.some((d) => Object.keys(d.metadata).length > 0)).toBe(true);
    expect(sample.some((d) => d.nodes.length > 6)).toBe(true);
    expect(fc.sample(workflowArb({ family: 'cad_file' }), 20).every((d) => d.family === 'cad_file')).toBe(true);
  });

  it('knows only settings the specs have', () => {
    for (const [type, tree] of Object.entries(SETTING_TREES)) {
      const spec = specOf(type);
      for (const [path] of settingLeaves(tree)) {
        const [top] = path.split('.');
        expect(Object.keys(spec.settings.shape), `${type}.${path}`).toContain(top);
      }
    }
  });
});
