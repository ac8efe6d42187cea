import { useEffect } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract';
import type { NodeDefinition } from '../../../shared/nodes/definition';
import type { PortSpec } from '../../../shared/nodes/ports';
import type { Family, WorkflowDocument } from '../../../shared/workflow/document';
import { connectionProblem, type ConnectionAttempt } from '../../../shared/workflow/validate';
import { useClient, useConnection } from '../../app/services';
import { errorText } from '../../transport/errors';

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

/**
 * Why a new edge may not be drawn, in the shared validator's words (the rules it checks on the
 * whole document: node types, families, ports, port types, one edge per input, no loops), or null
 * when it fits. The node types are the ones the backend serves.
 */
export function connectionRefusal(doc: WorkflowDocument, byType: Map<string, NodeDefinition>, c: ConnectionAttempt): string | null {
  return connectionProblem(doc, (type) => byType.get(type), c)?.message ?? null;
}
