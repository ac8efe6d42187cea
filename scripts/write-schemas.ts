// JSON Schemas published with the build (dist/schema/): the canonical workflow document, and
// every node type with its settings schema. scripts/build.mjs bundles this file and writes them.
import { z } from 'zod';
import { WorkflowDocumentSchema } from '../shared/workflow/document';
import { createNodeRegistry } from '../main/catalog/nodes/registry';
import type { NodeDefinition } from '../shared/nodes/definition';
import { NODE_RUNTIMES } from '../main/nodes/executors';
import { NODE_SPECS } from '../main/nodes/specs';

export interface SchemaFiles {
  'workflow.schema.json': Record<string, unknown>;
  'nodes.json': { nodes: NodeDefinition[] };
}

/** The schema files by name; `io: 'input'` describes what a writer may send (defaults optional). */
export function schemaFiles(): SchemaFiles {
  return {
    'workflow.schema.json': z.toJSONSchema(WorkflowDocumentSchema, { io: 'input' }) as Record<string, unknown>,
    // The same shape as `lightbox nodes --json` and nodes.list.
    'nodes.json': { nodes: createNodeRegistry(NODE_SPECS, NODE_RUNTIMES).definitions() },
  };
}
