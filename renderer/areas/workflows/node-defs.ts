import { useEffect } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { PortSpec } from '../../../shared/nodes/ports';
import type { Family, WorkflowDocument } from '../../../shared/workflow/document';
import { useClient, useConnection } from '../../app/services';
import { errorText } from '../../transport/errors';
import { nodeById, reaches } from './doc-utils';

/** The node definitions the backend serves (nodes.list): the only source of ports, families, settings. */
export interface NodeDefsState {
  defs: NodeDefinition[];
  byType: Map<string, NodeDefinition>;
  loaded: boolean;
  error: string | null;
}

interface NodeDefsModel {
  store: StoreApi<NodeDefsState>;
  load(): Promise<void>;
}

const models = new WeakMap<ContractClient, NodeDefsModel>();

function model(client: ContractClient): NodeDefsModel {
  let m = models.get(client);
  if (m) return m;
  const store = createStore<NodeDefsState>(() => ({ defs: [], byType: new Map(), loaded: false, error: null }));
  let loading: Promise<void> | null = null;
  const load = () => {
    loading ??= client
      .call('nodes.list', {})
      .then(
        ({ nodes }) => store.setState({ defs: nodes, byType: new Map(nodes.map((d) => [d.type, d])), loaded: true, error: null }),
        (error: unknown) => store.setState({ error: `The node types could not be read: ${errorText(error)}` }),
      )
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  m = { store, load };
  models.set(client, m);
  return m;
}

/** The node definitions, read once per connection. */
export function useNodeDefs(): NodeDefsState {
  const client = useClient();
  const m = model(client);
  const epoch = useConnection((s) => s.epoch);
  useEffect(() => {
    if (epoch > 0 && !m.store.getState().loaded) void m.load();
  }, [m, epoch]);
  return useStore(m.store);
}

/** The input node a new workflow of a family starts with: `input_<family>`, else the family's first input node. */
export function familyInputNode(defs: readonly NodeDefinition[], family: Family): NodeDefinition | undefined {
  const own = defs.filter((d) => d.families.includes(family));
  return own.find((d) => d.type === `input_${family}`) ?? own.find((d) => d.category === 'input');
}

/** A colour per port type, so matching ports are recognisable at a glance (presentation only). */
const PORT_COLORS: Record<string, string> = {
  order_line: '#7a4fd6',
  cad_source: '#8d6e63',
  mesh_asset: '#2e8b57',
  metadata: '#607d8b',
  scene: '#1f77b4',
  image: '#d9480f',
  image_sequence: '#e67700',
  video: '#c2255c',
  blend_file: '#ea7600',
  media_asset: '#2b8a3e',
  notification: '#5c7cfa',
  parameters: '#868e96',
};

export function portColor(type: string | undefined): string {
  return (type && PORT_COLORS[type]) || '#868e96';
}

export function portTypesText(port: PortSpec): string {
  return port.types.join(' or ');
}

export interface ConnectionAttempt {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/**
 * Why a new edge does not fit the contract the backend serves (port types, the workflow's family,
 * one edge per input, no loops), or null when it fits. The backend's validation checks the same
 * rules again on the whole document.
 */
export function connectionProblem(doc: WorkflowDocument, byType: Map<string, NodeDefinition>, c: ConnectionAttempt): string | null {
  const src = nodeById(doc, c.source);
  const tgt = nodeById(doc, c.target);
  if (!src || !tgt) return 'Both ends of a connection must be nodes of this workflow.';
  if (src.id === tgt.id) return `"${src.id}" cannot feed itself: a workflow must not loop.`;
  const srcDef = byType.get(src.type);
  const tgtDef = byType.get(tgt.type);
  if (!srcDef) return `"${src.id}" has type ${src.type}, which this Lightbox does not know.`;
  if (!tgtDef) return `"${tgt.id}" has type ${tgt.type}, which this Lightbox does not know.`;
  for (const [node, def] of [
    [src, srcDef],
    [tgt, tgtDef],
  ] as const) {
    if (!def.families.includes(doc.family)) {
      return `"${node.id}" (${def.title}) belongs in ${def.families.join(' or ')} workflows, not in this ${doc.family} workflow.`;
    }
  }
  const out = srcDef.outputs.find((p) => p.name === c.sourcePort);
  const inp = tgtDef.inputs.find((p) => p.name === c.targetPort);
  if (!out) return `"${src.id}" has no output "${c.sourcePort}".`;
  if (!inp) return `"${tgt.id}" has no input "${c.targetPort}".`;
  const type = out.types[0] ?? '';
  if (!inp.types.includes(type as never)) {
    return `Output "${out.title}" of "${src.id}" gives ${type}, but input "${inp.title}" of "${tgt.id}" accepts only ${portTypesText(inp)}.`;
  }
  const taken = doc.edges.find((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (taken) {
    if (taken.source === c.source && taken.sourcePort === c.sourcePort) return `These ports are already connected.`;
    return `Input "${inp.title}" of "${tgt.id}" is already connected (from "${taken.source}"); an input takes one edge. Delete that edge first.`;
  }
  if (reaches(doc, tgt.id, src.id)) return `Connecting "${src.id}" to "${tgt.id}" would close a loop; a workflow must not loop.`;
  return null;
}
