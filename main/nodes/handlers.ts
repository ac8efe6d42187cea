import type { HandlerGroup } from '../api/dispatch';
import type { NodeRegistry } from './registry';

export function nodeHandlers(registry: NodeRegistry): HandlerGroup<'nodes.list'> {
  return { 'nodes.list': () => ({ nodes: registry.definitions() }) };
}
