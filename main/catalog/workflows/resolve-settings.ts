import type { OrderLineOverrides } from '../../../shared/orders/api';
import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';
import { setPath } from '../../../shared/workflow/dotted-path';

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
 * A node's settings for a run: the profile's parameter values (else the parameter's default) at
 * their targets, the node's own settings over them, the order line's overrides last; the node's
 * defaults fill the rest when its schema parses the result. The same precedence the legacy
 * dispatcher gives preset values, step options and overrides.
 */
export function resolveNodeSettings(document: WorkflowDocument, node: WorkflowNode, parameterValues: Record<string, unknown>, overrides: OrderLineOverrides): Record<string, unknown> {
  const fromParameters: Record<string, unknown> = {};
  for (const parameter of document.parameters ?? []) {
    const value = Object.prototype.hasOwnProperty.call(parameterValues, parameter.name) ? parameterValues[parameter.name] : parameter.default;
    if (value === undefined) continue;
    for (const target of parameter.targets) if (target.nodeId === node.id) setPath(fromParameters, target.setting, structuredClone(value));
  }
  return applyOverrides(node.type, deepMerge(fromParameters, node.settings), overrides);
}
