import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { makeTempDir } from '../../testing/temp-dir';
import { testBackend } from '../../testing/node-backend';
import { workflowArb } from '../../../shared/workflow/testing/arbitrary';

const http = { transport: 'http' as const };

describe('workflows.* through the dispatch', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let backend: Backend;
  beforeEach(() => {
    tmp = makeTempDir();
    backend = testBackend(path.join(tmp.dir, 'data'));
  });
  afterEach(() => {
    backend.close();
    tmp.cleanup();
  });

  it('refuses a bad document as error data with every problem', async () => {
    const answer = await backend.dispatch('workflows.save', { document: { nodes: 'x' } }, http);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_workflow', problems: expect.any(Array) } });
    if (answer.ok) throw new Error('unreachable');
    expect(answer.error.problems?.length).toBeGreaterThan(1);
    expect(answer.error.problems?.some((p) => p.path.startsWith('nodes'))).toBe(true);
    expect(answer.error.message).toMatch(/^\d+ problems?; first: /);
    expect(await backend.dispatch('workflows.list', {}, http)).toEqual({ ok: true, result: { workflows: [] } });
  });

  it('saves, gets, lists, validates, shows revisions and deletes', async () => {
    const [doc] = fc.sample(workflowArb({ family: 'order_line' }), { numRuns: 1, seed: 3 });
    if (!doc) throw new Error('no sample');
    const saved = await backend.dispatch('workflows.save', { document: doc, note: 'first' }, http);
    if (!saved.ok) throw new Error(JSON.stringify(saved.error));
    const result = saved.result as { document: { revision: number } };
    expect(result.document.revision).toBe(1);
    const got = await backend.dispatch('workflows.get', { id: doc.id }, http);
    expect(got.ok && JSON.stringify(got.result)).toBe(JSON.stringify({ ...doc, revision: 1 }));
    expect(await backend.dispatch('workflows.validate', { document: doc }, http)).toMatchObject({ ok: true, result: { valid: true } });
    const conflict = await backend.dispatch('workflows.save', { document: doc }, http);
    expect(conflict).toMatchObject({ ok: false, error: { code: 'revision_conflict', path: 'revision' } });
    expect(await backend.dispatch('workflows.revisions', { id: doc.id }, http)).toMatchObject({
      ok: true,
      result: { revisions: [{ revision: 1, note: 'first', nodeCount: doc.nodes.length, edgeCount: doc.edges.length, parents: [], revisionId: expect.stringMatching(/^[0-9a-f]{64}$/), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) }] },
    });
    expect(await backend.dispatch('workflows.list', { search: doc.id.toUpperCase() }, http)).toMatchObject({
      ok: true,
      result: { workflows: [{ id: doc.id, revision: 1 }] },
    });
    expect(await backend.dispatch('workflows.delete', { id: doc.id }, http)).toMatchObject({ ok: true, result: { id: doc.id } });
    expect(await backend.dispatch('workflows.list', {}, http)).toEqual({ ok: true, result: { workflows: [] } });
    expect(await backend.dispatch('workflows.get', { id: 'missing' }, http)).toMatchObject({ ok: false, error: { code: 'not_found', path: 'id' } });
  });
});
