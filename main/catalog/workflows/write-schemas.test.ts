import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../../scripts/write-schemas';
import { createNodeRegistry } from '../nodes/registry';
import { validWorkflowArb } from '../../../shared/workflow/testing/arbitrary';
import { NODE_RUNTIMES } from '../../nodes/executors';
import { NODE_SPECS } from '../../nodes/specs';

describe('published JSON Schemas', () => {
  const files = schemaFiles();

  it('describes the workflow document: draft 2020-12, every top-level required key, nothing else allowed', () => {
    const schema = files['workflow.schema.json'];
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect([...(schema.required as string[])].sort()).toEqual(
      ['schemaVersion', 'id', 'name', 'family', 'executionMode', 'revision', 'nodes', 'edges', 'metadata'].sort(),
    );
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toContain('parameters');
    expect(properties.family?.enum).toEqual(['cad_file', 'order_line']);
    expect(properties.schemaVersion?.const).toBe(1);
  });

  it('is plain JSON that names every property a generated workflow uses', () => {
    expect(JSON.parse(JSON.stringify(files))).toEqual(files);
    const properties = Object.keys(files['workflow.schema.json'].properties as object);
    fc.assert(
      fc.property(validWorkflowArb, (doc) => {
        for (const key of Object.keys(doc)) expect(properties).toContain(key);
      }),
      { numRuns: 50 },
    );
  });

  it('lists the node definitions as `lightbox nodes --json` does', () => {
    expect(files['nodes.json']).toEqual({ nodes: createNodeRegistry(NODE_SPECS, NODE_RUNTIMES).definitions() });
  });
});
