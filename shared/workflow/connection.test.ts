import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from '../../main/nodes/specs';
import { specLookup, type NodeCatalog } from './catalog';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from './document';
import { ProblemCodes } from './problems';
import { connectionProblem, validateWorkflow, type ConnectionAttempt } from './validate';

// The editor's check of one new connection and the validator's check of the document with that
// edge in it are one set of rules: the same code, the same words.

const byType = new Map(NODE_SPECS.map((s) => [s.type, s]));
const catalog: NodeCatalog = { ...specLookup(byType), status: () => ({ executable: true }) };
const portsOf = (type: string) => byType.get(type);

const node = (id: string, type: string, x = 0): WorkflowNode => ({ id, type, typeVersion: 1, settings: {}, position: { x, y: 0 } });
const edge = (id: string, source: string, sourcePort: string, target: string, targetPort: string): WorkflowEdge => ({ id, source, sourcePort, target, targetPort });

/** input → resolve → prepare → materials → render, the render's scene not yet connected. */
function chain(): WorkflowDocument {
  return {
    schemaVersion: 1,
    id: 'still',
    name: 'Still',
    family: 'order_line',
    executionMode: 'graph',
    revision: 1,
    nodes: [node('line', 'input_order_line'), node('resolve', 'resolve_cad', 1), node('scene', 'prepare_scene', 2), node('materials', 'apply_materials', 3), node('render', 'render_still', 4)],
    edges: [edge('e1', 'line', 'line', 'resolve', 'line'), edge('e2', 'resolve', 'mesh', 'scene', 'mesh'), edge('e3', 'scene', 'scene', 'materials', 'scene')],
    metadata: {},
  };
}

/** The validator's problem of that code on the document with the attempted edge added as "new". */
function validatorSays(doc: WorkflowDocument, c: ConnectionAttempt, code: string) {
  const { problems } = validateWorkflow({ ...doc, edges: [...doc.edges, { id: 'new', ...c }] }, catalog);
  return problems.find((p) => p.code === code);
}

describe('connectionProblem', () => {
  it('a fitting connection has none', () => {
    expect(connectionProblem(chain(), portsOf, { source: 'materials', sourcePort: 'scene', target: 'render', targetPort: 'scene' })).toBeNull();
  });

  it('port types: the words the validator gives the edge', () => {
    const doc = chain();
    const c = { source: 'resolve', sourcePort: 'mesh', target: 'render', targetPort: 'scene' };
    const problem = connectionProblem(doc, portsOf, c);
    expect(problem).toMatchObject({ code: ProblemCodes.portTypeMismatch, severity: 'error', path: 'edges[3]' });
    expect(problem?.message).toBe('output "mesh" of node "resolve" (resolve_cad) gives mesh_asset, but input "scene" of node "render" (render_still) accepts only scene');
    expect(validatorSays(doc, c, ProblemCodes.portTypeMismatch)?.message).toBe(`edge "new": ${problem?.message}`);
  });

  it('one edge per input', () => {
    const doc = chain();
    const c = { source: 'resolve', sourcePort: 'mesh', target: 'scene', targetPort: 'mesh' };
    const problem = connectionProblem(doc, portsOf, c);
    expect(problem).toMatchObject({ code: ProblemCodes.inputAlreadyConnected });
    expect(problem?.message).toContain('already connected by edge "e2"; an input takes one edge');
    expect(validatorSays(doc, c, ProblemCodes.inputAlreadyConnected)?.message).toBe(`edge "new": ${problem?.message}`);
  });

  it('ports that do not exist', () => {
    const doc = chain();
    for (const [c, field] of [
      [{ source: 'materials', sourcePort: 'picture', target: 'render', targetPort: 'scene' }, 'sourcePort'],
      [{ source: 'materials', sourcePort: 'scene', target: 'render', targetPort: 'picture' }, 'targetPort'],
    ] as const) {
      const problem = connectionProblem(doc, portsOf, c);
      expect(problem).toMatchObject({ code: ProblemCodes.edgeMissingPort, path: `edges[3].${field}` });
      expect(validatorSays(doc, c, ProblemCodes.edgeMissingPort)?.message).toBe(`edge "new": ${problem?.message}`);
    }
  });

  it('a node of another family', () => {
    const doc = chain();
    doc.nodes.push(node('ingest', 'ingest_cad', 5));
    const c = { source: 'line', sourcePort: 'line', target: 'ingest', targetPort: 'cad' };
    const problem = connectionProblem(doc, portsOf, c);
    expect(problem).toMatchObject({ code: ProblemCodes.familyMismatch, nodeId: 'ingest' });
    expect(problem?.message).toBe(validatorSays(doc, c, ProblemCodes.familyMismatch)?.message);
  });

  it('a node type nobody knows', () => {
    const doc = chain();
    doc.nodes.push(node('odd', 'no_such_type', 5));
    const c = { source: 'materials', sourcePort: 'scene', target: 'odd', targetPort: 'scene' };
    const problem = connectionProblem(doc, portsOf, c);
    expect(problem).toMatchObject({ code: ProblemCodes.unknownNodeType, nodeId: 'odd' });
    expect(problem?.message).toBe(validatorSays(doc, c, ProblemCodes.unknownNodeType)?.message);
  });

  it('a loop, named as the validator names the cycle it would make', () => {
    // materials → materials2, then materials2 back into materials (whose scene input is free here).
    const loopDoc: WorkflowDocument = { ...chain(), edges: [edge('e5', 'materials', 'scene', 'materials2', 'scene')] };
    loopDoc.nodes.push(node('materials2', 'apply_materials', 5));
    const c = { source: 'materials2', sourcePort: 'scene', target: 'materials', targetPort: 'scene' };
    const problem = connectionProblem(loopDoc, portsOf, c);
    expect(problem).toMatchObject({ code: ProblemCodes.cycle });
    expect(problem?.message).toBe('nodes "materials" → "materials2" → "materials" form a cycle; a workflow must not loop');
    expect(problem?.message).toBe(validatorSays(loopDoc, c, ProblemCodes.cycle)?.message);

    const self = { source: 'materials', sourcePort: 'scene', target: 'materials', targetPort: 'scene' };
    expect(connectionProblem(chain(), portsOf, self)?.message).toBe('node "materials" (apply_materials) feeds itself; a workflow must not loop');
    // The validator also finds the input's second edge; the loop it words the same.
    expect(connectionProblem(chain(), portsOf, self)?.message).toBe(validatorSays(chain(), self, ProblemCodes.cycle)?.message);
  });

  it('an end that is not in the workflow', () => {
    expect(connectionProblem(chain(), portsOf, { source: 'gone', sourcePort: 'scene', target: 'render', targetPort: 'scene' })).toMatchObject({
      code: ProblemCodes.edgeMissingNode,
      message: 'the connection comes from node "gone", which is not in the workflow',
    });
  });
});
