import { NODE_SPECS } from '../../nodes/specs';
import type { OutputType } from '../../../shared/output-types/profile';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { WHOLE_VALUE_FIELDS, setPath } from './field-map';
import type { LegacyWorkflowMetadata } from './migrate-pipeline';
import { PIPELINE_FORMAT, fillPipelineDefaults, type PresetWorkflow } from './pipeline-schema';
import { PRESET_FORMAT, fillPresetDefaults, type RenderPreset } from './preset-schema';
import type { LegacyKind } from './parse';

export interface LegacyDifference {
  kind: LegacyKind;
  key: string;
  path: string;
  legacy: unknown;
  projected: unknown;
}

function legacyMetadata(workflow: WorkflowDocument): LegacyWorkflowMetadata | undefined {
  const m = workflow.metadata.legacy as Partial<LegacyWorkflowMetadata> | undefined;
  return m && typeof m.key === 'string' ? (m as LegacyWorkflowMetadata) : undefined;
}

/**
 * A canonical workflow back as a preset workflow (defaults explicit): every node that performs a
 * legacy service is a step, in document order, its explicit settings the step's options.
 */
export function projectPipeline(workflow: WorkflowDocument): PresetWorkflow {
  const meta = legacyMetadata(workflow);
  const steps = workflow.nodes.flatMap((node) => {
    const service = NODE_SPECS.find((s) => s.type === node.type)?.legacyService;
    if (!service) return [];
    return [{ service, options: structuredClone(node.settings), on_error: node.onError ?? 'fail' }];
  }) as PresetWorkflow['steps'];
  return {
    format: PIPELINE_FORMAT,
    key: meta?.key ?? workflow.id.replace(/^legacy\./, ''),
    name: meta?.name ?? workflow.name,
    family: workflow.family,
    steps,
  };
}

/**
 * An output type and the workflow its profile binds, back as a render preset. Only values the
 * workflow declares a parameter for come back, so a value the workflow cannot receive shows up
 * as a difference instead of passing silently.
 */
export function projectPreset(outputType: OutputType, workflow: WorkflowDocument): RenderPreset {
  const out: Record<string, unknown> = {
    format: PRESET_FORMAT,
    key: outputType.key,
    name: outputType.name,
    artifact: outputType.artifact,
    pipeline: legacyMetadata(workflow)?.key ?? workflow.id,
  };
  const declared = new Set((workflow.parameters ?? []).map((p) => p.name));
  for (const [name, value] of Object.entries(outputType.profile.parameterValues)) {
    if (declared.has(name)) setPath(out, name, structuredClone(value));
  }
  out.active = outputType.active;
  out.extra = outputType.extra;
  if (outputType.created_at !== undefined) out.created_at = outputType.created_at;
  if (outputType.updated_at !== undefined) out.updated_at = outputType.updated_at;
  return out as RenderPreset;
}

/** Fields compared as JSON text, byte for byte. */
const VERBATIM = new Set(['extra', 'created_at', 'updated_at']);

export function verifyPipeline(original: PresetWorkflow, workflow: WorkflowDocument): LegacyDifference[] {
  return diff('preset_workflow', original.key, fillPipelineDefaults(original), projectPipeline(workflow));
}

export function verifyPreset(original: RenderPreset, outputType: OutputType, workflow: WorkflowDocument): LegacyDifference[] {
  return diff('render_preset', original.key, fillPresetDefaults(original), projectPreset(outputType, workflow));
}

/** Every leaf that differs, by path; whole-value fields and verbatim fields compared as JSON text. */
export function diff(kind: LegacyKind, key: string, legacy: unknown, projected: unknown): LegacyDifference[] {
  const out: LegacyDifference[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    const dotted = path.replace(/\[\d+\]/g, '');
    if (VERBATIM.has(path) || WHOLE_VALUE_FIELDS.has(dotted) || !isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
      if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ kind, key, path, legacy: a, projected: b });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) walk(ao[k], bo[k], path ? `${path}.${k}` : k);
  };
  walk(legacy, projected, '');
  return out;
}

const isContainer = (v: unknown): v is object => v !== null && typeof v === 'object';
