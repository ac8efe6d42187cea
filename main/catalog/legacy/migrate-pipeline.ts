import dagre from '@dagrejs/dagre';
import { ApiFailure } from '../../../shared/contract/errors';
import { type NodeSpec } from '../../../shared/nodes/node-spec';
import { NODE_SPECS } from '../../nodes/specs';
import {
  WORKFLOW_SCHEMA_VERSION,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type WorkflowParameter,
} from '../../../shared/workflow/document';
import { PRESET_FIELDS, fieldDefault } from './field-map';
import { PIPELINE_FORMAT, nodeTypeOfService, type PresetWorkflow } from './pipeline-schema';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 96;

export const workflowIdOf = (pipelineKey: string): string => `legacy.${pipelineKey}`;

/** The current spec of a node type; the service answers from the registry, tests from NODE_SPECS. */
export type SpecLookup = (type: string) => NodeSpec | undefined;
const builtinSpec: SpecLookup = (type) => NODE_SPECS.find((s) => s.type === type);

const INPUT_NODE = { order_line: 'input_order_line', cad_file: 'input_cad_file' } as const;

/** Metadata a migrated workflow carries so it can be projected back. */
export interface LegacyWorkflowMetadata {
  format: string;
  key: string;
  name: string;
  steps: number;
}

/**
 * A preset workflow as a canonical workflow of the same family: input node, then one node per
 * step in order, each required input fed by the nearest earlier compatible output. Pure; the
 * result has revision 0 (the caller sets the revision it saves on top of).
 */
export function migratePipeline(pipeline: PresetWorkflow, lookup: SpecLookup = builtinSpec): WorkflowDocument {
  // Step options override the preset for this step only: exactly a node's explicit settings.
  const { nodes: placed, edges } = chainOf(pipeline, lookup, { settings: (step) => structuredClone(step.options ?? {}), strict: true });
  const nodes = layout(placed, edges);
  const metadata: { legacy: LegacyWorkflowMetadata } = {
    legacy: { format: PIPELINE_FORMAT, key: pipeline.key, name: pipeline.name, steps: pipeline.steps.length },
  };
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    id: workflowIdOf(pipeline.key),
    name: pipeline.name,
    family: pipeline.family,
    executionMode: 'legacy',
    revision: 0,
    nodes,
    edges,
    parameters: pipeline.family === 'order_line' ? workflowParameters(nodes) : [],
    metadata,
  };
}

/**
 * A preset workflow's steps as a chain of nodes: the input node, then one node per step in
 * order (ids `step<n>_<service>`), each input fed by the nearest earlier step with a fitting
 * output. `strict` refuses a step whose input nothing earlier produces (a migration must wire
 * every input); otherwise the input is left unwired and the step fails when it runs, as the
 * legacy dispatcher always did. Shared by migration and by the legacy compile, so both wire alike.
 */
export function chainOf(
  pipeline: PresetWorkflow,
  lookup: SpecLookup,
  options: { settings: (step: PresetWorkflow['steps'][number], spec: NodeSpec) => Record<string, unknown>; strict: boolean },
): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  const specOf = (type: string): NodeSpec => {
    const spec = lookup(type);
    if (!spec) throw new ApiFailure('legacy_migration_failed', `node type ${type} is not registered`);
    return spec;
  };
  const inputSpec = specOf(INPUT_NODE[pipeline.family]);
  const placed: { node: WorkflowNode; spec: NodeSpec }[] = [
    { node: { id: 'input', type: inputSpec.type, typeVersion: inputSpec.version, settings: {}, position: { x: 0, y: 0 } }, spec: inputSpec },
  ];
  const edges: WorkflowEdge[] = [];

  pipeline.steps.forEach((step, i) => {
    const spec = specOf(nodeTypeOfService(step.service));
    const node: WorkflowNode = {
      id: `step${i + 1}_${step.service}`,
      type: spec.type,
      typeVersion: spec.version,
      settings: options.settings(step, spec),
      position: { x: 0, y: 0 },
      ...(step.on_error ? { onError: step.on_error } : {}),
    };
    for (const port of spec.inputs.filter((p) => p.required)) {
      const source = nearestSource(placed, port.types);
      if (!source) {
        if (!options.strict) continue;
        throw new ApiFailure(
          'legacy_migration_failed',
          `preset workflow "${pipeline.key}": step ${i + 1} (${step.service}) needs ${port.types.join(' or ')} on its "${port.name}" input, and no earlier step produces it`,
          `steps[${i}].service`,
        );
      }
      edges.push({
        id: `${source.nodeId}.${source.port}-${node.id}.${port.name}`,
        source: source.nodeId,
        sourcePort: source.port,
        target: node.id,
        targetPort: port.name,
      });
    }
    placed.push({ node, spec });
  });
  return { nodes: placed.map((p) => p.node), edges };
}

function nearestSource(placed: { node: WorkflowNode; spec: NodeSpec }[], accepted: readonly string[]) {
  for (let j = placed.length - 1; j >= 0; j--) {
    const candidate = placed[j] as { node: WorkflowNode; spec: NodeSpec };
    const out = candidate.spec.outputs.find((o) => o.types.some((t) => accepted.includes(t)));
    if (out) return { nodeId: candidate.node.id, port: out.name };
  }
  return undefined;
}

/**
 * One parameter per preset value field, named by its preset path, targeting every node of this
 * workflow that consumes it; a field nothing consumes still gets one so its value is carried.
 */
export function workflowParameters(nodes: readonly WorkflowNode[]): WorkflowParameter[] {
  return PRESET_FIELDS.map((field) => {
    const targets = field.targets.flatMap((t) => nodes.filter((n) => n.type === t.nodeType).map((n) => ({ nodeId: n.id, setting: t.setting })));
    const def = field.defaultByArtifact ? undefined : fieldDefault(field, 'still');
    return {
      name: field.path,
      title: field.title,
      ...(def === undefined ? {} : { default: def }),
      targets,
    };
  });
}

/** Left to right with dagre; positions are the top-left corners the editor uses, rounded. */
function layout(nodes: WorkflowNode[], edges: WorkflowEdge[]): WorkflowNode[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id) as { x: number; y: number };
    return { ...n, position: { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) } };
  });
}
