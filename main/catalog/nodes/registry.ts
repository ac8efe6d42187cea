import { z } from 'zod';
import type { NodeSpec } from '../../../shared/nodes/node-spec';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import { specLookup, type NodeCatalog, type NodeStatus } from '../../../shared/workflow/catalog';

/**
 * How a node type runs: an executor, or the reason it cannot yet. The executor's type belongs to
 * the execution layer, so the catalog keeps it opaque (`E`).
 */
export type NodeRuntime<E = unknown> = { executor: E } | { disabledReason: string };

export interface NodeRegistry<E = unknown> extends NodeCatalog {
  definitions(): NodeDefinition[];
  runtime(type: string, version: number): NodeRuntime<E> | undefined;
  /** The current spec of a type (what a new node, a migration or a compiled pipeline uses). */
  current(type: string): NodeSpec | undefined;
  /** Settings of an older version brought to the current one through the registered upgrades. */
  upgradeSettings(type: string, fromVersion: number, settings: Record<string, unknown>): { version: number; settings: Record<string, unknown> } | undefined;
}

/**
 * The one lookup of node types: specs and traits for validation, planning and the definitions
 * API, and how each type runs (its executor, or why it cannot). The runtimes come from the
 * execution layer (execution/executors NODE_RUNTIMES); a type without one is refused here.
 */
export function createNodeRegistry<E>(specs: readonly NodeSpec[], runtimes: Readonly<Record<string, NodeRuntime<E>>>): NodeRegistry<E> {
  const byType = new Map<string, NodeSpec>();
  for (const spec of specs) {
    if (byType.has(spec.type)) throw new Error(`node type ${spec.type} is registered twice`);
    // zod does not check .default() values against their own rules, so parse the result again.
    const defaults = spec.settings.safeParse({});
    const recheck = defaults.success ? spec.settings.safeParse(defaults.data) : defaults;
    if (!recheck.success) throw new Error(`node type ${spec.type}: its defaults do not validate: ${recheck.error.message}`);
    if (!runtimes[spec.type]) throw new Error(`node type ${spec.type} has neither an executor nor a disabled reason`);
    byType.set(spec.type, spec);
  }

  const status = (type: string, version: number): NodeStatus => {
    const spec = byType.get(type);
    if (!spec || spec.version !== version) return { executable: false, disabledReason: `unknown node ${type}@${version}` };
    const runtime = runtimes[type];
    return runtime && 'executor' in runtime ? { executable: true } : { executable: false, disabledReason: (runtime as { disabledReason: string }).disabledReason };
  };

  // JSON Schema is derived once: the same data serves nodes.list and `lightbox nodes --json`.
  const definitions: NodeDefinition[] = [...byType.values()].map((spec) => {
    const st = status(spec.type, spec.version);
    return {
      type: spec.type,
      version: spec.version,
      title: spec.title,
      description: spec.description,
      category: spec.category,
      families: spec.families,
      inputs: spec.inputs,
      outputs: spec.outputs,
      settingsSchema: z.toJSONSchema(spec.settings, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      defaults: spec.settings.parse({}) as Record<string, unknown>,
      isOutput: spec.isOutput,
      traits: { ...spec.traits },
      ...(spec.legacyService ? { legacyService: spec.legacyService } : {}),
      executable: st.executable,
      ...(st.executable ? {} : { disabledReason: st.disabledReason }),
      upgradesFrom: spec.upgrades.map((u) => u.from),
    };
  });

  return {
    definitions: () => structuredClone(definitions),
    ...specLookup(byType),
    status,
    current: (type) => byType.get(type),
    runtime: (type, version) => {
      const spec = byType.get(type);
      return spec && spec.version === version ? runtimes[type] : undefined;
    },
    upgradeSettings(type, fromVersion, settings) {
      const spec = byType.get(type);
      if (!spec) return undefined;
      let version = fromVersion;
      let current = settings;
      while (version < spec.version) {
        const step = spec.upgrades.find((u) => u.from === version);
        if (!step) return undefined;
        current = step.up(current);
        version += 1;
      }
      return version === spec.version ? { version, settings: current } : undefined;
    },
  };
}
