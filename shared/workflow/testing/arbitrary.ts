/**
 * fast-check arbitraries of VALID canonical workflow documents, built from the real node specs:
 * graphs that type-check (every required input fed by exactly one compatible output, no cycles,
 * a path from the family's input to an output node), sparse settings inside each spec's
 * constraints, parameters aimed at real settings with valid defaults, free-form metadata with
 * unknown keys, and unicode names.
 *
 * Every object is built with its keys in schema order and contains only JSON values (no -0, no
 * undefined), so a valid document parses to itself: a save/load roundtrip must answer it
 * unchanged, key order included (compare with JSON.stringify).
 *
 * Pure: no Node built-ins, usable from main/, shared/ and renderer tests alike.
 */
import fc from 'fast-check';
import { MATERIAL_KEYS } from '../../materials/library';
import { type NodeSpec } from '../../nodes/node-spec';
import { NODE_SPECS } from '../../../main/nodes/specs';
import type { PortType } from '../../nodes/ports';
import {
  WORKFLOW_SCHEMA_VERSION,
  type ExecutionMode,
  type Family,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
  type WorkflowParameter,
} from '../document';

/** A settings object described leaf by leaf: an arbitrary of valid values, or a nested group. */
export interface SettingTree {
  [key: string]: fc.Arbitrary<unknown> | SettingTree;
}

// ---------------------------------------------------------------------------------------------
// Valid values per known setting: a few per setting, always inside the zod constraints.

const int = (min: number, max: number) => fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
const bool = fc.boolean();

const renderer: SettingTree = {
  engine: fc.constantFrom('cycles', 'eevee', 'workbench'),
  samples: int(1, 4096),
  seed: int(0, 1_000_000),
  denoise: bool,
  threads: int(0, 64),
};
const resolution: SettingTree = { width: int(16, 8192), height: int(16, 8192), percentage: int(1, 100) };
const output: SettingTree = {
  format: fc.constantFrom('png', 'jpeg', 'webp', 'exr'),
  quality: int(1, 100),
  color_depth: fc.constantFrom(8, 16),
  filename: fc.constantFrom('{order}_{line}_{preset}', 'render', 'still_{line}', 'Ünïcode_名前_{order}'),
};
const publish: SettingTree = {
  kind: fc.constantFrom('render_still', 'render_turntable', 'scene_blend', 'custom_kind'),
  folder: fc.constantFrom('renders', 'renders/stills', 'customers/acme/2024', 'Übersicht'),
  keep_frames: bool,
};
const camera: SettingTree = {
  angle: fc.constantFrom('front', 'side', 'top', 'three_quarter', 'iso'),
  azimuth_deg: fc.constantFrom(0, 45, -30, 180, 12.5),
  elevation_deg: fc.constantFrom(0, 30, -15, 90),
  focal_length_mm: fc.constantFrom(8, 35, 50, 85, 300),
  fit_margin: fc.constantFrom(0, 0.05, 0.1, 0.5, 1),
};
const background: SettingTree = {
  mode: fc.constantFrom('color', 'transparent'),
  color: fc.constantFrom('#ffffff', '#000000', '#1a2B3c', '#FF8800'),
};
const turntable: SettingTree = { frames: int(2, 720), fps: int(1, 120), degrees: fc.constantFrom(360, -360, 180, 720, 90.5) };
const material = fc.constantFrom(...MATERIAL_KEYS);

/** Settings trees of every node type the arbitrary uses; a type missing here gets `{}`. */
export const SETTING_TREES: Record<string, SettingTree> = {
  input_order_line: {},
  input_cad_file: {},
  input_parameters: {},
  ingest_cad: {
    linear_deflection_mm: fc.constantFrom(0.01, 0.1, 1, 100),
    angular_deflection_deg: fc.constantFrom(0.5, 15, 45, 90),
  },
  extract_metadata: {},
  make_thumbnail: { size_px: int(16, 4096) },
  resolve_cad: {},
  prepare_scene: { camera, lighting: fc.constantFrom('studio_soft', 'studio_hard', 'outdoor', 'none'), background },
  apply_materials: {
    default: material,
    by_part: fc.dictionary(fc.constantFrom('*bolt*', 'housing', 'Part_*', 'ネジ*', 'lens?'), material, { maxKeys: 3, noNullPrototype: true }),
  },
  render_still: { renderer, resolution, output, publish },
  render_turntable: { renderer, resolution, output, publish, turntable },
  export_blend: { renderer, resolution, pack_resources: bool, compress: bool, publish },
  encode_video: { codec: fc.constantFrom('h264', 'vp9'), crf: int(0, 51), fps: int(1, 120) },
  postprocess: { thumbnail_px: int(0, 4096), trim: bool, pad_px: int(0, 4096) },
  output_save: publish,
  notify: {
    on_success: bool,
    on_failure: bool,
    channels: fc.constantFrom(['desktop'], ['desktop', 'webhook'], ['webhook']),
    webhook_url: fc.constantFrom('https://example.com/hooks/lightbox', 'http://localhost:8080/done'),
  },
};

/** Settings a parameter never targets: their validity depends on another setting. */
const NOT_PARAMETERIZABLE: Record<string, string[]> = { notify: ['channels', 'webhook_url'] };

const isArb = (v: fc.Arbitrary<unknown> | SettingTree): v is fc.Arbitrary<unknown> => v instanceof fc.Arbitrary;

/** A sparse subset of the tree, keys in tree (= schema) order; nested groups are sparse too. */
export function sparseSettingsArb(tree: SettingTree): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(tree)) model[key] = isArb(value) ? value : sparseSettingsArb(value);
  return fc.record(model, { requiredKeys: [], noNullPrototype: true }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Every leaf of a tree as [dotted path, arbitrary]. */
export function settingLeaves(tree: SettingTree, prefix = ''): [string, fc.Arbitrary<unknown>][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    isArb(value) ? [[`${prefix}${key}`, value] as [string, fc.Arbitrary<unknown>]] : settingLeaves(value, `${prefix}${key}.`),
  );
}

/** Valid settings of one node type: sparse, and consistent across settings that depend on each other. */
export function nodeSettingsArb(type: string): fc.Arbitrary<Record<string, unknown>> {
  const arb = sparseSettingsArb(SETTING_TREES[type] ?? {});
  if (type !== 'notify') return arb;
  return arb.map((s) => {
    const channels = s.channels as string[] | undefined;
    // "webhook" needs a URL; without channels the default (desktop) applies.
    if (channels?.includes('webhook') && s.webhook_url === undefined) return { ...s, webhook_url: 'https://example.com/hooks/lightbox' };
    return s;
  });
}

// ---------------------------------------------------------------------------------------------
// Graph shape

const SPECS_BY_TYPE = new Map(NODE_SPECS.map((s) => [s.type, s]));
const spec = (type: string): NodeSpec => {
  const found = SPECS_BY_TYPE.get(type);
  if (!found) throw new Error(`arbitrary: unknown node type ${type}`);
  return found;
};

/** The mandatory chain of each family: its input, on to an output node. */
const SPINES: Record<Family, { input: string; chains: string[][] }> = {
  cad_file: {
    input: 'input_cad_file',
    chains: [['ingest_cad', 'extract_metadata'], ['ingest_cad', 'make_thumbnail']],
  },
  order_line: {
    input: 'input_order_line',
    chains: [
      ['resolve_cad', 'prepare_scene', 'render_still'],
      ['resolve_cad', 'prepare_scene', 'apply_materials', 'render_turntable'],
      ['resolve_cad', 'prepare_scene', 'export_blend'],
    ],
  },
};

/** Types that may be added anywhere a compatible output exists (never a second workflow input). */
function extraTypes(family: Family): string[] {
  return NODE_SPECS.filter((s) => s.families.includes(family) && s.category !== 'input' && s.inputs.length > 0).map((s) => s.type);
}

interface Shape {
  types: string[];
  /** Edges by node index: [sourceIndex, sourcePort, targetIndex, targetPort]. */
  links: [number, string, number, string][];
}

interface ShapePlan {
  chain: number;
  withParameters: boolean;
  extras: { type: number; source: number }[];
}

function accepts(port: { types: PortType[] }, type: PortType): boolean {
  return port.types.includes(type);
}

/** Deterministic: a plan of small numbers becomes a DAG in which every input is fed exactly once. */
function buildShape(family: Family, plan: ShapePlan): Shape {
  const spine = SPINES[family];
  const chain = spine.chains[plan.chain % spine.chains.length] as string[];
  const types: string[] = [spine.input];
  const links: Shape['links'] = [];
  const connect = (type: string, [source, sourcePort]: [number, string]): void => {
    const port = spec(type).inputs[0] as { name: string };
    types.push(type);
    links.push([source, sourcePort, types.length - 1, port.name]);
  };
  const compatibleSources = (type: string): [number, string][] => {
    const port = spec(type).inputs[0];
    if (!port) return [];
    return types.flatMap((t, i) =>
      spec(t)
        .outputs.filter((o) => accepts(port, o.types[0] as PortType))
        .map((o) => [i, o.name] as [number, string]),
    );
  };
  for (const type of chain) {
    // The spine feeds each step from the previous node.
    const last = types.length - 1;
    const source = compatibleSources(type).find(([i]) => i === last);
    if (!source) throw new Error(`arbitrary: spine ${chain.join(' → ')} does not type-check at ${type}`);
    connect(type, source);
  }
  if (family === 'order_line' && plan.withParameters) types.push('input_parameters');
  const extra = extraTypes(family);
  for (const step of plan.extras) {
    const candidates = extra.filter((t) => compatibleSources(t).length > 0);
    if (candidates.length === 0) break;
    const type = candidates[step.type % candidates.length] as string;
    const sources = compatibleSources(type);
    connect(type, sources[step.source % sources.length] as [number, string]);
  }
  return { types, links };
}

// ---------------------------------------------------------------------------------------------
// Documents

const idArb = (maxTail: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${maxTail}}$`));

/** Names and labels: unicode text, already trimmed (the schema trims names). */
const textArb = (minLength: number, maxLength: number) =>
  fc
    .string({ unit: 'grapheme', minLength, maxLength })
    .map((s) => s.trim())
    .filter((s) => s.length >= minLength && s.length <= 200);

const noNegativeZero = (n: number) => (Object.is(n, -0) ? 0 : n);
const coordinate = fc.oneof(
  fc.integer({ min: -5000, max: 5000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map(noNegativeZero),
);

/** Metadata: arbitrary JSON under arbitrary keys, plus the keys the editor uses. */
export const metadataArb: fc.Arbitrary<Record<string, unknown>> = fc
  .dictionary(
    // "__proto__" is left out: zod's record parser drops that key (reported; see the store tests).
    fc.oneof(fc.constantFrom('editor', 'x-custom', 'tags', 'notes', 'ünïcødé', 'legacy'), fc.string()).filter((k) => k !== '__proto__'),
    fc.jsonValue({ maxDepth: 3 }),
    { maxKeys: 6, noNullPrototype: true },
  )
  // Through JSON once: plain objects only, no -0, exactly what a stored document reads back as.
  .map((m) => JSON.parse(JSON.stringify(m)) as Record<string, unknown>);

export interface WorkflowArbOptions {
  family?: Family;
  /** Nodes added beyond each family's mandatory chain. Default 6. */
  maxExtraNodes?: number;
  /** The revision the document claims to be based on. Default 0 (a new workflow). */
  revision?: number;
}

export function workflowArb(options: WorkflowArbOptions = {}): fc.Arbitrary<WorkflowDocument> {
  const familyArb: fc.Arbitrary<Family> = options.family ? fc.constant(options.family) : fc.constantFrom<Family>('cad_file', 'order_line');
  const planArb: fc.Arbitrary<ShapePlan> = fc.record({
    chain: fc.nat(),
    withParameters: fc.boolean(),
    extras: fc.array(fc.record({ type: fc.nat(), source: fc.nat() }), { maxLength: options.maxExtraNodes ?? 6 }),
  });
  return fc
    .tuple(familyArb, planArb)
    .map(([family, plan]) => ({ family, shape: buildShape(family, plan) }))
    .chain(({ family, shape }) => documentArb(family, shape, options.revision ?? 0));
}

function nodeArb(id: string, type: string): fc.Arbitrary<WorkflowNode> {
  return fc
    .record(
      {
        label: textArb(0, 40),
        settings: nodeSettingsArb(type),
        position: fc.record({ x: coordinate, y: coordinate }),
        disabled: fc.constant(false),
        onError: fc.constantFrom<'fail' | 'continue'>('fail', 'continue'),
      },
      { requiredKeys: ['settings', 'position'], noNullPrototype: true },
    )
    .map((r) => {
      // Keys in schema order; optional ones only when generated.
      const node: WorkflowNode = { id, type, typeVersion: spec(type).version } as WorkflowNode;
      if (r.label !== undefined) node.label = r.label;
      node.settings = r.settings;
      node.position = { x: r.position.x, y: r.position.y };
      if (r.disabled !== undefined) node.disabled = r.disabled;
      if (r.onError !== undefined) node.onError = r.onError;
      return node;
    });
}

interface ParameterCandidate {
  nodeId: string;
  setting: string;
  value: fc.Arbitrary<unknown>;
}

function isSet(settings: Record<string, unknown>, path: string): boolean {
  let at: unknown = settings;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

/** Settings of the document's nodes that no node sets itself: where a parameter may aim. */
function parameterCandidates(nodes: WorkflowNode[]): ParameterCandidate[] {
  return nodes.flatMap((node) => {
    const skip = NOT_PARAMETERIZABLE[node.type] ?? [];
    return settingLeaves(SETTING_TREES[node.type] ?? {})
      .filter(([path]) => !skip.includes(path) && !isSet(node.settings, path))
      .map(([setting, value]) => ({ nodeId: node.id, setting, value }));
  });
}

const parameterNameArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}(\.[a-z][a-z0-9_]{0,7})?$/);

function parametersArb(nodes: WorkflowNode[]): fc.Arbitrary<WorkflowParameter[] | undefined> {
  const candidates = parameterCandidates(nodes);
  if (candidates.length === 0) return fc.constantFrom(undefined, []);
  const one = (index: number, candidate: ParameterCandidate) =>
    fc
      .record(
        {
          name: parameterNameArb,
          title: textArb(0, 30),
          description: textArb(0, 60),
          required: fc.constant(false),
          default: candidate.value,
        },
        { requiredKeys: ['name', 'default'], noNullPrototype: true },
      )
      .map((r) => {
        const p: WorkflowParameter = { name: `${r.name}_${index}` } as WorkflowParameter;
        if (r.title !== undefined) p.title = r.title;
        if (r.description !== undefined) p.description = r.description;
        if (r.required !== undefined) p.required = r.required;
        p.default = r.default;
        p.targets = [{ nodeId: candidate.nodeId, setting: candidate.setting }];
        return p;
      });
  return fc.option(
    fc
      .uniqueArray(fc.nat({ max: candidates.length - 1 }), { maxLength: Math.min(4, candidates.length) })
      .chain((picked) => (picked.length === 0 ? fc.constant([]) : fc.tuple(...picked.map((c, i) => one(i, candidates[c] as ParameterCandidate))))),
    { nil: undefined },
  );
}

function documentArb(family: Family, shape: Shape, revision: number): fc.Arbitrary<WorkflowDocument> {
  return fc
    .record({
      id: idArb(40),
      name: textArb(1, 60),
      executionMode: fc.constantFrom<ExecutionMode>('legacy', 'graph', 'shadow'),
      nodeBase: idArb(16),
      edgeBase: idArb(16),
      metadata: metadataArb,
    })
    .chain((head) => {
      // ".n<i>" and ".e<i>" suffixes keep node and edge ids unique and apart.
      const nodeIds = shape.types.map((_, i) => `${head.nodeBase}.n${i}`);
      const edges: WorkflowEdge[] = shape.links.map(([s, sp, t, tp], i) => ({
        id: `${head.edgeBase}.e${i}`,
        source: nodeIds[s] as string,
        sourcePort: sp,
        target: nodeIds[t] as string,
        targetPort: tp,
      }));
      return fc
        .tuple(...shape.types.map((type, i) => nodeArb(nodeIds[i] as string, type)))
        .chain((nodes) => fc.tuple(parametersArb(nodes), fc.shuffledSubarray(nodes, { minLength: nodes.length })))
        .map(([parameters, ordered]) => {
          const doc: WorkflowDocument = {
            schemaVersion: WORKFLOW_SCHEMA_VERSION,
            id: head.id,
            name: head.name,
            family,
            executionMode: head.executionMode,
            revision,
            // Node order in the document is free; the graph is given by the edges.
            nodes: ordered,
            edges,
          } as WorkflowDocument;
          if (parameters !== undefined) doc.parameters = parameters;
          doc.metadata = head.metadata;
          return doc;
        });
    });
}

/** Valid workflows of both families, revision 0 (new). */
export const validWorkflowArb: fc.Arbitrary<WorkflowDocument> = workflowArb();
