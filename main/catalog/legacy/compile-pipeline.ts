import { NODE_SPECS } from '../../nodes/specs';
import { WORKFLOW_SCHEMA_VERSION, type WorkflowDocument } from '../../../shared/workflow/document';
import { deepMerge } from '../workflows/resolve-settings';
import { PRESET_FIELDS, getPath, setPath } from './field-map';
import { chainOf, type SpecLookup } from './migrate-pipeline';
import type { PresetWorkflow } from './pipeline-schema';
import type { RenderPreset } from './preset-schema';

/**
 * A node's settings from a render preset, exactly as FORMAT.md says: the preset's values for
 * this node type (through the one field map migration uses), the step's options over them for
 * this step only. The order line's overrides come last, from the runtime (resolveNodeSettings).
 */
export function presetStepSettings(preset: RenderPreset | null, nodeType: string, options: Record<string, unknown> | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (preset) {
    for (const field of PRESET_FIELDS) {
      const value = getPath(preset, field.path);
      if (value === undefined) continue;
      for (const target of field.targets) if (target.nodeType === nodeType) setPath(settings, target.setting, structuredClone(value));
    }
  }
  return deepMerge(settings, options ?? {});
}

/** The id a compiled pipeline runs under: never stored, so it cannot collide with a saved workflow. */
export const compiledIdOf = (pipelineKey: string): string => `compiled.${pipelineKey}`;

/**
 * A legacy preset workflow, with the render preset's values (order_line family) or none
 * (cad_file), compiled to the linear workflow document the graph runtime runs: the chain
 * migration builds, each node's settings filled from the preset through the field map, with
 * `on_error` kept as the node's onError. Legacy dispatch runs this document with the `pipeline`
 * self-publish rule (FORMAT.md: no render publishes when the pipeline has a save_output step),
 * one node at a time, in step order. Pure; nothing is stored.
 */
export function compilePipeline(pipeline: PresetWorkflow, preset: RenderPreset | null, lookup: SpecLookup = (type) => NODE_SPECS.find((s) => s.type === type)): WorkflowDocument {
  const { nodes, edges } = chainOf(pipeline, lookup, { settings: (step, spec) => presetStepSettings(preset, spec.type, step.options), strict: false });
  return {
    schemaVersion: WORKFLOW_SCHEMA_VERSION,
    id: compiledIdOf(pipeline.key),
    name: pipeline.name,
    family: pipeline.family,
    executionMode: 'legacy',
    revision: 0,
    nodes,
    edges,
    parameters: [],
    metadata: { compiledFrom: { pipeline: pipeline.key, preset: preset?.key ?? null } },
  };
}
