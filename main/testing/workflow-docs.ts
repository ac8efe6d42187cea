import type { WorkflowDocument } from '../../shared/workflow/document';

/**
 * The smallest useful order-line workflow for store and CLI tests: order line → resolve → scene →
 * still, with one setting on the scene and one on the render so edits have something to change.
 */
export function basicStillDoc(id: string, overrides: Partial<WorkflowDocument> = {}): WorkflowDocument {
  return {
    schemaVersion: 1,
    id,
    name: 'Basic still',
    family: 'order_line',
    executionMode: 'legacy',
    revision: 0,
    nodes: [
      { id: 'in', type: 'input_order_line', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
      { id: 'resolve', type: 'resolve_cad', typeVersion: 1, settings: {}, position: { x: 200, y: 0 } },
      { id: 'scene', type: 'prepare_scene', typeVersion: 1, settings: { lighting: 'studio_hard' }, position: { x: 400, y: 0 } },
      { id: 'still', type: 'render_still', typeVersion: 1, settings: { renderer: { samples: 32 } }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'in', sourcePort: 'line', target: 'resolve', targetPort: 'line' },
      { id: 'e2', source: 'resolve', sourcePort: 'mesh', target: 'scene', targetPort: 'mesh' },
      { id: 'e3', source: 'scene', sourcePort: 'scene', target: 'still', targetPort: 'scene' },
    ],
    metadata: {},
    ...overrides,
  };
}
