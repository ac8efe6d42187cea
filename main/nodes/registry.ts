import { z } from 'zod';
import { NODE_SPECS, type NodeSpec } from '../../shared/nodes/specs';
import type { NodeDefinition } from '../../shared/nodes/definition';
import type { NodeCatalog, NodeStatus } from '../../shared/workflow/catalog';

/** How a node type runs: an executor, or the reason it cannot yet. */
export type NodeRuntime = { executor: NodeExecutor } | { disabledReason: string };

/**
 * An executor performs a node's work. Its shape is fixed by the render-farm and legacy-dispatch
 * issues; here it is only named so the registry can tell executable nodes from disabled ones.
 */
export type NodeExecutor = (context: unknown, settings: Record<string, unknown>) => Promise<unknown>;

const RENDER_FARM = 'no executor yet: arrives with the render farm (issue #4)';
const LEGACY_DISPATCH = 'no executor yet: arrives with the legacy dispatcher (issue #5)';
const GRAPH_RUNTIME = 'no executor yet: workflow inputs are supplied by the graph runtime (issue #6)';

/** Until an executor lands, every type says which piece of work brings it. Never a fake one. */
const DEFAULT_RUNTIMES: Record<string, NodeRuntime> = {
  input_order_line: { disabledReason: GRAPH_RUNTIME },
  input_cad_file: { disabledReason: GRAPH_RUNTIME },
  input_parameters: { disabledReason: GRAPH_RUNTIME },
  ingest_cad: { disabledReason: RENDER_FARM },
  extract_metadata: { disabledReason: RENDER_FARM },
  make_thumbnail: { disabledReason: RENDER_FARM },
  resolve_cad: { disabledReason: LEGACY_DISPATCH },
  prepare_scene: { disabledReason: RENDER_FARM },
  apply_materials: { disabledReason: RENDER_FARM },
  render_still: { disabledReason: RENDER_FARM },
  render_turntable: { disabledReason: RENDER_FARM },
  export_blend: { disabledReason: RENDER_FARM },
  encode_video: { disabledReason: RENDER_FARM },
  postprocess: { disabledReason: RENDER_FARM },
  output_save: { disabledReason: LEGACY_DISPATCH },
  notify: { disabledReason: LEGACY_DISPATCH },
};

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
    spec: (type, version) => {
      const spec = byType.get(type);
      return spec && spec.version === version ? spec : undefined;
    },
    versions: (type) => {
      const spec = byType.get(type);
      return spec ? [...spec.upgrades.map((u) => u.from), spec.version].sort((a, b) => a - b) : [];
    },
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
