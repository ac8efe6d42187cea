import { z } from 'zod';
import { issueText } from '../contract/errors';
import type { PortSpec } from '../nodes/ports';
import type { NodeSpec } from '../nodes/node-spec';
import type { ValidationMode } from './api';
import type { NodeCatalog } from './catalog';
import { WORKFLOW_SCHEMA_VERSION, WorkflowDocumentSchema, type Family, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from './document';
import { downstreamOf, findCycles, upstreamOf } from './graph';
import { hasErrors, ProblemCodes, type Problem } from './problems';
import { describeAllowed, settingKeys, settingSchemaAt, unwrapSchema, valueAt, withValueAt } from './settings-schema';
import { resolveNodeVersion, upgradeNodeSettings } from './upgrade';
import { loadWorkflowDocument } from './versions';

/**
 * The one workflow validator: the backend runs it on save and on dispatch, the editor as the
 * user types. It is pure (no Node built-ins) and reports every problem it finds, never only the
 * first, each with a dotted path into the document and a message that names the thing.
 */

export interface ValidateOptions {
  /** 'save' (default) lets a draft through with warnings; 'dispatch' is what must hold to run it. */
  mode?: ValidationMode;
}

export interface ValidationResult {
  /** The loaded (migrated, normalized) document when its shape is valid, else null. */
  document: WorkflowDocument | null;
  problems: Problem[];
}

/** Valid means no errors; warnings and info do not block. */
export function isValid(problems: readonly Problem[]): boolean {
  return !hasErrors(problems);
}

type Segment = PropertyKey;

/** `['nodes', 2, 'settings', 'by_part', 'bolt*']` → `nodes[2].settings.by_part["bolt*"]`. */
export function formatPath(segments: readonly Segment[], base = ''): string {
  let out = base;
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

interface NodeInfo {
  index: number;
  node: WorkflowNode;
  /** The spec the node is checked against (the current one for an upgradable node). */
  spec?: NodeSpec;
  /** The settings as checked: upgraded when the node is at an older version. */
  settings?: Record<string, unknown>;
}

type Ids = { nodeId?: string; edgeId?: string };

const label = (node: Pick<WorkflowNode, 'id' | 'type'>) => `node "${node.id}" (${node.type})`;
const quote = (ids: Iterable<string>) => [...ids].map((id) => `"${id}"`).join(', ');

/**
 * The words of the rules a single edge is held to, shared by the whole-document check and the
 * editor's check of one new connection (connectionProblem), so both say the same.
 */
const texts = {
  unknownType: (node: Pick<WorkflowNode, 'id' | 'type'>) => `node "${node.id}" has type "${node.type}", which this Lightbox does not know`,
  family: (node: Pick<WorkflowNode, 'id' | 'type'>, families: readonly string[], family: string) => `${label(node)} belongs in ${families.join(' or ')} workflows, not in this ${family} workflow`,
  missingNode: (end: 'source' | 'target', nodeId: string) => `${end === 'source' ? 'comes from' : 'goes to'} node "${nodeId}", which is not in the workflow`,
  missingPort: (node: Pick<WorkflowNode, 'id' | 'type'>, side: 'input' | 'output', port: string, ports: readonly PortSpec[]) =>
    `${label(node)} has no ${side} "${port}"; its ${side}s: ${ports.map((p) => p.name).join(', ') || '(none)'}`,
  portType: (src: Pick<WorkflowNode, 'id' | 'type'>, out: PortSpec, tgt: Pick<WorkflowNode, 'id' | 'type'>, inp: PortSpec) =>
    `output "${out.name}" of ${label(src)} gives ${out.types[0]}, but input "${inp.name}" of ${label(tgt)} accepts only ${inp.types.join(', ')}`,
  taken: (tgt: Pick<WorkflowNode, 'id' | 'type'>, inp: PortSpec, edgeId: string) => `input "${inp.name}" of ${label(tgt)} is already connected by edge "${edgeId}"; an input takes one edge`,
  cycle: (cycle: readonly string[], first: Pick<WorkflowNode, 'id' | 'type'>) =>
    cycle.length === 1 ? `${label(first)} feeds itself; a workflow must not loop` : `nodes ${[...cycle, cycle[0]].map((id) => `"${id}"`).join(' → ')} form a cycle; a workflow must not loop`,
};

/** Whether an input accepts what an output gives (an output gives exactly one type). */
export function portAccepts(inp: Pick<PortSpec, 'types'>, out: Pick<PortSpec, 'types'>): boolean {
  return (inp.types as readonly string[]).includes(out.types[0] as string);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function validateWorkflow(input: unknown, catalog: NodeCatalog, options: ValidateOptions = {}): ValidationResult {
  const mode = options.mode ?? 'save';
  const problems: Problem[] = [];
  const add = (code: string, path: string, message: string, ids: Ids = {}, severity: Problem['severity'] = 'error') => {
    problems.push({ code, severity, message, path, ...(ids.nodeId !== undefined ? { nodeId: ids.nodeId } : {}), ...(ids.edgeId !== undefined ? { edgeId: ids.edgeId } : {}) });
  };

  const loaded = loadWorkflowDocument(input);
  if (!loaded.ok) {
    reportMalformed(input, loaded, add);
    return { document: null, problems };
  }
  const doc = loaded.document;

  checkDuplicates(doc, add);

  // Graph checks use the first node of each id; duplicates are reported above.
  const infos = doc.nodes.map((node, index) => checkNode(doc, node, index, catalog, mode, add));
  const byId = new Map<string, NodeInfo>();
  for (const info of infos) if (!byId.has(info.node.id)) byId.set(info.node.id, info);

  const graphEdges = checkEdges(doc, byId, add);
  checkCycles(byId, graphEdges, add);
  checkRequiredInputs(infos, graphEdges, add);
  checkOutputs(infos, byId, graphEdges, mode, add);
  checkParameters(doc, byId, add);

  return { document: doc, problems };
}

type Add = (code: string, path: string, message: string, ids?: Ids, severity?: Problem['severity']) => void;

function reportMalformed(input: unknown, loaded: Extract<ReturnType<typeof loadWorkflowDocument>, { ok: false }>, add: Add): void {
  const version = input !== null && typeof input === 'object' ? (input as Record<string, unknown>).schemaVersion : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > WORKFLOW_SCHEMA_VERSION) {
    add(ProblemCodes.unsupportedSchemaVersion, 'schemaVersion', loaded.message);
    return;
  }
  if (!(loaded.error instanceof z.ZodError)) {
    add(ProblemCodes.malformed, loaded.path, loaded.message);
    return;
  }
  for (const issue of loaded.error.issues) {
    const ids = idsAt(input, issue.path);
    const field = formatPath(issue.path) || 'the document';
    if (issue.code === 'unrecognized_keys') {
      const allowed = settingKeys(settingSchemaAt(WorkflowDocumentSchema, issue.path as (string | number)[])) ?? [];
      for (const key of issue.keys) {
        add(ProblemCodes.malformed, formatPath([...issue.path, key]), `${formatPath([...issue.path, key])} is not a known field${allowed.length ? `; allowed fields${issue.path.length ? ` of ${field}` : ''}: ${allowed.join(', ')}` : ''}`, ids);
      }
    } else if (valueAt(input, issue.path as (string | number)[]) === undefined) {
      add(ProblemCodes.malformed, formatPath(issue.path), `${field} is required`, ids);
    } else {
      add(ProblemCodes.malformed, formatPath(issue.path), `${field}: ${issueText(issue, input)}`, ids);
    }
  }
}

/** The id of the node or edge a malformed-document path points into, when it has one. */
function idsAt(input: unknown, path: readonly PropertyKey[]): Ids {
  const [list, index] = path;
  if ((list !== 'nodes' && list !== 'edges') || typeof index !== 'number') return {};
  const id = valueAt(input, [list, index, 'id']);
  if (typeof id !== 'string') return {};
  return list === 'nodes' ? { nodeId: id } : { edgeId: id };
}

function checkDuplicates(doc: WorkflowDocument, add: Add): void {
  const dup = <T>(items: readonly T[], key: (t: T) => string, list: string, field: string, what: string, ids: (t: T) => Ids) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item);
      const at = first.get(k);
      if (at === undefined) first.set(k, i);
      else add(ProblemCodes.duplicateId, `${list}[${i}].${field}`, `${what} "${k}" is used by ${list}[${at}] and ${list}[${i}]; ${what}s must be unique`, ids(item));
    });
  };
  dup(doc.nodes, (n) => n.id, 'nodes', 'id', 'node id', (n) => ({ nodeId: n.id }));
  dup(doc.edges, (e) => e.id, 'edges', 'id', 'edge id', (e) => ({ edgeId: e.id }));
  dup(doc.parameters ?? [], (p) => p.name, 'parameters', 'name', 'parameter name', () => ({}));
}

function checkNode(doc: WorkflowDocument, node: WorkflowNode, index: number, catalog: NodeCatalog, mode: ValidationMode, add: Add): NodeInfo {
  const base = `nodes[${index}]`;
  const ids = { nodeId: node.id };
  const resolved = resolveNodeVersion(catalog, node.type, node.typeVersion);
  if (resolved.kind === 'unknown_type') {
    add(ProblemCodes.unknownNodeType, `${base}.type`, texts.unknownType(node), ids);
    return { index, node };
  }
  if (resolved.kind === 'unknown_version') {
    add(ProblemCodes.unknownNodeVersion, `${base}.typeVersion`, `${label(node)} is at version ${node.typeVersion}, which this Lightbox does not know; known versions of ${node.type}: ${resolved.known.join(', ')}`, ids);
    return { index, node };
  }
  const spec = resolved.spec;
  let settings: Record<string, unknown> | undefined = node.settings;
  if (resolved.kind === 'upgradable') {
    add(ProblemCodes.nodeUpgradable, `${base}.typeVersion`, `${label(node)} is at version ${resolved.from}; it upgrades to version ${spec.version} on load, and its settings are checked as upgraded`, ids, 'info');
    try {
      settings = upgradeNodeSettings(spec, resolved.from, node.settings);
    } catch (error) {
      settings = undefined;
      add(ProblemCodes.invalidSetting, `${base}.settings`, `${label(node)}: its settings could not be upgraded from version ${resolved.from}: ${(error as Error).message}`, ids);
    }
  }

  if (!spec.families.includes(doc.family)) {
    add(ProblemCodes.familyMismatch, `${base}.type`, texts.family(node, spec.families, doc.family), ids);
  }

  if (settings) {
    const parsed = spec.settings.safeParse(settings);
    if (!parsed.success) {
      for (const p of describeSettingsIssues(spec.settings, settings, parsed.error.issues)) {
        add(p.code, formatPath(p.path, `${base}.settings`), `${label(node)}: ${p.text}`, ids);
      }
    }
  }

  // A node the user disabled never runs, so whether its type can run does not matter.
  if (!node.disabled) {
    const status = catalog.status(spec.type, spec.version);
    if (!status.executable) {
      add(ProblemCodes.nodeNotExecutable, `${base}.type`, `${label(node)} cannot run in this build: ${status.disabledReason}`, ids, mode === 'dispatch' ? 'error' : 'warning');
    }
  }
  return { index, node, spec, ...(settings ? { settings } : {}) };
}

interface SettingsIssue {
  code: string;
  /** Relative to the node's settings. */
  path: PropertyKey[];
  /** Names the setting; the caller prefixes the node. */
  text: string;
}

/** Zod issues of a node's settings, in words, each mapped to its problem code. */
export function describeSettingsIssues(schema: z.ZodType, settings: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): SettingsIssue[] {
  const out: SettingsIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const name = formatPath(path) || 'settings';
    if (issue.code === 'unrecognized_keys') {
      const allowed = settingKeys(settingSchemaAt(schema, path)) ?? [];
      const where = path.length ? `settings of ${name}` : 'settings';
      for (const key of issue.keys) {
        out.push({ code: ProblemCodes.unknownSetting, path: [...path, key], text: `unknown setting ${formatPath([...path, key])}; allowed ${where}: ${allowed.join(', ') || '(none)'}` });
      }
      continue;
    }
    if ((issue.code === 'custom' || issue.code === 'invalid_value') && /unknown material/.test(issue.message)) {
      out.push({ code: ProblemCodes.unknownMaterial, path, text: `setting ${name}: ${issue.message}` });
      continue;
    }
    if (issue.code === 'invalid_key') {
      const parent = path.slice(0, -1);
      const record = unwrapSchema(settingSchemaAt(schema, parent) ?? schema);
      const keys = record instanceof z.ZodRecord ? describeAllowed(record.keyType as z.ZodType) : 'a valid name';
      out.push({ code: ProblemCodes.invalidSetting, path, text: `setting ${formatPath(parent)} has an invalid key ${show(path[path.length - 1])}; keys must be ${keys}` });
      continue;
    }
    const value = valueAt(settings, path);
    const allowed = describeAllowed(settingSchemaAt(schema, path));
    if (value === undefined) {
      // Every setting has a default, so only a rule that ties settings together can require one.
      const text = issue.code === 'custom' ? `setting ${name} ${issue.message}` : `setting ${name} is required; allowed: ${allowed}`;
      out.push({ code: ProblemCodes.missingSetting, path, text });
      continue;
    }
    if (issue.code === 'custom') {
      out.push({ code: ProblemCodes.invalidSetting, path, text: `setting ${name} = ${show(value)} ${issue.message}` });
      continue;
    }
    out.push({ code: ProblemCodes.invalidSetting, path, text: `setting ${name} = ${show(value)} ${reason(issue)}; allowed: ${allowed}` });
  }
  return out;
}

function reason(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'set' ? 'has too many items' : issue.origin === 'string' ? 'is too long' : 'is too large';
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'set' ? 'has too few items' : issue.origin === 'string' ? 'is too short' : 'is too small';
    case 'invalid_value':
    case 'invalid_union':
      return 'is not allowed';
    case 'invalid_type':
      return 'has the wrong type';
    case 'invalid_format':
      // A regex check with its own message says what it wants better than the pattern does.
      if (issue.format === 'regex') return issue.message.startsWith('Invalid') ? `does not match ${String((issue as { pattern?: unknown }).pattern)}` : issue.message;
      return `is not a valid ${issue.format === 'url' ? 'URL' : issue.format}`;
    default:
      return `is invalid (${issue.message})`;
  }
}

/** Edge checks; answers the edges between existing nodes, which shape the graph. */
function checkEdges(doc: WorkflowDocument, byId: Map<string, NodeInfo>, add: Add): WorkflowEdge[] {
  const graphEdges: WorkflowEdge[] = [];
  const connected = new Map<string, string>();
  doc.edges.forEach((edge, i) => {
    const base = `edges[${i}]`;
    const ids = { edgeId: edge.id };
    const src = byId.get(edge.source);
    const tgt = byId.get(edge.target);
    if (!src) add(ProblemCodes.edgeMissingNode, `${base}.source`, `edge "${edge.id}" ${texts.missingNode('source', edge.source)}`, ids);
    if (!tgt) add(ProblemCodes.edgeMissingNode, `${base}.target`, `edge "${edge.id}" ${texts.missingNode('target', edge.target)}`, ids);
    if (src && tgt) graphEdges.push(edge);

    const out = src?.spec?.outputs.find((p) => p.name === edge.sourcePort);
    if (src?.spec && !out) add(ProblemCodes.edgeMissingPort, `${base}.sourcePort`, `edge "${edge.id}": ${texts.missingPort(src.node, 'output', edge.sourcePort, src.spec.outputs)}`, ids);
    const inp = tgt?.spec?.inputs.find((p) => p.name === edge.targetPort);
    if (tgt?.spec && !inp) add(ProblemCodes.edgeMissingPort, `${base}.targetPort`, `edge "${edge.id}": ${texts.missingPort(tgt.node, 'input', edge.targetPort, tgt.spec.inputs)}`, ids);
    if (src && tgt && out && inp && !portAccepts(inp, out)) {
      add(ProblemCodes.portTypeMismatch, base, `edge "${edge.id}": ${texts.portType(src.node, out, tgt.node, inp)}`, ids);
    }
    if (tgt && inp) {
      const key = `${edge.target}\u0000${edge.targetPort}`;
      const first = connected.get(key);
      if (first !== undefined) {
        add(ProblemCodes.inputAlreadyConnected, base, `edge "${edge.id}": ${texts.taken(tgt.node, inp, first)}`, ids);
      } else connected.set(key, edge.id);
    }
  });
  return graphEdges;
}

function checkCycles(byId: Map<string, NodeInfo>, graphEdges: WorkflowEdge[], add: Add): void {
  for (const cycle of findCycles([...byId.keys()], graphEdges)) {
    const first = byId.get(cycle[0] as string) as NodeInfo;
    add(ProblemCodes.cycle, `nodes[${first.index}]`, texts.cycle(cycle, first.node), { nodeId: first.node.id });
  }
}

/** What the edge rules need of a node type: a NodeSpec, or a definition as nodes.list serves it. */
export interface NodePorts {
  families: readonly Family[];
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
}

/** A new edge the editor is asked to draw. */
export interface ConnectionAttempt {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/**
 * The first problem a new edge would bring into the document, in the words the validator uses
 * for it once the edge is there (node types, families, ports, port types, one edge per input, no
 * loops), or null when the edge fits. The editor asks this before it draws a connection.
 */
export function connectionProblem(
  doc: Pick<WorkflowDocument, 'family' | 'nodes' | 'edges'>,
  portsOf: (type: string) => NodePorts | undefined,
  c: ConnectionAttempt,
): Problem | null {
  const at = `edges[${doc.edges.length}]`;
  const problem = (code: string, path: string, message: string, nodeId?: string): Problem => ({ code, severity: 'error', message, path, ...(nodeId !== undefined ? { nodeId } : {}) });
  const src = doc.nodes.find((n) => n.id === c.source);
  const tgt = doc.nodes.find((n) => n.id === c.target);
  if (!src) return problem(ProblemCodes.edgeMissingNode, `${at}.source`, `the connection ${texts.missingNode('source', c.source)}`);
  if (!tgt) return problem(ProblemCodes.edgeMissingNode, `${at}.target`, `the connection ${texts.missingNode('target', c.target)}`);
  if (src.id === tgt.id) return problem(ProblemCodes.cycle, at, texts.cycle([src.id], src), src.id);
  const ends = [
    [src, portsOf(src.type)],
    [tgt, portsOf(tgt.type)],
  ] as const;
  for (const [node, ports] of ends) {
    if (!ports) return problem(ProblemCodes.unknownNodeType, at, texts.unknownType(node), node.id);
    if (!ports.families.includes(doc.family)) return problem(ProblemCodes.familyMismatch, at, texts.family(node, ports.families, doc.family), node.id);
  }
  const [srcPorts, tgtPorts] = [ends[0][1] as NodePorts, ends[1][1] as NodePorts];
  const out = srcPorts.outputs.find((p) => p.name === c.sourcePort);
  if (!out) return problem(ProblemCodes.edgeMissingPort, `${at}.sourcePort`, texts.missingPort(src, 'output', c.sourcePort, srcPorts.outputs), src.id);
  const inp = tgtPorts.inputs.find((p) => p.name === c.targetPort);
  if (!inp) return problem(ProblemCodes.edgeMissingPort, `${at}.targetPort`, texts.missingPort(tgt, 'input', c.targetPort, tgtPorts.inputs), tgt.id);
  if (!portAccepts(inp, out)) return problem(ProblemCodes.portTypeMismatch, at, texts.portType(src, out, tgt, inp), tgt.id);
  const taken = doc.edges.find((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (taken) return problem(ProblemCodes.inputAlreadyConnected, at, texts.taken(tgt, inp, taken.id), tgt.id);
  if (downstreamOf(tgt.id, doc.edges).has(src.id)) {
    // Reported as the validator reports the cycle once the edge is in.
    const ids = doc.nodes.map((n) => n.id);
    const cycle = findCycles(ids, [...doc.edges, c]).find((cy) => cy.includes(src.id)) ?? [src.id, tgt.id];
    const first = doc.nodes.find((n) => n.id === cycle[0]) ?? src;
    return problem(ProblemCodes.cycle, at, texts.cycle(cycle, first), first.id);
  }
  return null;
}

function checkRequiredInputs(infos: NodeInfo[], graphEdges: WorkflowEdge[], add: Add): void {
  const fed = new Set(graphEdges.map((e) => `${e.target}\u0000${e.targetPort}`));
  for (const info of infos) {
    for (const port of info.spec?.inputs ?? []) {
      if (port.required && !fed.has(`${info.node.id}\u0000${port.name}`)) {
        add(ProblemCodes.requiredInputMissing, `nodes[${info.index}]`, `${label(info.node)}: required input "${port.name}" (${port.types.join(' or ')}) is not connected`, { nodeId: info.node.id });
      }
    }
  }
}

function checkOutputs(infos: NodeInfo[], byId: Map<string, NodeInfo>, graphEdges: WorkflowEdge[], mode: ValidationMode, add: Add): void {
  const outputs = infos.filter((i) => i.spec?.isOutput);
  if (outputs.length === 0) {
    add(ProblemCodes.noOutput, 'nodes', 'the workflow has no output node, so a run would deliver nothing; add a node that renders, publishes or notifies', {}, mode === 'dispatch' ? 'error' : 'warning');
    return;
  }
  // For every disabled node, the outputs that need it (itself included when it is one).
  const needed = new Map<string, string[]>();
  for (const output of outputs) {
    for (const id of [output.node.id, ...upstreamOf(output.node.id, graphEdges)]) {
      if (!byId.get(id)?.node.disabled) continue;
      needed.set(id, [...(needed.get(id) ?? []), output.node.id]);
    }
  }
  for (const [id, outs] of needed) {
    const info = byId.get(id) as NodeInfo;
    const others = outs.filter((o) => o !== id);
    const message =
      others.length === 0
        ? `${label(info.node)} is an output and is disabled; enable it or delete it`
        : `${label(info.node)} is disabled, but output ${quote(others)} depends on it; enable it or disconnect it`;
    add(ProblemCodes.disabledOnOutputPath, `nodes[${info.index}].disabled`, message, { nodeId: id });
  }
}

function checkParameters(doc: WorkflowDocument, byId: Map<string, NodeInfo>, add: Add): void {
  (doc.parameters ?? []).forEach((param, i) => {
    param.targets.forEach((target, j) => {
      const base = `parameters[${i}].targets[${j}]`;
      const info = byId.get(target.nodeId);
      if (!info) {
        add(ProblemCodes.parameterTarget, `${base}.nodeId`, `parameter "${param.name}" targets node "${target.nodeId}", which is not in the workflow`);
        return;
      }
      // An unknown node type is reported on the node; its settings cannot be checked.
      if (!info.spec) return;
      const ids = { nodeId: info.node.id };
      const path = target.setting.split('.');
      if (!settingSchemaAt(info.spec.settings, path) || path.some((p) => p === '')) {
        add(ProblemCodes.parameterTarget, `${base}.setting`, `parameter "${param.name}" targets setting "${target.setting}", which ${label(info.node)} does not have; ${settingsHint(info.spec.settings, path)}`, ids);
        return;
      }
      if (param.default === undefined || !info.settings) return;
      // Only what the default breaks counts: the node's own setting errors are reported on the node.
      const before = new Set(issueKeys(info.spec.settings.safeParse(info.settings)));
      const injected = withValueAt(info.settings, path, param.default);
      const after = info.spec.settings.safeParse(injected);
      if (after.success) return;
      const fresh = after.error.issues.filter((issue) => !before.has(issueKey(issue)));
      if (fresh.length === 0) return;
      const texts = describeSettingsIssues(info.spec.settings, injected, fresh).map((t) => t.text);
      add(ProblemCodes.parameterValue, `parameters[${i}].default`, `parameter "${param.name}" default ${show(param.default)} does not fit setting ${target.setting} of ${label(info.node)}: ${texts.join('; ')}`, ids);
    });
  });
}

/** Names the settings available at the deepest existing part of a wrong setting path. */
function settingsHint(schema: z.ZodType, path: string[]): string {
  let at = 0;
  while (at < path.length && settingSchemaAt(schema, path.slice(0, at + 1))) at += 1;
  const prefix = path.slice(0, at);
  const keys = settingKeys(settingSchemaAt(schema, prefix));
  if (!keys) return `${prefix.join('.')} has no settings inside it`;
  return `${prefix.length ? `settings of ${prefix.join('.')}` : 'its settings'}: ${keys.join(', ') || '(none)'}`;
}

const issueKey = (issue: z.core.$ZodIssue) => `${issue.code}\u0000${issue.path.map(String).join('\u0000')}\u0000${issue.message}`;
const issueKeys = (r: { success: boolean; error?: z.ZodError }) => (r.error ? r.error.issues.map(issueKey) : []);
