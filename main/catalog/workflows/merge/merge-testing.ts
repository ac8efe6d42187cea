import type { WorkflowDocument, WorkflowNode } from '../../../../shared/workflow/document';
import { migratePipeline } from '../../legacy/migrate-pipeline';
import { shippedPipelines } from '../../legacy/shipped';

/** Edits the merge tests make to workflow documents, done as the editor does them. */

/** The migrated still workflow, as a workstation has it after its first save. */
export const stillBase = (): WorkflowDocument => ({ ...migratePipeline(shippedPipelines().get('still_default')?.document as never), revision: 1 });

export const RENDER = 'step4_render_still';
export const NOTIFY = 'step6_notify';

export const edit = (doc: WorkflowDocument, change: (d: WorkflowDocument) => void): WorkflowDocument => {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
};
export const node = (d: WorkflowDocument, id: string) => d.nodes.find((n) => n.id === id) as WorkflowNode;

/** Edge ids as the editor makes them (freshEdgeId): from the two ends. */
export const connect = (d: WorkflowDocument, source: string, sourcePort: string, target: string, targetPort: string) => {
  d.edges.push({ id: `${source}.${sourcePort}-${target}.${targetPort}`, source, sourcePort, target, targetPort });
};
export const disconnect = (d: WorkflowDocument, id: string) => {
  d.edges = d.edges.filter((e) => e.id !== id);
};
/** With its edges and the parameter targets aimed at it. */
export const removeNode = (d: WorkflowDocument, id: string) => {
  d.nodes = d.nodes.filter((n) => n.id !== id);
  d.edges = d.edges.filter((e) => e.source !== id && e.target !== id);
  if (d.parameters) d.parameters = d.parameters.map((p) => ({ ...p, targets: p.targets.filter((t) => t.nodeId !== id) })).filter((p) => p.targets.length > 0);
};
export const addNode = (d: WorkflowDocument, id: string, type: string, settings: Record<string, unknown> = {}) => {
  d.nodes.push({ id, type, typeVersion: 1, settings, position: { x: 0, y: 200 } });
};
/** Sets (or with `undefined` removes) one setting by its dotted path, dropping groups left empty. */
export const setSetting = (d: WorkflowDocument, id: string, dotted: string, value: unknown) => {
  const n = node(d, id);
  const set = (obj: Record<string, unknown>, [head, ...rest]: string[]): Record<string, unknown> => {
    const out = { ...obj };
    const key = head as string;
    const next = rest.length === 0 ? value : set((obj[key] as Record<string, unknown>) ?? {}, rest);
    if (next === undefined || (rest.length > 0 && Object.keys(next as object).length === 0)) delete out[key];
    else out[key] = next;
    return out;
  };
  n.settings = set(n.settings, dotted.split('.'));
};
