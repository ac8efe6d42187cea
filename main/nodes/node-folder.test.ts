import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeSpec } from '../../shared/nodes/node-spec';
import { WORKFLOW_SCHEMA_VERSION, type WorkflowDocument } from '../../shared/workflow/document';
import { validateWorkflow } from '../../shared/workflow/validate';
import { createNodeRegistry } from '../catalog/nodes/registry';
import type { Executor } from '../execution/executors/context';
import type { RenderFarm } from '../execution/farm/types';
import { createRunContext } from '../execution/runtime/run-context';
import { planGraph, runGraph } from '../execution/runtime/run-graph';
import { openDatabase } from '../platform/db/open-database';
import { createRunStore } from '../production/runs/run-store';
import { lazyRuntimes, NODE_RUNTIMES, type ExecutorModule } from './executors';
import { NODE_SPECS } from './specs';

/**
 * A node type is a folder: spec.ts beside execute.ts. This test writes a new node type's folder
 * somewhere else entirely, registers it with the one line the registry needs, and sees it listed,
 * validated, planned and run through the same runtime as every built-in type.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Under node_modules so the folder's own `zod` import resolves, and lint and tsc never see it.
const tmp = fs.mkdtempSync(path.join(root, 'node_modules', '.cache-lightbox-node-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const shared = (file: string) => path.join(root, 'shared', file);
function writeNodeFolder(type: string): string {
  const dir = path.join(tmp, type);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'spec.ts'),
    `import { z } from 'zod';
import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from ${JSON.stringify(shared('nodes/node-spec.ts'))};
import { input, output } from ${JSON.stringify(shared('nodes/ports.ts'))};
export const spec = {
  type: ${JSON.stringify(type)},
  version: 1,
  title: 'Scale values',
  description: 'Multiplies every number of the profile parameters by a factor.',
  category: 'post',
  families: ORDER_LINE,
  inputs: [input('values', 'Values', ['parameters'])],
  outputs: [output('values', 'Scaled values', 'parameters')],
  settings: obj({ factor: z.number().int().min(1).max(100).default(2) }),
  isOutput: true,
  upgrades: [],
  traits: nodeTraits({ cacheable: true }),
} satisfies NodeSpec;
`,
  );
  fs.writeFileSync(
    path.join(dir, 'execute.ts'),
    `export const execute = async (execution) => {
  const values = execution.inputs.values.values;
  execution.log('scaling ' + Object.keys(values).length + ' values by ' + execution.settings.factor);
  return { values: { type: 'parameters', values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? v * execution.settings.factor : v])) } };
};
`,
  );
  return dir;
}

const document = (settings: Record<string, unknown>): WorkflowDocument => ({
  schemaVersion: WORKFLOW_SCHEMA_VERSION,
  id: 'probe',
  name: 'Probe',
  family: 'order_line',
  executionMode: 'graph',
  revision: 1,
  nodes: [
    { id: 'params', type: 'input_parameters', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
    { id: 'scale', type: 'probe_scale', typeVersion: 1, settings, position: { x: 200, y: 0 } },
  ],
  edges: [{ id: 'e1', source: 'params', sourcePort: 'values', target: 'scale', targetPort: 'values' }],
  parameters: [],
  metadata: {},
});

/** The run renders nothing: a farm that refuses work, so a job would fail loudly. */
const NO_FARM: RenderFarm = { concurrency: 0, runJob: () => Promise.reject(new Error('no rendering in this test')), cancelRun: () => 0, close: async () => {} };

describe('a node type is a folder (spec.ts + execute.ts) and one registry line', () => {
  it('a new folder is listed, validated, planned and run', async () => {
    const dir = writeNodeFolder('probe_scale');
    const { spec } = (await import(path.join(dir, 'spec.ts'))) as { spec: NodeSpec };
    // The one line: its spec in the list; its executor is found by the folder's name.
    const registry = createNodeRegistry<Executor>([...NODE_SPECS, spec], { ...NODE_RUNTIMES, ...lazyRuntimes([spec], (type) => import(path.join(tmp, type, 'execute.ts')) as Promise<ExecutorModule>) });

    const listed = registry.definitions().find((d) => d.type === 'probe_scale');
    expect(listed).toMatchObject({ executable: true, defaults: { factor: 2 }, traits: { cacheable: true, renders: false }, inputs: [{ name: 'values' }] });
    expect(listed?.settingsSchema).toMatchObject({ properties: { factor: { type: 'integer', maximum: 100 } } });

    expect(validateWorkflow(document({ factor: 3 }), registry, { mode: 'dispatch' }).problems.filter((p) => p.severity === 'error')).toEqual([]);
    const bad = validateWorkflow(document({ factor: 0 }), registry, { mode: 'dispatch' }).problems;
    expect(bad).toEqual([expect.objectContaining({ path: 'nodes[1].settings.factor', nodeId: 'scale' })]);

    const db = openDatabase(path.join(tmp, 'lightbox.db'));
    try {
      const runs = createRunStore(db);
      const runId = runs.create({ family: 'order_line', attempt: 1, mode: 'graph', role: 'shadow' });
      const run = createRunContext({
        runId,
        mode: 'graph',
        role: 'shadow',
        farm: NO_FARM,
        tools: { blenderPath: 'blender' },
        signal: new AbortController().signal,
        names: { order: 'o', line: '1', cad: 'c', preset: 'p' },
        parameters: { width: 4, label: 'x' },
        effects: { publish: () => Promise.reject(new Error('nothing to publish')), notify: () => ({ type: 'notification', notificationIds: [], sent: false }) },
      });
      const input = { document: document({ factor: 3 }), registry, parameterValues: {}, overrides: {}, run, cache: null };
      const plan = await planGraph(input);
      expect(plan.order.map((n) => [n.nodeId, n.type, n.settings])).toEqual([
        ['params', 'input_parameters', {}],
        ['scale', 'probe_scale', { factor: 3 }],
      ]);
      const result = await runGraph({ ...input, runs, workRoot: path.join(tmp, 'runs') });
      expect(result.status).toBe('succeeded');
      expect(result.outputs.get('scale')).toEqual({ values: { type: 'parameters', values: { width: 12, label: 'x' } } });
      const node = runs.get(runId)?.nodes.find((n) => n.nodeId === 'scale');
      expect(node).toMatchObject({ nodeType: 'probe_scale', status: 'succeeded', settings: { factor: 3 } });
      expect(node?.log).toContain('scaling 2 values by 3');
    } finally {
      db.close();
    }
  });

  it('every built-in node type is a folder with both halves', () => {
    const folders = fs.readdirSync(path.join(root, 'main', 'nodes'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(NODE_SPECS.map((s) => s.type).sort());
    for (const type of folders) {
      expect(fs.existsSync(path.join(root, 'main', 'nodes', type, 'spec.ts')), `${type}/spec.ts`).toBe(true);
      expect(fs.existsSync(path.join(root, 'main', 'nodes', type, 'execute.ts')), `${type}/execute.ts`).toBe(true);
    }
  });
});
