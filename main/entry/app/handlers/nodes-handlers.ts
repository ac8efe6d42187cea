import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { NodeRegistry } from '../../../catalog/nodes/registry';

export function nodeHandlers(registry: NodeRegistry): HandlerGroup<'nodes.list'> {
  return { 'nodes.list': () => ({ nodes: registry.definitions() }) };
}
