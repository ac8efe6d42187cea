import { ApiFailure } from '../../../shared/contract/errors';
import type { OutputType } from '../../../shared/output-types/profile';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { PRESET_FIELDS, getPath } from './field-map';
import { fillPresetDefaults, type RenderPreset } from './preset-schema';

/**
 * A render preset as an output type bound to the migrated workflow of its pipeline, pinned to
 * that workflow's revision. Every preset value (defaults filled, so the profile never depends on
 * node defaults that may drift) is carried as a parameter value named by its preset path.
 */
export function migratePreset(preset: RenderPreset, workflow: WorkflowDocument): OutputType {
  if (workflow.family !== 'order_line') {
    throw new ApiFailure(
      'legacy_migration_failed',
      `preset "${preset.key}": its pipeline became workflow ${workflow.id} of family ${workflow.family}; a render preset needs an order_line pipeline`,
      'pipeline',
    );
  }
  if (workflow.revision < 1) throw new Error(`workflow ${workflow.id} must be saved before a profile can pin it`);
  const filled = fillPresetDefaults(preset);
  const declared = new Set((workflow.parameters ?? []).map((p) => p.name));
  const parameterValues: Record<string, unknown> = {};
  for (const field of PRESET_FIELDS) {
    const value = getPath(filled, field.path);
    if (value === undefined) continue;
    if (!declared.has(field.path)) {
      throw new ApiFailure('legacy_migration_failed', `preset "${preset.key}": workflow ${workflow.id} declares no parameter ${field.path}`, field.path);
    }
    parameterValues[field.path] = structuredClone(value);
  }
  return {
    key: preset.key,
    name: preset.name,
    artifact: preset.artifact,
    active: filled.active ?? true,
    extra: structuredClone(filled.extra ?? {}),
    ...(preset.created_at === undefined ? {} : { created_at: preset.created_at }),
    ...(preset.updated_at === undefined ? {} : { updated_at: preset.updated_at }),
    profile: {
      workflowId: workflow.id,
      workflowRevision: workflow.revision,
      parameterValues,
      // No mode of its own: the migrated workflow's (legacy) decides until a rollout sets one.
      artifact: { kind: preset.artifact },
    },
  };
}
