import { describe, expect, it } from 'vitest';
// Tests check against the real registry (its specs and disabled reasons); validate.ts itself stays free of main/.
import { createNodeRegistry } from '../../main/catalog/nodes/registry';
import { type NodeSpec } from '../nodes/node-spec';
import { NODE_SPECS } from '../../main/nodes/specs';
import type { NodeCatalog } from './catalog';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from './document';
import { ProblemCodes, type Problem } from './problems';
import { formatPath, isValid, validateWorkflow } from './validate';
import { NODE_RUNTIMES } from '../../main/nodes/executors';

const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);

/** The real specs, every type executable: dispatch-mode checks without the build's disabled executors. */
const executable: NodeCatalog = { spec: registry.spec, versions: registry.versions, status: () => ({ executable: true }) };
/** Every node type has an executor now; the not-executable rules are checked on a catalog that says otherwise. */
const NOT_YET = 'no executor yet: arrives with a later issue (test catalog)';
const noExecutors: NodeCatalog = { spec: registry.spec, versions: registry.versions, status: () => ({ executable: false, disabledReason: NOT_YET }) };

let seq = 0;
const node = (id: string, type: string, settings: Record<string, unknown> = {}, extra: Partial<WorkflowNode> = {}): WorkflowNode => ({
  id,
  type,
  typeVersion: 1,
  settings,
  position: { x: (seq += 100), y: 0 },
  ...extra,
});
const edge = (id: string, source: string, sourcePort: string, target: string, targetPort: string): WorkflowEdge => ({ id, source, sourcePort, target, targetPort });

/** input → resolve → prepare → materials → render → save → notify: a complete order_line workflow. */
function orderLine(): WorkflowDocument {
  return {
    schemaVersion: 1,
    id: 'still',
    name: 'Still render',
    family: 'order_line',
    executionMode: 'graph',
    revision: 3,
    nodes: [
      node('line', 'input_order_line'),
      node('resolve', 'resolve_cad'),
      node('scene', 'prepare_scene', { camera: { angle: 'front' } }),
      node('materials', 'apply_materials', { default: 'chrome', by_part: { 'bolt*': 'black_oxide' } }),
      node('render', 'render_still', { renderer: { samples: 128 } }),
      node('save', 'output_save', { folder: 'stills' }),
      node('notify', 'notify', { channels: ['desktop', 'webhook'], webhook_url: 'https://example.com/hook' }),
    ],
    edges: [
      edge('e1', 'line', 'line', 'resolve', 'line'),
      edge('e2', 'resolve', 'mesh', 'scene', 'mesh'),
      edge('e3', 'scene', 'scene', 'materials', 'scene'),
      edge('e4', 'materials', 'scene', 'render', 'scene'),
      edge('e5', 'render', 'image', 'save', 'artifact'),
      edge('e6', 'save', 'asset', 'notify', 'asset'),
    ],
    parameters: [{ name: 'render.samples', default: 256, targets: [{ nodeId: 'render', setting: 'renderer.samples' }] }],
    metadata: { owner: 'tests', unknownKey: { kept: true } },
  };
}

function cadFile(): WorkflowDocument {
  return {
    schemaVersion: 1,
    id: 'ingest',
    name: 'Ingest',
    family: 'cad_file',
    executionMode: 'graph',
    revision: 0,
    nodes: [
      node('cad', 'input_cad_file'),
      node('ingest', 'ingest_cad', { linear_deflection_mm: 0.05 }),
      node('meta', 'extract_metadata'),
      node('thumb', 'make_thumbnail', { size_px: 512 }),
    ],
    edges: [
      edge('e1', 'cad', 'cad', 'ingest', 'cad'),
      edge('e2', 'ingest', 'mesh', 'meta', 'mesh'),
      edge('e3', 'ingest', 'mesh', 'thumb', 'mesh'),
    ],
    metadata: {},
  };
}

const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
/** Problems other than the build's "no executor yet" warnings. */
const relevant = (problems: Problem[]) => problems.filter((p) => p.code !== ProblemCodes.nodeNotExecutable);

function only(doc: unknown, catalog: NodeCatalog = registry, mode: 'save' | 'dispatch' = 'save'): Problem {
  const { problems } = validateWorkflow(doc, catalog, { mode });
  const rest = relevant(problems);
  expect(rest, JSON.stringify(rest, null, 2)).toHaveLength(1);
  return rest[0] as Problem;
}

describe('validateWorkflow: valid workflows', () => {
  it('accepts a complete order_line workflow with no errors, only the build\'s no-executor warnings', () => {
    const { document, problems } = validateWorkflow(orderLine(), registry);
    expect(errors(problems)).toEqual([]);
    expect(isValid(problems)).toBe(true);
    expect(relevant(problems)).toEqual([]);
    expect(problems.every((p) => p.code === ProblemCodes.nodeNotExecutable && p.severity === 'warning')).toBe(true);
    expect(document?.metadata).toEqual({ owner: 'tests', unknownKey: { kept: true } });
  });

  it('accepts a complete cad_file workflow with no errors', () => {
    const { problems } = validateWorkflow(cadFile(), registry);
    expect(errors(problems)).toEqual([]);
    expect(validateWorkflow(cadFile(), executable, { mode: 'dispatch' }).problems).toEqual([]);
  });

  it('answers the normalized document: an absent execution mode becomes legacy', () => {
    const { executionMode: _drop, ...doc } = orderLine();
    const { document } = validateWorkflow(doc, registry);
    expect(document?.executionMode).toBe('legacy');
  });
});

describe('validateWorkflow: each class of problem', () => {
  it('malformed_document: every zod issue, naming the field, and no document', () => {
    const doc = orderLine() as unknown as Record<string, unknown>;
    const nodes = doc.nodes as Record<string, unknown>[];
    delete (nodes[2] as Record<string, unknown>).position;
    (nodes[4] as Record<string, unknown>).typeVersion = 0;
    doc.colour = 'red';
    const { document, problems } = validateWorkflow(doc, registry);
    expect(document).toBeNull();
    expect(problems.map((p) => [p.code, p.path, p.nodeId])).toEqual(
      expect.arrayContaining([
        [ProblemCodes.malformed, 'nodes[2].position', 'scene'],
        [ProblemCodes.malformed, 'nodes[4].typeVersion', 'render'],
        [ProblemCodes.malformed, 'colour', undefined],
      ]),
    );
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.path === 'nodes[2].position')?.message).toBe('nodes[2].position is required');
    expect(problems.find((p) => p.path === 'colour')?.message).toContain('allowed fields: schemaVersion, id, name');
  });

  it('malformed_document: not an object', () => {
    expect(validateWorkflow([], registry)).toEqual({ document: null, problems: [expect.objectContaining({ code: ProblemCodes.malformed, path: '' })] });
  });

  it('unsupported_schema_version: a newer schemaVersion', () => {
    const { document, problems } = validateWorkflow({ ...orderLine(), schemaVersion: 7 }, registry);
    expect(document).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ code: ProblemCodes.unsupportedSchemaVersion, path: 'schemaVersion', severity: 'error' })]);
    expect(problems[0]?.message).toContain('newer');
  });

  it('duplicate_id: node ids', () => {
    const doc = orderLine();
    doc.nodes.push(node('render', 'render_still'));
    const { problems } = validateWorkflow(doc, registry);
    const dup = problems.filter((p) => p.code === ProblemCodes.duplicateId);
    expect(dup).toEqual([expect.objectContaining({ path: 'nodes[7].id', nodeId: 'render' })]);
    expect(dup[0]?.message).toContain('nodes[4] and nodes[7]');
  });

  it('duplicate_id: edge ids', () => {
    const doc = orderLine();
    (doc.edges[5] as WorkflowEdge).id = 'e1';
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.duplicateId, path: 'edges[5].id', edgeId: 'e1' });
  });

  it('duplicate_id: parameter names', () => {
    const doc = orderLine();
    doc.parameters?.push({ name: 'render.samples', targets: [] });
    expect(only(doc)).toMatchObject({ code: ProblemCodes.duplicateId, path: 'parameters[1].name' });
  });

  it('unknown_node_type', () => {
    const doc = orderLine();
    doc.nodes.push(node('mystery', 'render_hologram'));
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.unknownNodeType, path: 'nodes[7].type', nodeId: 'mystery' });
    expect(p.message).toContain('"render_hologram"');
  });

  it('unknown_node_version lists the known versions', () => {
    const doc = orderLine();
    (doc.nodes[4] as WorkflowNode).typeVersion = 9;
    // The node's ports are unknown at that version, so its edges and output role cannot be checked.
    const p = validateWorkflow(doc, registry).problems.find((x) => x.code === ProblemCodes.unknownNodeVersion);
    expect(p).toMatchObject({ path: 'nodes[4].typeVersion', nodeId: 'render' });
    expect(p?.message).toContain('known versions of render_still: 1');
  });

  it('invalid_setting: out of range, naming the bounds', () => {
    const doc = orderLine();
    (doc.nodes[4] as WorkflowNode).settings = { renderer: { samples: 10000 } };
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.invalidSetting, path: 'nodes[4].settings.renderer.samples', nodeId: 'render' });
    expect(p.message).toBe('node "render" (render_still): setting renderer.samples = 10000 is too large; allowed: an integer from 1 to 4096');
  });

  it('invalid_setting: a file name template with a control character, naming output.filename', () => {
    for (const filename of ['a\u0000b', 'a\nfile x', 'tab\there', 'x\u001f', 'del\u007f']) {
      const doc = orderLine();
      (doc.nodes[4] as WorkflowNode).settings = { output: { filename } };
      const p = only(doc);
      expect(p, JSON.stringify(filename)).toMatchObject({ code: ProblemCodes.invalidSetting, path: 'nodes[4].settings.output.filename', nodeId: 'render' });
      expect(p.message).toContain('output.filename');
      expect(p.message).toContain('must not contain control characters (U+0000–U+001F, U+007F)');
    }
  });

  it('invalid_setting: enum, listing the values', () => {
    const doc = orderLine();
    (doc.nodes[4] as WorkflowNode).settings = { output: { format: 'gif', color_depth: 12 } };
    const { problems } = validateWorkflow(doc, registry);
    const got = relevant(problems);
    expect(got.map((p) => [p.code, p.path])).toEqual([
      [ProblemCodes.invalidSetting, 'nodes[4].settings.output.format'],
      [ProblemCodes.invalidSetting, 'nodes[4].settings.output.color_depth'],
    ]);
    expect(got[0]?.message).toContain('allowed: one of "png", "jpeg", "webp", "exr"');
    expect(got[1]?.message).toContain('allowed: one of 8, 16');
  });

  it('unknown_setting names the key and the allowed keys', () => {
    const doc = orderLine();
    (doc.nodes[4] as WorkflowNode).settings = { renderer: { sample: 12 } };
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.unknownSetting, path: 'nodes[4].settings.renderer.sample', nodeId: 'render' });
    expect(p.message).toContain('unknown setting renderer.sample; allowed settings of renderer: engine, samples, seed, denoise, threads');
  });

  it('missing_setting: notify with a webhook channel and no webhook_url', () => {
    const doc = orderLine();
    (doc.nodes[6] as WorkflowNode).settings = { channels: ['webhook'] };
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.missingSetting, path: 'nodes[6].settings.webhook_url', nodeId: 'notify' });
    expect(p.message).toContain('webhook_url is required when channels includes "webhook"');
  });

  it('unknown_material: default and by_part values', () => {
    const doc = orderLine();
    (doc.nodes[3] as WorkflowNode).settings = { default: 'gold', by_part: { 'bolt*': 'silver' } };
    const { problems } = validateWorkflow(doc, registry);
    expect(relevant(problems).map((p) => [p.code, p.path, p.nodeId])).toEqual([
      [ProblemCodes.unknownMaterial, 'nodes[3].settings.default', 'materials'],
      [ProblemCodes.unknownMaterial, 'nodes[3].settings.by_part["bolt*"]', 'materials'],
    ]);
    expect(problems.find((p) => p.code === ProblemCodes.unknownMaterial)?.message).toContain('unknown material "gold"; known materials: neutral_grey');
  });

  it('edge_missing_node', () => {
    const doc = orderLine();
    (doc.edges[5] as WorkflowEdge).source = 'ghost';
    const { problems } = validateWorkflow(doc, registry);
    expect(relevant(problems).map((p) => [p.code, p.path, p.edgeId ?? p.nodeId])).toEqual([
      [ProblemCodes.edgeMissingNode, 'edges[5].source', 'e6'],
      // With its only edge broken, notify's input is not connected either.
      [ProblemCodes.requiredInputMissing, 'nodes[6]', 'notify'],
    ]);
  });

  it('edge_missing_port lists the node\'s ports', () => {
    const doc = orderLine();
    (doc.edges[4] as WorkflowEdge).sourcePort = 'picture';
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.edgeMissingPort, path: 'edges[4].sourcePort', edgeId: 'e5' });
    expect(p.message).toContain('node "render" (render_still) has no output "picture"; its outputs: image, asset');
  });

  it('port_type_mismatch names both types', () => {
    const doc = orderLine();
    // The render's self-published asset is a media_asset; output_save wants the image itself.
    (doc.edges[4] as WorkflowEdge).sourcePort = 'asset';
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.portTypeMismatch, path: 'edges[4]', edgeId: 'e5' });
    expect(p.message).toContain('gives media_asset');
    expect(p.message).toContain('accepts only image, video, blend_file, image_sequence');
  });

  it('input_already_connected', () => {
    const doc = orderLine();
    doc.edges.push(edge('e7', 'scene', 'scene', 'render', 'scene'));
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.inputAlreadyConnected, path: 'edges[6]', edgeId: 'e7' });
    expect(p.message).toContain('already connected by edge "e4"');
  });

  it('cycle names the nodes in it', () => {
    const doc = orderLine();
    // materials → materials2 → materials: the second one's input is fed from the loop.
    doc.nodes.push(node('materials2', 'apply_materials'));
    (doc.edges[2] as WorkflowEdge).source = 'materials2';
    doc.edges.push(edge('e7', 'materials', 'scene', 'materials2', 'scene'));
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.cycle, path: 'nodes[3]', nodeId: 'materials' });
    expect(p.message).toBe('nodes "materials" → "materials2" → "materials" form a cycle; a workflow must not loop');
  });

  it('family_mismatch: ingest_cad in an order_line workflow', () => {
    const doc = orderLine();
    doc.nodes.push(node('ingest', 'ingest_cad'));
    doc.edges.push(edge('e7', 'line', 'line', 'ingest', 'cad'));
    const { problems } = validateWorkflow(doc, registry);
    const p = problems.find((x) => x.code === ProblemCodes.familyMismatch);
    expect(p).toMatchObject({ path: 'nodes[7].type', nodeId: 'ingest' });
    expect(p?.message).toContain('belongs in cad_file workflows, not in this order_line workflow');
  });

  it('family_mismatch alone', () => {
    const doc = cadFile();
    doc.nodes.push(node('params', 'input_parameters'));
    expect(only(doc)).toMatchObject({ code: ProblemCodes.familyMismatch, path: 'nodes[4].type', nodeId: 'params' });
  });

  it('required_input_missing', () => {
    const doc = cadFile();
    doc.edges = doc.edges.filter((e) => e.id !== 'e1');
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.requiredInputMissing, path: 'nodes[1]', nodeId: 'ingest' });
    expect(p.message).toContain('required input "cad" (cad_source) is not connected');
  });

  it('disabled_on_output_path: a disabled node an output depends on', () => {
    const doc = orderLine();
    (doc.nodes[3] as WorkflowNode).disabled = true;
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.disabledOnOutputPath, path: 'nodes[3].disabled', nodeId: 'materials', severity: 'error' });
    expect(p.message).toContain('output "render", "save", "notify" depends on it');
  });

  it('disabled_on_output_path: the output itself; a disabled node off every output path is fine', () => {
    const doc = cadFile();
    (doc.nodes[3] as WorkflowNode).disabled = true;
    expect(only(doc)).toMatchObject({ code: ProblemCodes.disabledOnOutputPath, path: 'nodes[3].disabled', nodeId: 'thumb' });
    const side = orderLine();
    side.nodes.push(node('spare', 'prepare_scene', {}, { disabled: true }));
    side.edges.push(edge('e7', 'resolve', 'mesh', 'spare', 'mesh'));
    expect(relevant(validateWorkflow(side, registry).problems)).toEqual([]);
  });

  it('node_not_executable: a warning on save, an error on dispatch, with the reason', () => {
    expect(validateWorkflow(cadFile(), registry, { mode: 'dispatch' }).problems).toEqual([]);
    const save = validateWorkflow(cadFile(), noExecutors, { mode: 'save' }).problems;
    expect(save).toHaveLength(4);
    expect(save[1]).toMatchObject({ code: ProblemCodes.nodeNotExecutable, severity: 'warning', path: 'nodes[1].type', nodeId: 'ingest' });
    expect(save[1]?.message).toContain(NOT_YET);
    const dispatch = validateWorkflow(cadFile(), noExecutors, { mode: 'dispatch' }).problems;
    expect(dispatch.map((p) => p.severity)).toEqual(['error', 'error', 'error', 'error']);
    expect(isValid(dispatch)).toBe(false);
  });

  it('no_output: a warning on save, an error on dispatch', () => {
    const doc = cadFile();
    doc.nodes = doc.nodes.slice(0, 2);
    doc.edges = doc.edges.slice(0, 1);
    expect(only(doc, executable, 'save')).toMatchObject({ code: ProblemCodes.noOutput, path: 'nodes', severity: 'warning' });
    expect(only(doc, executable, 'dispatch')).toMatchObject({ code: ProblemCodes.noOutput, path: 'nodes', severity: 'error' });
  });

  it('parameter_target: a missing node', () => {
    const doc = orderLine();
    doc.parameters = [{ name: 'samples', targets: [{ nodeId: 'render', setting: 'renderer.samples' }, { nodeId: 'render2', setting: 'renderer.samples' }] }];
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.parameterTarget, path: 'parameters[0].targets[1].nodeId' });
    expect(p.message).toContain('node "render2", which is not in the workflow');
  });

  it('parameter_target: a setting the node does not have', () => {
    const doc = orderLine();
    doc.parameters = [{ name: 'samples', targets: [{ nodeId: 'render', setting: 'renderer.sample' }] }];
    const p = only(doc);
    expect(p).toMatchObject({ code: ProblemCodes.parameterTarget, path: 'parameters[0].targets[0].setting', nodeId: 'render' });
    expect(p.message).toContain('settings of renderer: engine, samples, seed, denoise, threads');
  });

  it('parameter_target: record entries are settings too', () => {
    const doc = orderLine();
    doc.parameters = [{ name: 'bolts', default: 'chrome', targets: [{ nodeId: 'materials', setting: 'by_part.bolt*' }] }];
    expect(relevant(validateWorkflow(doc, registry).problems)).toEqual([]);
  });

  it('parameter_value: a default that does not fit a target', () => {
    const doc = orderLine();
    doc.parameters = [
      { name: 'samples', default: 0, targets: [{ nodeId: 'render', setting: 'renderer.samples' }] },
      { name: 'material', default: 'gold', targets: [{ nodeId: 'materials', setting: 'default' }] },
    ];
    const { problems } = validateWorkflow(doc, registry);
    const got = relevant(problems);
    expect(got.map((p) => [p.code, p.path, p.nodeId])).toEqual([
      [ProblemCodes.parameterValue, 'parameters[0].default', 'render'],
      [ProblemCodes.parameterValue, 'parameters[1].default', 'materials'],
    ]);
    expect(got[0]?.message).toContain('allowed: an integer from 1 to 4096');
    expect(got[1]?.message).toContain('unknown material "gold"');
  });
});

describe('validateWorkflow: upgrades', () => {
  // A test-only v2 of make_thumbnail: `size` (v1) became `size_px` (v2).
  const thumbV2: NodeSpec = {
    ...(NODE_SPECS.find((s) => s.type === 'make_thumbnail') as NodeSpec),
    version: 2,
    upgrades: [{ from: 1, up: ({ size, ...rest }) => (size === undefined ? rest : { ...rest, size_px: size }) }],
  };
  const base = createNodeRegistry(NODE_SPECS.map((s) => (s.type === 'make_thumbnail' ? thumbV2 : s)), NODE_RUNTIMES);
  const catalog: NodeCatalog = { spec: base.spec, versions: base.versions, status: () => ({ executable: true }) };

  it('node_upgradable (info) and the settings are checked after the upgrade', () => {
    const doc = cadFile();
    (doc.nodes[3] as WorkflowNode).settings = { size: 128 };
    const { problems } = validateWorkflow(doc, catalog);
    expect(problems).toEqual([expect.objectContaining({ code: ProblemCodes.nodeUpgradable, severity: 'info', path: 'nodes[3].typeVersion', nodeId: 'thumb' })]);
    expect(isValid(problems)).toBe(true);

    (doc.nodes[3] as WorkflowNode).settings = { size: 1 };
    expect(validateWorkflow(doc, catalog).problems.map((p) => [p.code, p.path])).toEqual([
      [ProblemCodes.nodeUpgradable, 'nodes[3].typeVersion'],
      [ProblemCodes.invalidSetting, 'nodes[3].settings.size_px'],
    ]);
  });

  it('unknown_node_version past the newest', () => {
    const doc = cadFile();
    (doc.nodes[3] as WorkflowNode).typeVersion = 3;
    const p = validateWorkflow(doc, catalog).problems.find((x) => x.code === ProblemCodes.unknownNodeVersion);
    expect(p).toMatchObject({ path: 'nodes[3].typeVersion', nodeId: 'thumb' });
    expect(p?.message).toContain('known versions of make_thumbnail: 1, 2');
  });
});

describe('validateWorkflow: all at once', () => {
  it('reports every problem of a document that has many', () => {
    const doc = orderLine();
    (doc.nodes[4] as WorkflowNode).settings = { renderer: { samples: 0, engine: 'luxcore' }, colour: 'red' };
    (doc.nodes[3] as WorkflowNode).settings = { default: 'gold' };
    doc.nodes.push(node('render', 'render_turntable'));
    doc.nodes.push(node('ingest', 'ingest_cad'));
    doc.edges.push(edge('e7', 'ghost', 'x', 'save', 'artifact'));
    doc.edges.push(edge('e8', 'resolve', 'mesh', 'ingest', 'cad'));
    doc.nodes.push(node('pp', 'postprocess'));
    doc.edges.push(edge('e9', 'render', 'picture', 'notify', 'asset'));
    (doc.nodes[1] as WorkflowNode).disabled = true;
    doc.parameters = [{ name: 'samples', default: 'many', targets: [{ nodeId: 'nowhere', setting: 'renderer.samples' }] }];
    const codes = new Set(validateWorkflow(doc, noExecutors, { mode: 'dispatch' }).problems.map((p) => p.code));
    expect([...codes].sort()).toEqual(
      [
        ProblemCodes.invalidSetting,
        ProblemCodes.unknownSetting,
        ProblemCodes.unknownMaterial,
        ProblemCodes.duplicateId,
        ProblemCodes.familyMismatch,
        ProblemCodes.edgeMissingNode,
        ProblemCodes.portTypeMismatch,
        ProblemCodes.requiredInputMissing,
        ProblemCodes.inputAlreadyConnected,
        ProblemCodes.edgeMissingPort,
        ProblemCodes.disabledOnOutputPath,
        ProblemCodes.parameterTarget,
        ProblemCodes.nodeNotExecutable,
      ].sort(),
    );
  });

  it('never throws on junk', () => {
    for (const junk of [null, undefined, 0, 'x', [], { nodes: 'x' }, { ...orderLine(), nodes: [{}] }]) {
      const r = validateWorkflow(junk, registry);
      expect(r.document).toBeNull();
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and quotes keys that are not names', () => {
    expect(formatPath(['nodes', 2, 'settings', 'renderer', 'samples'])).toBe('nodes[2].settings.renderer.samples');
    expect(formatPath(['by_part', 'a.b'], 'nodes[0].settings')).toBe('nodes[0].settings.by_part["a.b"]');
  });
});
