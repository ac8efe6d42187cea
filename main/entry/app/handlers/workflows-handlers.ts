import type { HandlerGroup } from '../../../platform/transport/dispatch';
import type { WorkflowStore } from '../../../catalog/workflows/types';

export type WorkflowMethod =
  | 'workflows.list'
  | 'workflows.get'
  | 'workflows.save'
  | 'workflows.validate'
  | 'workflows.delete'
  | 'workflows.revisions';

/** The workflows.* methods over a store; the dispatch has already checked every input. */
export function workflowHandlers(store: WorkflowStore): HandlerGroup<WorkflowMethod> {
  return {
    'workflows.list': (filter) => ({ workflows: store.list(filter) }),
    'workflows.get': ({ id, revision }) => store.get(id, revision),
    'workflows.save': ({ document, note }) => store.save(document, note),
    'workflows.validate': ({ document, mode }) => store.validate(document, mode),
    'workflows.delete': ({ id }) => store.delete(id),
    'workflows.revisions': ({ id }) => ({ revisions: store.revisions(id) }),
  };
}
