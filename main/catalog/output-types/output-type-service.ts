import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ApiFailure, issueText, type ApiError } from '../../../shared/contract/errors';
import {
  ArtifactContractSchema,
  OutputTypeSchema,
  type ArtifactContract,
  type OutputType,
  type OutputTypeDraftSchema,
  type ProfileDefaultsSchema,
} from '../../../shared/output-types/profile';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { getPath, setPath } from '../../../shared/workflow/dotted-path';
import { resolveNodeSettings } from '../workflows/resolve-settings';
import type { NodeRegistry } from '../nodes/registry';
import type { WorkflowStore } from '../workflows/types';
import { createOutputTypeStore } from './output-type-store';

type Draft = z.input<typeof OutputTypeDraftSchema>;
type Defaults = z.infer<typeof ProfileDefaultsSchema>;
type Problem = { path: string; message: string };
type Kind = ArtifactContract['kind'];

const KIND_OF_PORT: Record<string, Kind> = { image: 'still', video: 'turntable', image_sequence: 'turntable', blend_file: 'blend' };
const KIND_OF_RENDER: Record<string, Kind> = { render_still: 'still', render_turntable: 'turntable', export_blend: 'blend' };
const NOUN: Record<Kind, string> = { still: 'an image', turntable: 'a video', blend: 'a .blend file' };

/** A refused output type, with every problem by path (the form shows each beside its field). */
export class OutputTypeRefused extends ApiFailure {
  constructor(readonly list: Problem[]) {
    const first = list[0] ?? { path: '', message: 'invalid output type' };
    super('invalid_output_type', list.length === 1 ? first.message : `${list.length} problems: ${list.map((p) => p.message).join('; ')}`, first.path);
  }
  override toData(): ApiError {
    return { ...super.toData(), issues: this.list };
  }
}

/**
 * Output types as workflow invocation profiles (issue 8): the backend is the only source of
 * defaults (a name and a workflow make a valid one), and every profile is checked against its
 * workflow's family, its deliverable and its parameters before it is stored.
 */
export function createOutputTypeService(deps: {
  db: Database.Database;
  workflows: WorkflowStore;
  registry: NodeRegistry;
  /** Not read: output types are read from their store. Still passed by main/entry/app/production.ts. */
  legacy?: unknown;
}) {
  const { db, workflows, registry } = deps;
  const store = createOutputTypeStore(db);

  const load = (id: string, revision?: number): WorkflowDocument => {
    try {
      return workflows.get(id, revision);
    } catch {
      throw new ApiFailure('not_found', revision ? `no workflow ${id} at revision ${revision}` : `no workflow "${id}"`, 'workflowId');
    }
  };

  /** What the workflow delivers: what its output_save receives, else what its render publishes itself. */
  function deliverable(doc: WorkflowDocument): Kind | null {
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    for (const save of doc.nodes.filter((n) => n.type === 'output_save' && !n.disabled)) {
      const edge = doc.edges.find((e) => e.target === save.id && e.targetPort === 'artifact');
      const source = edge && byId.get(edge.source);
      const spec = source && registry.spec(source.type, source.typeVersion);
      const port = spec?.outputs.find((o) => o.name === edge?.sourcePort);
      const kind = port && KIND_OF_PORT[port.types[0] ?? ''];
      if (kind) return kind;
    }
    const render = doc.nodes.find((n) => !n.disabled && KIND_OF_RENDER[n.type]);
    return render ? (KIND_OF_RENDER[render.type] as Kind) : null;
  }

  /** A node's settings with these parameter values, parsed (defaults filled), or null when they do not parse. */
  function settingsOf(doc: WorkflowDocument, type: string, values: Record<string, unknown>): Record<string, unknown> | null {
    const node = doc.nodes.find((n) => n.type === type && !n.disabled);
    const spec = node && registry.spec(node.type, node.typeVersion);
    if (!node || !spec) return null;
    const parsed = spec.settings.safeParse(resolveNodeSettings(doc, node, values, {}));
    return parsed.success ? (parsed.data as Record<string, unknown>) : null;
  }

  function contractOf(doc: WorkflowDocument, kind: Kind | null, values: Record<string, unknown>): ArtifactContract | null {
    if (kind === 'still') {
      const r = settingsOf(doc, 'render_still', values) as { output: { format: string }; resolution: { width: number; height: number; percentage: number } } | null;
      const scene = settingsOf(doc, 'prepare_scene', values) as { background: { mode: string; color: string } } | null;
      if (!r) return null;
      const pct = r.resolution.percentage / 100;
      return ArtifactContractSchema.parse({ kind, format: r.output.format, width: Math.floor(r.resolution.width * pct), height: Math.floor(r.resolution.height * pct), background: scene?.background ?? { mode: 'color', color: '#ffffff' } });
    }
    if (kind === 'turntable') {
      const t = settingsOf(doc, 'render_turntable', values) as { turntable: { frames: number; fps: number } } | null;
      const v = settingsOf(doc, 'encode_video', values) as { codec: 'h264' | 'vp9'; fps: number } | null;
      if (!t) return null;
      return { kind, frames: t.turntable.frames, fps: v?.fps ?? t.turntable.fps, codec: v?.codec ?? 'h264' };
    }
    if (kind === 'blend') {
      const b = settingsOf(doc, 'export_blend', values) as { pack_resources: boolean; compress: boolean } | null;
      return b ? { kind, pack_resources: b.pack_resources, compress: b.compress } : null;
    }
    return null;
  }

  function defaults(workflowId: string, revision?: number, values: Record<string, unknown> = {}): Defaults {
    const doc = load(workflowId, revision);
    const problems: Problem[] = [];
    if (doc.family !== 'order_line') problems.push({ path: 'workflowId', message: `workflow ${doc.id} is a cad_file workflow: it ingests CAD files, an output type renders order lines and can bind only an order_line workflow` });
    const parameters = (doc.parameters ?? []).map((p) => {
      const first = p.targets[0];
      const node = first && doc.nodes.find((n) => n.id === first.nodeId);
      const spec = node && registry.spec(node.type, node.typeVersion);
      const nodeDefault = spec && first ? getPath(spec.settings.parse({}), first.setting) : undefined;
      const settingSchema = spec && first ? getPath(z.toJSONSchema(spec.settings, { io: 'input', unrepresentable: 'any' }), `properties.${first.setting.split('.').join('.properties.')}`) : undefined;
      return {
        name: p.name,
        title: p.title ?? null,
        description: p.description ?? null,
        required: p.required === true,
        default: p.default ?? nodeDefault ?? null,
        schema: (settingSchema as Record<string, unknown> | undefined) ?? null,
        targets: p.targets,
      };
    });
    const kind = deliverable(doc);
    if (doc.family === 'order_line' && !kind) problems.push({ path: 'workflowId', message: `workflow ${doc.id} delivers nothing: it has no output_save and no render` });
    return { workflowId: doc.id, workflowRevision: doc.revision, workflowName: doc.name, family: doc.family, artifactKind: kind, parameters, artifact: contractOf(doc, kind, values), problems };
  }

  /** Every problem of a draft against its workflow: family, deliverable, parameters, contract. */
  function check(draft: Draft): { outputType: OutputType; problems: Problem[] } {
    const d = defaults(draft.workflowId, draft.workflowRevision);
    const doc = load(d.workflowId, d.workflowRevision);
    const problems: Problem[] = [...d.problems];
    const declared = new Map(d.parameters.map((p) => [p.name, p]));
    // Every exposed parameter gets a value: the given one, else the backend default.
    const values: Record<string, unknown> = {};
    for (const p of d.parameters) if (p.default !== null && p.default !== undefined) values[p.name] = structuredClone(p.default);
    for (const [name, value] of Object.entries(draft.parameterValues ?? {})) {
      if (!declared.has(name)) problems.push({ path: `parameterValues.${name}`, message: `workflow ${doc.id} has no parameter "${name}"` });
      else values[name] = value;
    }
    for (const p of d.parameters) {
      if (p.required && (values[p.name] === undefined || values[p.name] === null)) problems.push({ path: `parameterValues.${p.name}`, message: `missing required parameter "${p.name}"` });
    }
    // A value must be one its target settings accept.
    for (const [name, value] of Object.entries(values)) {
      for (const target of declared.get(name)?.targets ?? []) {
        const node = doc.nodes.find((n) => n.id === target.nodeId);
        const spec = node && registry.spec(node.type, node.typeVersion);
        if (!spec) continue;
        const probe: Record<string, unknown> = {};
        setPath(probe, target.setting, value);
        const parsed = spec.settings.safeParse(probe);
        const issue = parsed.success ? null : parsed.error.issues.find((i) => i.path.join('.').startsWith(target.setting.split('.')[0] as string));
        if (issue) problems.push({ path: `parameterValues.${name}`, message: `parameter "${name}": ${issueText(issue, probe)}` });
      }
    }
    const actual = contractOf(doc, d.artifactKind, values);
    const declaredKind = draft.artifact?.kind ?? d.artifactKind ?? 'still';
    if (d.artifactKind && declaredKind !== d.artifactKind) {
      problems.push({ path: 'artifact.kind', message: `a ${declaredKind} output type cannot bind workflow ${doc.id}: it delivers ${NOUN[d.artifactKind]}` });
    }
    // Declared contract fields must be what the workflow gives with these values.
    if (actual && draft.artifact && draft.artifact.kind === actual.kind) {
      for (const [field, want] of Object.entries(draft.artifact)) {
        const got = (actual as Record<string, unknown>)[field];
        if (field !== 'kind' && got !== undefined && JSON.stringify(got) !== JSON.stringify(want)) {
          problems.push({ path: `artifact.${field}`, message: `the contract says ${field} ${JSON.stringify(want)}, but the workflow gives ${JSON.stringify(got)} with these parameter values` });
        }
      }
    }
    const key = draft.key ?? draft.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100);
    const outputType = OutputTypeSchema.parse({
      key: key || 'output_type',
      name: draft.name,
      artifact: declaredKind,
      active: draft.active ?? true,
      extra: {},
      profile: {
        workflowId: doc.id,
        workflowRevision: doc.revision,
        parameterValues: values,
        artifact: actual ?? { kind: declaredKind },
        ...(draft.executionMode ? { executionMode: draft.executionMode } : {}),
        ...(draft.revisionPolicy ? { revisionPolicy: draft.revisionPolicy } : {}),
      },
    });
    return { outputType, problems };
  }

  const refuse = (problems: Problem[]): never => {
    throw new OutputTypeRefused(problems);
  };

  return {
    defaults,
    validate: (draft: Draft) => {
      const { outputType, problems } = check(draft);
      return { valid: problems.length === 0, problems, outputType };
    },
    create(draft: Draft): OutputType {
      const { outputType, problems } = check(draft);
      if (problems.length > 0) refuse(problems);
      if (store.has(outputType.key)) throw new ApiFailure('conflict', `an output type "${outputType.key}" exists already; choose another key`, 'key');
      store.insertProfile(outputType);
      return outputType;
    },
    update(key: string, draft: Draft): OutputType {
      const current = store.get(key);
      if (!current) throw new ApiFailure('not_found', `no output type "${key}"`, 'key');
      const { outputType, problems } = check({ ...draft, key });
      if (problems.length > 0) refuse(problems);
      const kept = { ...outputType, extra: current.outputType?.extra ?? {}, ...(current.outputType?.created_at ? { created_at: current.outputType.created_at } : {}) };
      // The draft's executionMode is the mode (none: the output type follows its workflow again).
      store.updateProfile(key, kept);
      return kept;
    },
  };
}

export type OutputTypeService = ReturnType<typeof createOutputTypeService>;
