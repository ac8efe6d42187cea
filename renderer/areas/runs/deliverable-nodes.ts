import type { NodeRun, WorkflowRun } from '../../../shared/runs/api';

/** Whether a node's stored outputs name a file (an image, video, .blend, frames or a published asset). */
const madeFile = (outputs: unknown): boolean => JSON.stringify(outputs ?? null).includes('"file":');

/**
 * The nodes of a run that made a file, the deliverable first: in reverse run order, so the last
 * node with a file (output_save, else post-processing, else the render) is tried first. Derived
 * from the run itself, so a new node type needs no list here.
 */
export function deliverableNodes(run: Pick<WorkflowRun, 'nodes'>): NodeRun[] {
  return run.nodes.filter((n) => n.status === 'succeeded' && madeFile(n.outputs)).sort((a, b) => b.stepIndex - a.stepIndex);
}
