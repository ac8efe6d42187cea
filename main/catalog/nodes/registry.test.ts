import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { NODE_SPECS } from '../../nodes/specs';
import { NodeDefinitionSchema } from '../../../shared/nodes/definition';
import { createNodeRegistry, type NodeRuntime } from './registry';
import { NODE_RUNTIMES } from '../../nodes/executors';

/** The services of the legacy format (shared/legacy FORMAT.md) and the node type performing each. */
const LEGACY_SERVICES: Record<string, string> = {
  ingest_cad: 'ingest_cad',
  extract_metadata: 'extract_metadata',
  make_thumbnail: 'make_thumbnail',
  resolve_cad: 'resolve_cad',
  prepare_scene: 'prepare_scene',
  apply_materials: 'apply_materials',
  render_still: 'render_still',
  render_turntable: 'render_turntable',
  export_blend: 'export_blend',
  encode_video: 'encode_video',
  postprocess: 'postprocess',
  save_output: 'output_save',
  notify: 'notify',
};
const INPUTS = ['input_order_line', 'input_cad_file', 'input_parameters'];

function testSpec(overrides: Partial<NodeSpec> = {}): NodeSpec {
  return {
    type: 'test_node',
    version: 1,
    title: 'Test node',
    description: 'Only in tests.',
    category: 'post',
    families: ['order_line'],
    inputs: [],
    outputs: [],
    settings: z.object({ size: z.number().int().min(1).default(4) }).strict(),
    isOutput: false,
    upgrades: [],
    traits: nodeTraits(),
    ...overrides,
  };
}

const disabled: NodeRuntime = { disabledReason: 'test: no executor' };

describe('node registry', () => {
  const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
  const definitions = registry.definitions();
  const byType = new Map(definitions.map((d) => [d.type, d]));

  it('has a node for every legacy service, and every workflow input', () => {
    for (const [service, type] of Object.entries(LEGACY_SERVICES)) {
      const def = byType.get(type);
      expect(def, `node for legacy service ${service}`).toBeDefined();
      expect(def?.legacyService).toBe(service);
    }
    for (const type of INPUTS) {
      expect(byType.get(type)?.category, type).toBe('input');
      expect(byType.get(type)?.inputs).toEqual([]);
    }
    const services = definitions.flatMap((d) => (d.legacyService ? [d.legacyService] : []));
    expect(new Set(services).size).toBe(services.length);
    expect(new Set(definitions.map((d) => d.type)).size).toBe(definitions.length);
  });

  it('describes every node completely, defaults valid against both the zod and the JSON schema', () => {
    for (const def of definitions) {
      const spec = registry.spec(def.type, def.version);
      expect(spec, def.type).toBeDefined();
      expect(NodeDefinitionSchema.safeParse(def).success, def.type).toBe(true);

      expect(def.settingsSchema.$schema, def.type).toMatch(/json-schema\.org/);
      expect(def.settingsSchema.type, def.type).toBe('object');
      const properties = (def.settingsSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      expect(Object.keys(properties).sort(), def.type).toEqual(Object.keys(spec?.settings.shape ?? {}).sort());
      expect(def.settingsSchema.additionalProperties, def.type).toBe(false);

      expect(spec?.settings.safeParse(def.defaults).success, def.type).toBe(true);
      expect(def.defaults, def.type).toEqual(spec?.settings.parse({}));
      for (const key of Object.keys(def.defaults)) expect(Object.keys(properties), `${def.type}: default ${key}`).toContain(key);

      expect(def.families.length, def.type).toBeGreaterThan(0);
      for (const port of [...def.inputs, ...def.outputs]) {
        expect(port.name, def.type).not.toBe('');
        expect(port.types.length, `${def.type}.${port.name}`).toBeGreaterThan(0);
      }
      for (const port of def.outputs) expect(port.types, `${def.type}.${port.name}`).toHaveLength(1);

      if (def.executable) {
        expect(def.disabledReason).toBeUndefined();
        expect(registry.runtime(def.type, def.version)).toHaveProperty('executor');
      } else {
        expect(def.disabledReason?.trim().length ?? 0, def.type).toBeGreaterThan(0);
        expect(registry.status(def.type, def.version)).toEqual({ executable: false, disabledReason: def.disabledReason });
      }
      expect(def.upgradesFrom).toEqual(spec?.upgrades.map((u) => u.from));
    }
  });

  it('answers copies, so a caller cannot change the registry', () => {
    const first = registry.definitions();
    (first[0] as { title: string }).title = 'changed';
    expect(registry.definitions()[0]?.title).not.toBe('changed');
  });

  it('knows versions and says why an unknown node cannot run', () => {
    expect(registry.versions('render_still')).toEqual([1]);
    expect(registry.versions('no_such_node')).toEqual([]);
    expect(registry.spec('render_still', 2)).toBeUndefined();
    expect(registry.status('no_such_node', 1)).toEqual({ executable: false, disabledReason: 'unknown node no_such_node@1' });
    expect(registry.runtime('no_such_node', 1)).toBeUndefined();
  });

  it('reports an executor as executable', () => {
    const r = createNodeRegistry([testSpec()], { test_node: { executor: async () => ({}) } });
    expect(r.definitions()[0]).toMatchObject({ type: 'test_node', executable: true });
    expect(r.definitions()[0]).not.toHaveProperty('disabledReason');
    expect(r.status('test_node', 1)).toEqual({ executable: true });
  });

  it('refuses a spec whose defaults do not validate', () => {
    const bad = testSpec({ settings: z.object({ size: z.number().int().min(1) }).strict() });
    expect(() => createNodeRegistry([bad], { test_node: disabled })).toThrow(/test_node: its defaults do not validate/);
    const nested = testSpec({ settings: z.object({ group: z.object({ size: z.number() }).strict().prefault({} as never) }).strict() });
    expect(() => createNodeRegistry([nested], { test_node: disabled })).toThrow(/defaults do not validate/);
  });

  // zod 4 returns a `.default()` value without checking it; the registry parses the defaults again.
  it('refuses a spec whose default value breaks its own constraint', () => {
    const badDefault = testSpec({ settings: z.object({ size: z.number().int().min(10).default(3) }).strict() });
    expect(() => createNodeRegistry([badDefault], { test_node: disabled })).toThrow(/defaults do not validate/);
  });

  it('refuses a spec without executor or disabled reason, and a type registered twice', () => {
    expect(() => createNodeRegistry([testSpec()], {})).toThrow(/test_node has neither an executor nor a disabled reason/);
    expect(() => createNodeRegistry([testSpec(), testSpec()], { test_node: disabled })).toThrow(/registered twice/);
  });

  it('upgrades settings from older versions through the registered steps', () => {
    const v3 = testSpec({
      version: 3,
      settings: z.object({ size_px: z.number().int().min(1).default(4), unit: z.enum(['px', 'mm']).default('px') }).strict(),
      upgrades: [
        // v1 called it "size", v2 "size_px"; v3 adds a unit.
        { from: 1, up: ({ size, ...rest }) => (size === undefined ? rest : { ...rest, size_px: size }) },
        { from: 2, up: (s) => ({ ...s, unit: 'px' }) },
      ],
    });
    const r = createNodeRegistry([v3], { test_node: disabled });
    expect(r.upgradeSettings('test_node', 1, { size: 8 })).toEqual({ version: 3, settings: { size_px: 8, unit: 'px' } });
    expect(r.upgradeSettings('test_node', 2, { size_px: 2 })).toEqual({ version: 3, settings: { size_px: 2, unit: 'px' } });
    expect(r.upgradeSettings('test_node', 3, { size_px: 5 })).toEqual({ version: 3, settings: { size_px: 5 } });
    expect(r.upgradeSettings('test_node', 0, {})).toBeUndefined();
    expect(r.upgradeSettings('other', 1, {})).toBeUndefined();
    expect(r.versions('test_node')).toEqual([1, 2, 3]);
    expect(r.definitions()[0]?.upgradesFrom).toEqual([1, 2]);
  });

  it('registers exactly the shared specs', () => {
    expect(definitions.map((d) => d.type)).toEqual(NODE_SPECS.map((s) => s.type));
  });
});
