import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { exampleDocuments } from '../../catalog/legacy/legacy-testing';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';

/** rollout.tryRevision: an edited revision reaches shadow → approve → graph on an output type. */
const T = 180_000;
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
let cadId: string;

type Answer<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string; path: string } };
const call = async <T>(method: string, input: unknown): Promise<Answer<T>> => (await backend.dispatch(method as never, input, { transport: 'http' })) as Answer<T>;
async function ok<T>(method: string, input: unknown): Promise<T> {
  const r = await call<T>(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

beforeAll(async () => {
  tmp = makeTempDir('lightbox-rollout-try-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  backend.legacy.migrate({ documents: exampleDocuments(), verify: true });
  // These tests are about trying revisions and their approval; coverage and error rates have rollout-gates.test.
  backend.production.rollout.setRules({ target: 'studio', minPasses: 1, minCadFiles: 1, who: 'lead' });
  cadId = (await (await backend.production.cad.importFile(TEST_STEP)).done).id;
}, T);
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('try an edited revision in shadow', () => {
  it('edit → save revision 2 → try in shadow → dispatch observes revision 2 → its comparison → approve → graph allowed for revision 2; the mode log records it', async () => {
    const key = 'still_white_2k';
    const before = backend.legacy.outputType(key)?.outputType;
    expect(before?.profile).toMatchObject({ workflowId: 'legacy.still_default', workflowRevision: 1 });
    // The edit: a node setting changed in the editor and saved.
    const r1 = backend.workflows.get('legacy.still_default');
    const r2 = backend.workflows.save({ ...r1, nodes: r1.nodes.map((n) => (n.type === 'render_still' ? { ...n, settings: { ...n.settings, renderer: { samples: 3 } } } : n)) }, 'fewer samples').document;
    expect(r2.revision).toBe(2);

    const tried = await ok<{ change: { target: string; fromMode: string | null; toMode: string; reason: string; who: string }; outputType: { ownMode: string; effectiveMode: string; workflowRevision: number; graphBlockedBy: string } }>('rollout.tryRevision', {
      outputTypeKey: key,
      workflowId: 'legacy.still_default',
      revision: 2,
      reason: 'check the sample change',
      who: 'ta',
    });
    expect(tried.change).toMatchObject({ target: key, fromMode: null, toMode: 'shadow', who: 'ta', reason: 'try legacy.still_default revision 2 in shadow (was revision 1): check the sample change' });
    expect(tried.outputType).toMatchObject({ ownMode: 'shadow', effectiveMode: 'shadow', workflowRevision: 2, graphBlockedBy: 'it has no shadow comparison yet' });
    const stored = backend.legacy.outputType(key)?.outputType;
    // Pinned to revision 2, the parameter values and everything else of the output type kept.
    expect(stored?.profile).toMatchObject({ workflowId: 'legacy.still_default', workflowRevision: 2, executionMode: 'shadow' });
    expect(stored?.profile.revisionPolicy).toBeUndefined();
    expect(stored?.profile.parameterValues).toEqual(before?.profile.parameterValues);
    expect(stored).toMatchObject({ key, name: before?.name, artifact: before?.artifact, active: before?.active, extra: before?.extra });
    // Graph is refused until revision 2 has an approved pass.
    await expect(ok('rollout.set', { target: key, mode: 'graph' })).rejects.toThrow(/rollout_blocked/);

    // The next dispatch (no mode asked) runs legacy authoritative and revision 2 as its shadow.
    const line = backend.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: [key] }).lines[0]?.id as string;
    const outcome = await backend.production.dispatcher.start(line, { draft: { maxSize: 48, samples: 2 } }).done;
    // (A shadow dispatch's authoritative run is the legacy one, recorded under the dispatch's mode.)
    expect(outcome.run).toMatchObject({ mode: 'shadow', role: 'authoritative', status: 'succeeded', workflowId: null });
    const shadow = backend.production.runs.ofOrderLine(line).find((r) => r.role === 'shadow');
    expect(shadow).toMatchObject({ role: 'shadow', workflowId: 'legacy.still_default', workflowRevision: 2, status: 'succeeded' });
    const comparison = backend.production.comparisons.ofRun(shadow?.id as string);
    expect(comparison).toMatchObject({ verdict: 'pass', outputTypeKey: key, workflowId: 'legacy.still_default', workflowRevision: 2 });

    // Approved, graph is allowed for revision 2; a dispatch in graph runs revision 2.
    backend.production.comparisons.review({ comparisonId: comparison?.id as string, decision: 'approve', who: 'lead' });
    expect(backend.production.rollout.outputType(key)).toMatchObject({ cleanPass: true, graphBlockedBy: null, workflowRevision: 2 });
    const graph = await ok<{ fromMode: string; toMode: string; override: boolean; comparisonId: string }>('rollout.set', { target: key, mode: 'graph', reason: 'revision 2 passed', who: 'lead' });
    expect(graph).toMatchObject({ fromMode: 'shadow', toMode: 'graph', override: false, comparisonId: comparison?.id });
    const next = backend.production.orders.create({ cadFileIds: [cadId], outputTypeKeys: [key] }).lines[0]?.id as string;
    const graphRun = await backend.production.dispatcher.start(next, { draft: { maxSize: 48, samples: 2 } }).done;
    expect(graphRun.run).toMatchObject({ mode: 'graph', workflowRevision: 2, status: 'succeeded' });

    // The log, newest first: graph, then the try.
    const changes = (await ok<{ changes: { target: string; fromMode: string | null; toMode: string; reason: string | null }[] }>('rollout.status', {})).changes.filter((c) => c.target === key);
    expect(changes.map((c) => [c.fromMode, c.toMode])).toEqual([
      ['shadow', 'graph'],
      [null, 'shadow'],
    ]);
    expect(changes[1]?.reason).toContain('revision 2');
  }, T);

  it('refuses what cannot be tried, naming the field and the value, and changes nothing', async () => {
    const key = 'still_top_exr';
    const before = backend.legacy.outputType(key)?.outputType;
    const logged = backend.production.rollout.status().changes.length;
    const refusal = async (input: Record<string, unknown>) => {
      const r = await call('rollout.tryRevision', { outputTypeKey: key, workflowId: 'legacy.still_default', revision: 1, ...input });
      if (r.ok) throw new Error('expected a refusal');
      return r.error;
    };
    expect(await refusal({ outputTypeKey: 'nope' })).toMatchObject({ code: 'not_found', path: 'outputTypeKey', message: 'outputTypeKey: no output type "nope"' });
    expect(await refusal({ workflowId: 'ghost' })).toMatchObject({ code: 'not_found', path: 'workflowId', message: 'workflowId: no workflow "ghost"' });
    expect(await refusal({ revision: 99 })).toMatchObject({ code: 'not_found', path: 'revision', message: expect.stringMatching(/^revision: workflow legacy.still_default has no revision 99 \(its latest is \d+\)$/) });
    const ingest = backend.workflows.list({ family: 'cad_file' })[0]!;
    expect(await refusal({ workflowId: ingest.id })).toMatchObject({ code: 'wrong_family', path: 'workflowId', message: expect.stringContaining(`workflow ${ingest.id} is a cad_file workflow`) });
    // Another order_line workflow whose deliverable is a video: not compatible with a still.
    expect(await refusal({ workflowId: 'legacy.turntable_default' })).toMatchObject({ code: 'incompatible_workflow', message: expect.stringContaining('output type "still_top_exr" cannot run workflow legacy.turntable_default revision 1') });
    expect(backend.legacy.outputType(key)?.outputType).toEqual(before);
    expect(backend.production.rollout.status().changes.length).toBe(logged);
  });
});
