import type { NodeSpec } from '../nodes/specs';

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
