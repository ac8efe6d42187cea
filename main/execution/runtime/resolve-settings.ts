import type { OrderLineOverrides } from '../../../shared/orders/api';
import type { WorkflowDocument, WorkflowNode } from '../../../shared/workflow/document';
import { applyOverrides, deepMerge } from '../dispatch/step-settings';
import { setPath } from '../../catalog/legacy/field-map';

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
