import type { NodeSpec } from '../nodes/node-spec';

/** Whether a node type can run now; a disabled type always says why. */
export type NodeStatus = { executable: true } | { executable: false; disabledReason: string };

/**
 * What validation needs to know about node types. The backend's registry implements it; the
 * editor can build one from `nodes.list`.
 */
export interface NodeCatalog {
  /** The spec of this exact type and version, if known. */
  spec(type: string, version: number): NodeSpec | undefined;
  /** Every version known for a type, oldest first; empty for an unknown type. */
  versions(type: string): number[];
  status(type: string, version: number): NodeStatus;
}

/** spec() and versions() over specs by type: one type has one current spec and its upgradable versions. */
export function specLookup(byType: ReadonlyMap<string, NodeSpec>): Pick<NodeCatalog, 'spec' | 'versions'> {
  return {
    spec: (type, version) => {
      const s = byType.get(type);
      return s && s.version === version ? s : undefined;
    },
    versions: (type) => {
      const s = byType.get(type);
      return s ? [...s.upgrades.map((u) => u.from), s.version].sort((a, b) => a - b) : [];
    },
  };
}

/** The parts of a served definition the editor's catalog must agree on with its spec. */
interface DefinitionShape {
  type: string;
  version: number;
  families: readonly string[];
  inputs: readonly unknown[];
  outputs: readonly unknown[];
  upgradesFrom: readonly number[];
  executable: boolean;
  disabledReason?: string | undefined;
}

/**
 * The catalog the editor validates with as the user types: the shared specs the backend registers,
 * with each type's run status as the backend reports it (nodes.list). Null when the served types
 * and these specs differ (a renderer built apart from its backend): the editor then waits for the
 * backend alone rather than guess.
 */
export function catalogFromDefinitions(defs: readonly DefinitionShape[], specs: readonly NodeSpec[]): NodeCatalog | null {
  const byType = new Map(specs.map((s) => [s.type, s]));
  const served = new Map(defs.map((d) => [d.type, d]));
  if (served.size !== byType.size) return null;
  for (const d of defs) {
    const s = byType.get(d.type);
    const same =
      s !== undefined &&
      s.version === d.version &&
      JSON.stringify(s.families) === JSON.stringify(d.families) &&
      JSON.stringify(s.inputs) === JSON.stringify(d.inputs) &&
      JSON.stringify(s.outputs) === JSON.stringify(d.outputs) &&
      JSON.stringify(s.upgrades.map((u) => u.from)) === JSON.stringify(d.upgradesFrom);
    if (!same) return null;
  }
  return {
    ...specLookup(byType),
    status: (type, version) => {
      const d = served.get(type);
      if (!d || d.version !== version) return { executable: false, disabledReason: `unknown node ${type}@${version}` };
      return d.executable ? { executable: true } : { executable: false, disabledReason: d.disabledReason ?? 'the backend cannot run it' };
    },
  };
}
