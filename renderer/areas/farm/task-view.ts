import type { FarmStatus } from '../../../shared/farm/status';

export type FarmTask = FarmStatus['tasks'][number];

/** The state filter of the farm page: every task, the ones still to finish, or one final state. */
export const TASK_FILTERS = ['all', 'active', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskFilter = (typeof TASK_FILTERS)[number];
export const FILTER_LABELS: Record<TaskFilter, string> = { all: 'All', active: 'Queued or running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };

const ACTIVE = new Set<FarmTask['state']>(['queued', 'running', 'retrying']);

export function isActive(task: FarmTask): boolean {
  return ACTIVE.has(task.state);
}

export function matches(task: FarmTask, filter: TaskFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'active') return isActive(task);
  return task.state === filter;
}

/** Newest first: the farm lists active tasks, then finished ones, each oldest first. */
export function newestFirst(tasks: FarmTask[]): FarmTask[] {
  return tasks
    .map((task, index) => ({ task, index }))
    .sort((a, b) => (a.task.submittedAt === b.task.submittedAt ? b.index - a.index : a.task.submittedAt < b.task.submittedAt ? 1 : -1))
    .map(({ task }) => task);
}

/** A task's name for people: what it renders, and of which CAD file. */
export function taskName(task: FarmTask): string {
  return task.cadFileName ? `${task.title} of ${task.cadFileName}` : task.title;
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
