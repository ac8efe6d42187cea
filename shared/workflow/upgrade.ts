import type { NodeSpec } from '../nodes/node-spec';
import type { NodeCatalog } from './catalog';
import type { WorkflowDocument } from './document';

/** What a node's (type, typeVersion) means against a catalog. */
export type NodeVersionResolution =
  | { kind: 'unknown_type' }
  | { kind: 'unknown_version'; known: number[] }
  /** `spec` is the version the node names. */
  | { kind: 'current'; spec: NodeSpec }
  /** `spec` is the newest version; the node's settings reach it through `spec.upgrades`. */
  | { kind: 'upgradable'; spec: NodeSpec; from: number };

export function resolveNodeVersion(catalog: NodeCatalog, type: string, version: number): NodeVersionResolution {
  const known = catalog.versions(type);
  if (known.length === 0) return { kind: 'unknown_type' };
  const latest = catalog.spec(type, Math.max(...known));
  const exact = catalog.spec(type, version);
  if (latest && version < latest.version && hasUpgradePath(latest, version)) return { kind: 'upgradable', spec: latest, from: version };
  // A catalog may also serve an older version as is (no upgrade chain): it is still known.
  if (exact) return { kind: 'current', spec: exact };
  return { kind: 'unknown_version', known };
}

function hasUpgradePath(spec: NodeSpec, from: number): boolean {
  for (let v = from; v < spec.version; v += 1) if (!spec.upgrades.some((u) => u.from === v)) return false;
  return from <= spec.version;
}

/**
 * The settings of a node stored at `fromVersion`, brought to `spec.version` one upgrade step at
 * a time; undefined when a step is missing (or `fromVersion` is newer than the spec).
 * The input is not modified; an upgrade step that throws propagates.
 */
export function upgradeNodeSettings(spec: NodeSpec, fromVersion: number, settings: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!hasUpgradePath(spec, fromVersion)) return undefined;
  let current = structuredClone(settings);
  for (let v = fromVersion; v < spec.version; v += 1) {
    const step = spec.upgrades.find((u) => u.from === v);
    if (!step) return undefined;
    current = step.up(current);
  }
  return current;
}

/**
 * The document with every upgradable node at its type's current version and its settings
 * upgraded. Nodes that cannot be upgraded (unknown, or an upgrade step throws) are left as they
 * are for validation to report. Answers the same document object when nothing changed, so a
 * caller can tell whether to save.
 */
export function upgradeWorkflowNodes(doc: WorkflowDocument, catalog: NodeCatalog): WorkflowDocument {
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    const r = resolveNodeVersion(catalog, node.type, node.typeVersion);
    if (r.kind !== 'upgradable') return node;
    let settings: Record<string, unknown> | undefined;
    try {
      settings = upgradeNodeSettings(r.spec, r.from, node.settings);
    } catch {
      return node;
    }
    if (!settings) return node;
    changed = true;
    return { ...node, typeVersion: r.spec.version, settings };
  });
  return changed ? { ...doc, nodes } : doc;
}
