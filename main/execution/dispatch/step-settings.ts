import type { OrderLineOverrides } from '../../../shared/orders/api';
import type { NodeSpec } from '../../../shared/nodes/specs';
import { PRESET_FIELDS, getPath, setPath } from '../../catalog/legacy/field-map';
import type { RenderPreset } from '../../catalog/legacy/preset-schema';

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `over` laid onto `base`: objects merge key by key, anything else replaces. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    // materials.by_part is a map whose key order is meaning: an override replaces it whole.
    out[key] = isPlain(current) && isPlain(value) && key !== 'by_part' ? deepMerge(current, value) : structuredClone(value);
  }
  return out;
}

/** The order line's choices on top of a node's settings (background, material variant, camera angle). */
export function applyOverrides(nodeType: string, settings: Record<string, unknown>, overrides: OrderLineOverrides): Record<string, unknown> {
  let out = settings;
  if (nodeType === 'prepare_scene') {
    if (overrides.background) out = deepMerge(out, { background: overrides.background });
    if (overrides.cameraAngle) {
      // A named angle chosen on the line replaces the preset's view, azimuth/elevation included.
      const camera: Record<string, unknown> = { ...(isPlain(out.camera) ? out.camera : {}), angle: overrides.cameraAngle };
      delete camera.azimuth_deg;
      delete camera.elevation_deg;
      out = { ...out, camera };
    }
  }
  if (nodeType === 'apply_materials' && overrides.materialVariant) out = { ...out, default: overrides.materialVariant };
  return out;
}

/**
 * A legacy step's node settings, exactly as FORMAT.md says: the preset's values for this node
 * type (through the one field map migration uses), the step's options over them for this step
 * only, the order line's overrides last. Not yet parsed: the caller parses with the node's schema.
 */
export function legacyStepSettings(preset: RenderPreset, spec: Pick<NodeSpec, 'type'>, options: Record<string, unknown> | undefined, overrides: OrderLineOverrides): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of PRESET_FIELDS) {
    const value = getPath(preset, field.path);
    if (value === undefined) continue;
    for (const target of field.targets) if (target.nodeType === spec.type) setPath(settings, target.setting, structuredClone(value));
  }
  return applyOverrides(spec.type, deepMerge(settings, options ?? {}), overrides);
}
