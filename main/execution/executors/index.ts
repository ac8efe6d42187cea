import type { NodeRegistry } from '../../catalog/nodes/registry';
import type { Executor } from './context';

export * from './artifacts';
export * from './context';

/**
 * The registry as the execution layer uses it: its runtimes are executors. Each node type's
 * executor is `main/nodes/<type>/execute.ts` (main/nodes/executors.ts pairs them); legacy
 * pipelines, workflows, editor runs and CAD imports all run exactly these.
 */
export type ExecutableRegistry = NodeRegistry<Executor>;
