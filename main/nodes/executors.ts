import type { NodeRuntime } from '../catalog/nodes/registry';
import type { Executor, NodeExecution } from '../execution/executors/context';
import type { NodeSpec } from '../../shared/nodes/node-spec';
import { NODE_SPECS } from './specs';

/** What a node folder's execute.ts exports. */
export interface ExecutorModule {
  execute: Executor;
}

/**
 * Runtimes for node types whose executors are loaded on first use by `load(type)`: the registry
 * stays synchronous and a node type's code is read only when one runs.
 */
export function lazyRuntimes(specs: readonly NodeSpec[], load: (type: string) => Promise<ExecutorModule>): Record<string, NodeRuntime<Executor>> {
  const loaded = new Map<string, Promise<Executor>>();
  const executorOf = (type: string): Promise<Executor> => {
    let pending = loaded.get(type);
    if (!pending) {
      pending = load(type).then((m) => {
        if (typeof m.execute !== 'function') throw new Error(`node type ${type}: its execute.ts exports no execute function`);
        return m.execute;
      });
      loaded.set(type, pending);
    }
    return pending;
  };
  return Object.fromEntries(specs.map((spec) => [spec.type, { executor: async (execution: NodeExecution) => (await executorOf(spec.type))(execution) }]));
}

/**
 * How every node type runs: the executor in its own folder, `main/nodes/<type>/execute.ts`,
 * found by the folder's name (the bundler includes every node folder's execute.ts), so adding
 * a node type is its folder and its line in specs.ts. None is faked.
 */
export const NODE_RUNTIMES: Readonly<Record<string, NodeRuntime<Executor>>> = lazyRuntimes(NODE_SPECS, (type) => import(`./${type}/execute.ts`) as Promise<ExecutorModule>);
