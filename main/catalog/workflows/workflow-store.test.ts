import path from 'node:path';
import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/open-database';
import { createNodeRegistry, type NodeRegistry } from '../nodes/registry';
import { makeTempDir } from '../../testing/temp-dir';
import { basicStillDoc } from '../../testing/workflow-docs';
import { ApiFailure } from '../../../shared/contract/errors';
import { type NodeSpec } from '../../../shared/nodes/node-spec';
import { NODE_SPECS } from '../../nodes/specs';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { ProblemCodes } from '../../../shared/workflow/problems';
import { validWorkflowArb, workflowArb } from '../../../shared/workflow/testing/arbitrary';
import { createWorkflowStore } from './workflow-store';
import { revisionIdentity } from './revision-identity';
import type { WorkflowStore } from './types';
import { NODE_RUNTIMES } from '../../nodes/executors';

function orderLineDoc(id = 'still-basic', overrides: Partial<WorkflowDocument> = {}): WorkflowDocument {
  return basicStillDoc(id, overrides);
}

function cadFileDoc(id: string, name: string): WorkflowDocument {
  return {
    schemaVersion: 1,
    id,
    name,
    family: 'cad_file',
    executionMode: 'graph',
    revision: 0,
    nodes: [
      { id: 'cad', type: 'input_cad_file', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } },
      { id: 'ingest', type: 'ingest_cad', typeVersion: 1, settings: {}, position: { x: 200, y: 0 } },
      { id: 'thumb', type: 'make_thumbnail', typeVersion: 1, settings: { size_px: 512 }, position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'cad', sourcePort: 'cad', target: 'ingest', targetPort: 'cad' },
      { id: 'e2', source: 'ingest', sourcePort: 'mesh', target: 'thumb', targetPort: 'mesh' },
    ],
    metadata: {},
  };
}

function failure(fn: () => unknown): ApiFailure {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiFailure) return error;
    throw error;
  }
  throw new Error('expected an ApiFailure, but the call succeeded');
}

const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

describe('workflow store', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database.Database;
  let registry: NodeRegistry;
  let store: WorkflowStore;

  beforeEach(() => {
    tmp = makeTempDir();
    db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
    registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
    store = createWorkflowStore(db, registry);
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  /** Everything a refused save must leave alone. */
  const snapshot = () => ({
    changes: (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n,
    workflows: db.prepare('SELECT * FROM workflows ORDER BY id').all(),
    revisions: db.prepare('SELECT * FROM workflow_revisions ORDER BY workflow_id, revision').all(),
  });

  it('answers a generated valid workflow exactly as saved, for 200 of them', () => {
    fc.assert(
      fc.property(validWorkflowArb, (doc) => {
        // Ids may repeat across runs (and while shrinking): save on top of what is there.
        const current = store.list({ includeDeleted: true }).find((w) => w.id === doc.id)?.revision ?? 0;
        const input = { ...doc, revision: current };
        const saved = store.save(input, 'generated');
        expect(saved.problems.filter((p) => p.severity === 'error')).toEqual([]);
        same(saved.document, { ...input, revision: current + 1 });
        same(store.get(doc.id), saved.document);
        same(store.get(doc.id, current + 1), saved.document);
      }),
      { numRuns: 200 },
    );
  });

  it('numbers revisions and refuses a save based on a stale one, naming both numbers', () => {
    const first = store.save(orderLineDoc(), 'first');
    expect(first.document.revision).toBe(1);
    const second = store.save({ ...first.document, name: 'Basic still, renamed' }, 'rename');
    expect(second.document.revision).toBe(2);

    const before = snapshot();
    const stale = failure(() => store.save({ ...first.document, name: 'Someone else' }));
    expect(stale.code).toBe('revision_conflict');
    expect(stale.path).toBe('revision');
    expect(stale.message).toContain('revision 2');
    expect(stale.message).toContain('revision 1');
    const ahead = failure(() => store.save({ ...second.document, revision: 7 }));
    expect(ahead.code).toBe('revision_conflict');
    expect(ahead.message).toMatch(/revision 2.*revision 7/);
    const newButClaimsRevision = failure(() => store.save(orderLineDoc('fresh', { revision: 3 })));
    expect(newButClaimsRevision.code).toBe('revision_conflict');
    expect(newButClaimsRevision.message).toMatch(/revision 0.*revision 3/);
    expect(snapshot()).toEqual(before);

    expect(store.get('still-basic', 1).name).toBe('Basic still');
    expect(store.get('still-basic').name).toBe('Basic still, renamed');
    const missing = failure(() => store.get('still-basic', 3));
    expect(missing.code).toBe('not_found');
    expect(missing.path).toBe('revision');
    const unknown = failure(() => store.get('nope'));
    expect(unknown.code).toBe('not_found');
    expect(unknown.path).toBe('id');
  });

  it('refuses an invalid document with every problem and writes nothing', () => {
    const saved = store.save(orderLineDoc(), 'good').document;
    const storedJson = () =>
      (db.prepare('SELECT document_json FROM workflow_revisions WHERE workflow_id = ? AND revision = 1').get('still-basic') as { document_json: string })
        .document_json;
    const json = storedJson();
    const before = snapshot();

    const bad = structuredClone(saved) as WorkflowDocument;
    (bad.nodes[3] as WorkflowDocument['nodes'][number]).settings = { renderer: { samples: 0 } };
    bad.nodes.push({ id: 'mystery', type: 'teleport_part', typeVersion: 1, settings: {}, position: { x: 0, y: 0 } });
    bad.edges.push({ id: 'e9', source: 'ghost', sourcePort: 'image', target: 'still', targetPort: 'scene' });
    const refused = failure(() => store.save(bad, 'bad'));

    expect(refused.code).toBe('invalid_workflow');
    const problems = refused.problems ?? [];
    const errors = problems.filter((p) => p.severity === 'error');
    const codes = new Set(errors.map((p) => p.code));
    expect(codes).toContain(ProblemCodes.invalidSetting);
    expect(codes).toContain(ProblemCodes.unknownNodeType);
    expect(codes).toContain(ProblemCodes.edgeMissingNode);
    expect(refused.message).toBe(`${errors.length} problem${errors.length === 1 ? '' : 's'}; first: ${errors[0]?.message}`);
    expect(refused.path).toBe(errors[0]?.path);
    expect(refused.toData()).toMatchObject({ code: 'invalid_workflow', problems });

    expect(snapshot()).toEqual(before);
    expect(storedJson()).toBe(json);

    // A refused new workflow leaves no row either.
    failure(() => store.save({ ...bad, id: 'brand-new', revision: 0 }));
    expect(snapshot()).toEqual(before);
    expect(failure(() => store.get('brand-new')).code).toBe('not_found');
  });

  it('refuses malformed input naming the field', () => {
    const before = snapshot();
    const refused = failure(() => store.save({ nodes: 'x' }));
    expect(refused.code).toBe('invalid_workflow');
    expect(refused.problems?.some((p) => p.severity === 'error' && /^nodes\b/.test(p.path))).toBe(true);
    for (const input of [null, 42, 'workflow', [], { ...orderLineDoc(), edges: {} }]) {
      const f = failure(() => store.save(input));
      expect(f.code).toBe('invalid_workflow');
      expect(f.problems?.length).toBeGreaterThan(0);
    }
    expect(failure(() => store.save({ ...orderLineDoc(), edges: {} })).problems?.some((p) => /^edges\b/.test(p.path))).toBe(true);
    expect(snapshot()).toEqual(before);

    const checked = store.validate({ nodes: 'x' });
    expect(checked.valid).toBe(false);
    expect(checked.problems.some((p) => /^nodes\b/.test(p.path))).toBe(true);
    expect(store.validate(orderLineDoc())).toMatchObject({ valid: true });
    expect(store.validate(orderLineDoc(), 'dispatch').problems).toEqual(expect.any(Array));
  });

  it('lists newest first, searches name and id case-insensitively, filters family, hides deleted', () => {
    const a = store.save(cadFileDoc('Thumbs-A1', 'Ålpha Thumbnails')).document;
    store.save(orderLineDoc('beta-still', { name: 'Beta still' }));
    store.save(orderLineDoc('gamma', { name: 'Gamma', executionMode: 'shadow' }));
    expect(store.list().map((w) => w.id)).toEqual(['gamma', 'beta-still', 'Thumbs-A1']);
    store.save({ ...a, name: 'Ålpha Thumbnails v2' });
    expect(store.list().map((w) => w.id)).toEqual(['Thumbs-A1', 'gamma', 'beta-still']);

    const summary = store.list()[0];
    expect(summary).toMatchObject({ id: 'Thumbs-A1', name: 'Ålpha Thumbnails v2', family: 'cad_file', executionMode: 'graph', revision: 2, nodeCount: 3, deletedAt: null });
    expect(Date.parse(summary?.updatedAt ?? '')).toBeGreaterThan(Date.parse(summary?.createdAt ?? ''));

    expect(store.list({ search: 'ålpha' }).map((w) => w.id)).toEqual(['Thumbs-A1']);
    expect(store.list({ search: 'STILL' }).map((w) => w.id)).toEqual(['beta-still']);
    expect(store.list({ search: 'thumbs-a' }).map((w) => w.id)).toEqual(['Thumbs-A1']);
    expect(store.list({ search: 'nothing like it' })).toEqual([]);
    expect(store.list({ family: 'order_line' }).map((w) => w.id)).toEqual(['gamma', 'beta-still']);
    expect(store.list({ family: 'cad_file', search: 'gamma' })).toEqual([]);

    const deleted = store.delete('beta-still');
    expect(deleted.id).toBe('beta-still');
    expect(Number.isNaN(Date.parse(deleted.deletedAt))).toBe(false);
    expect(store.list().map((w) => w.id)).toEqual(['Thumbs-A1', 'gamma']);
    expect(store.list({ includeDeleted: true }).find((w) => w.id === 'beta-still')?.deletedAt).toBe(deleted.deletedAt);
    expect(store.delete('beta-still')).toEqual(deleted);
    // History stays readable; the id cannot be saved to again.
    expect(store.get('beta-still').name).toBe('Beta still');
    expect(store.revisions('beta-still')).toHaveLength(1);
    const reuse = failure(() => store.save(orderLineDoc('beta-still', { revision: 1 })));
    expect(reuse.code).toBe('workflow_deleted');
    expect(failure(() => store.save(orderLineDoc('beta-still'))).code).toBe('workflow_deleted');
    expect(failure(() => store.delete('nope')).code).toBe('not_found');
  });

  it('answers revisions newest first with node and edge counts and notes', () => {
    const one = store.save(orderLineDoc(), 'created').document;
    const grown = structuredClone(one);
    grown.nodes.push({ id: 'save', type: 'output_save', typeVersion: 1, settings: {}, position: { x: 800, y: 0 } });
    grown.edges.push({ id: 'e4', source: 'still', sourcePort: 'image', target: 'save', targetPort: 'artifact' });
    store.save(grown);
    const revisions = store.revisions('still-basic');
    expect(revisions.map((r) => [r.revision, r.note, r.nodeCount, r.edgeCount])).toEqual([
      [2, null, 5, 4],
      [1, 'created', 4, 3],
    ]);
    expect(Date.parse(revisions[0]?.savedAt ?? '')).toBeGreaterThan(Date.parse(revisions[1]?.savedAt ?? ''));
    expect(failure(() => store.revisions('nope')).code).toBe('not_found');
  });

  it('keeps unknown metadata keys through every save', () => {
    const metadata = {
      editor: { viewport: { x: 10, y: -4.5, zoom: 1.25 }, selection: ['still'] },
      'x-plugin.custom': [1, { nested: null, deep: { 'ü-ñ': true } }],
      tags: [],
      note: 'emoji 🎬 and 中文',
    };
    const first = store.save(orderLineDoc('meta', { metadata }), 'one').document;
    same(first.metadata, metadata);
    const second = store.save({ ...first, name: 'Renamed' }).document;
    same(second.metadata, metadata);
    const third = store.save({ ...second, metadata: { ...second.metadata, added: { later: 1 } } }).document;
    same(store.get('meta').metadata, { ...metadata, added: { later: 1 } });
    same(store.get('meta', 1).metadata, metadata);
    expect(third.revision).toBe(3);
  });

  it('normalizes an absent execution mode (and revision) on save', () => {
    const doc: Record<string, unknown> = { ...orderLineDoc('implicit') };
    delete doc.executionMode;
    delete doc.revision;
    const saved = store.save(doc).document;
    expect(saved.executionMode).toBe('legacy');
    expect(saved.revision).toBe(1);
    expect(store.get('implicit').executionMode).toBe('legacy');
    expect(store.list()[0]?.executionMode).toBe('legacy');
  });

  it('stores the document as JSON text, one row per revision, in one transaction', () => {
    store.save(orderLineDoc('rows'));
    const saved = store.save({ ...orderLineDoc('rows'), revision: 1, executionMode: 'shadow' }).document;
    const row = db.prepare('SELECT * FROM workflows WHERE id = ?').get('rows') as Record<string, unknown>;
    expect(row).toMatchObject({ name: 'Basic still', family: 'order_line', execution_mode: 'shadow', current_revision: 2, deleted_at: null });
    const revisions = db.prepare('SELECT revision, document_json FROM workflow_revisions WHERE workflow_id = ? ORDER BY revision').all('rows') as {
      revision: number;
      document_json: string;
    }[];
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(revisions[1]?.document_json).toBe(JSON.stringify(saved));
  });

  it('upgrades nodes older than the registry when reading, leaving the stored revision as saved', () => {
    // Test-only render_still v2: v1 had `samples` at the top level.
    const v1 = NODE_SPECS.find((s) => s.type === 'render_still') as NodeSpec;
    const v2: NodeSpec = {
      ...v1,
      version: 2,
      upgrades: [
        {
          from: 1,
          up: ({ samples, ...rest }) => (samples === undefined ? rest : { ...rest, renderer: { ...(rest.renderer as object), samples } }),
        },
      ],
    };
    const upgraded = createWorkflowStore(db, createNodeRegistry(NODE_SPECS.map((s) => (s === v1 ? v2 : s)), NODE_RUNTIMES));
    const old = orderLineDoc('old-still', { revision: 1 });
    (old.nodes[3] as WorkflowDocument['nodes'][number]).settings = { samples: 16 };
    const now = new Date().toISOString();
    db.prepare(
      "INSERT INTO workflows (id, name, family, execution_mode, current_revision, created_at, updated_at) VALUES ('old-still', 'Old', 'order_line', 'legacy', 1, ?, ?)",
    ).run(now, now);
    const json = JSON.stringify(old);
    const identity = revisionIdentity(old, []);
    db.prepare("INSERT INTO workflow_revisions (workflow_id, revision, document_json, saved_at, revision_id, parents_json, content_hash) VALUES ('old-still', 1, ?, ?, ?, '[]', ?)").run(
      json,
      now,
      identity.revisionId,
      identity.contentHash,
    );

    const read = upgraded.get('old-still');
    expect(read.nodes[3]).toMatchObject({ type: 'render_still', typeVersion: 2, settings: { renderer: { samples: 16 } } });
    expect(read.nodes.slice(0, 3)).toEqual(old.nodes.slice(0, 3));
    expect((db.prepare("SELECT document_json FROM workflow_revisions WHERE workflow_id = 'old-still'").get() as { document_json: string }).document_json).toBe(json);
    // The registry of today has nothing newer: the same row reads back untouched.
    same(store.get('old-still'), old);
  });

  it('saves generated workflows of each family on top of each other, revision after revision', () => {
    const docs = fc.sample(workflowArb({ family: 'order_line' }), { numRuns: 10, seed: 7 });
    let revision = 0;
    for (const doc of docs) {
      const saved = store.save({ ...doc, id: 'evolving', revision }).document;
      revision += 1;
      expect(saved.revision).toBe(revision);
    }
    expect(store.revisions('evolving').map((r) => r.revision)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    same(store.get('evolving', 4), { ...docs[3], id: 'evolving', revision: 4 });
  });
});
