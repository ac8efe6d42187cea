import { z } from 'zod';
import { NODE_SPECS, type NodeSpec } from '../../../shared/nodes/specs';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import { specLookup, type NodeCatalog, type NodeStatus } from '../../../shared/workflow/catalog';
import { EXECUTORS, type Executor } from '../../execution/executors';

/** How a node type runs: an executor, or the reason it cannot yet. */
export type NodeRuntime = { executor: Executor } | { disabledReason: string };

/** Every node type whose executor exists runs it; a type without one would say why (never a fake one). */
const DEFAULT_RUNTIMES: Record<string, NodeRuntime> = Object.fromEntries(Object.entries(EXECUTORS).map(([type, executor]) => [type, { executor }]));

export interface NodeRegistry extends NodeCatalog {
  definitions(): NodeDefinition[];
  runtime(type: string, version: number): NodeRuntime | undefined;
  /** Settings of an older version brought to the current one through the registered upgrades. */
  upgradeSettings(type: string, fromVersion: number, settings: Record<string, unknown>): { version: number; settings: Record<string, unknown> } | undefined;
}

export function createNodeRegistry(
  specs: readonly NodeSpec[] = NODE_SPECS,
  runtimes: Record<string, NodeRuntime> = DEFAULT_RUNTIMES,
): NodeRegistry {
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
