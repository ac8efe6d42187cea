import path from 'node:path';
import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/open-database';
import { migrations } from '../../platform/db/migrations';
import { createNodeRegistry } from '../nodes/registry';
import { makeTempDir } from '../../testing/temp-dir';
import { ApiFailure } from '../../../shared/contract/errors';
import { NODE_SPECS } from '../../nodes/specs';
import { NODE_RUNTIMES } from '../../nodes/executors';
import type { WorkflowDocument } from '../../../shared/workflow/document';
import { validWorkflowArb } from '../../../shared/workflow/testing/arbitrary';
import { createWorkflowStore } from './workflow-store';
import { revisionIdentity, workflowContentHash } from './revision-identity';
import { exportWorkflow, importWorkflow } from './workflow-transfer';
import type { WorkflowStore } from './types';
import { basicStillDoc } from '../../testing/workflow-docs';

const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);

function doc(id = 'still', overrides: Partial<WorkflowDocument> = {}): WorkflowDocument {
  return basicStillDoc(id, { name: 'Still', metadata: { owner: 'lookdev' }, ...overrides });
}

/** The same document with every object's keys written in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
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

describe('workflow revisions form a history', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database.Database;
  let store: WorkflowStore;
  beforeEach(() => {
    tmp = makeTempDir();
    db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
    store = createWorkflowStore(db, registry);
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const rows = () => db.prepare('SELECT * FROM workflow_revisions ORDER BY workflow_id, revision').all();

  it('gives each save an id, the previous revision as parent and a content hash of the document without its number', () => {
    const first = store.save(doc(), 'first');
    expect(first.revisionInfo).toMatchObject({ revision: 1, parents: [], contentHash: workflowContentHash(doc()) });
    expect(first.revisionInfo.revisionId).toMatch(/^[0-9a-f]{64}$/);
    expect(first.revisionInfo.revisionId).toBe(revisionIdentity(doc(), []).revisionId);
    const second = store.save({ ...first.document, name: 'Still, renamed' }, 'rename');
    expect(second.revisionInfo.parents).toEqual([first.revisionInfo.revisionId]);
    expect(second.revisionInfo.contentHash).not.toBe(first.revisionInfo.contentHash);

    const history = store.revisions('still');
    expect(history.map((r) => [r.revision, r.parents])).toEqual([
      [2, [first.revisionInfo.revisionId]],
      [1, []],
    ]);
    expect(history[0]).toEqual(second.revisionInfo);
    expect(store.revision('still')).toEqual(second.revisionInfo);
    expect(store.revision('still', 1)).toEqual(first.revisionInfo);
    expect(failure(() => store.revision('still', 3)).path).toBe('revision');
  });

  it('hashes content independently of key order and of the revision number; the id still differs by parent', () => {
    const first = store.save(doc());
    const again = store.save(reversedKeys({ ...first.document, revision: 1 }));
    expect(again.revisionInfo.contentHash).toBe(first.revisionInfo.contentHash);
    expect(again.revisionInfo.revisionId).not.toBe(first.revisionInfo.revisionId);
    fc.assert(
      fc.property(validWorkflowArb, fc.nat(50), (d, n) => {
        expect(workflowContentHash(reversedKeys({ ...d, revision: n }))).toBe(workflowContentHash(d));
      }),
      { numRuns: 50 },
    );
  });

  it('is append-only: a stored revision cannot be updated or deleted, and saves and deletes leave earlier rows as they were', () => {
    const first = store.save(doc());
    const before = rows();
    expect(() => db.prepare("UPDATE workflow_revisions SET note = 'rewritten' WHERE workflow_id = 'still'").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE workflow_revisions SET document_json = '{}'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM workflow_revisions WHERE workflow_id = 'still'").run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT OR REPLACE INTO workflow_revisions SELECT * FROM workflow_revisions WHERE revision = 1").run()).toThrow(/append-only/);
    expect(rows()).toEqual(before);

    store.save({ ...first.document, name: 'Two' });
    store.delete('still');
    expect(rows().slice(0, 1)).toEqual(before);
    expect(rows()).toHaveLength(2);
  });

  it('a merge has two parents: the revision it was saved on, then the one merged from, which must be in the history', () => {
    const r1 = store.save(doc());
    const r2 = store.save({ ...r1.document, name: 'Two' });
    const before = rows();
    const unknown = failure(() => store.save({ ...r2.document, name: 'Merged' }, 'merge', { mergedFrom: 'f'.repeat(64) }));
    expect(unknown.code).toBe('unknown_parent');
    expect(unknown.path).toBe('mergedFrom');
    expect(rows()).toEqual(before);
    const merged = store.save({ ...r2.document, name: 'Merged' }, 'merge', { mergedFrom: r1.revisionInfo.revisionId });
    expect(merged.revisionInfo.parents).toEqual([r2.revisionInfo.revisionId, r1.revisionInfo.revisionId]);
  });
});

describe('the history migration backfills the history of an existing data directory', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  const historyVersion = migrations.find((m) => m.name.startsWith('workflow revisions form a history'))?.version ?? 0;

  /** A database of the version before, with two workflows, written the way the store of then wrote them. */
  function seedBefore(file: string): { id: string; revision: number; json: string; saved_at: string; note: string | null }[] {
    const before = openDatabase(file, migrations.filter((m) => m.version < historyVersion));
    const seeded: { id: string; revision: number; json: string; saved_at: string; note: string | null }[] = [];
    const addWorkflow = before.prepare("INSERT INTO workflows (id, name, family, execution_mode, current_revision, created_at, updated_at) VALUES (?, ?, 'order_line', 'legacy', ?, 't0', 't9')");
    const addRevision = before.prepare('INSERT INTO workflow_revisions (workflow_id, revision, document_json, saved_at, note) VALUES (?, ?, ?, ?, ?)');
    const docs: [string, WorkflowDocument[]][] = [
      ['a', [doc('a', { revision: 1 }), doc('a', { revision: 2, name: 'A2' }), reversedKeys(doc('a', { revision: 3, name: 'A2' }))]],
      ['b', [doc('b', { revision: 1, metadata: { x: 1 } })]],
    ];
    for (const [id, revisions] of docs) {
      addWorkflow.run(id, id, revisions.length);
      revisions.forEach((d, i) => {
        const row = { id, revision: i + 1, json: JSON.stringify(d, null, i === 0 ? 2 : undefined), saved_at: `2026-01-0${i + 1}T00:00:00.000Z`, note: i === 1 ? null : `note ${i}` };
        addRevision.run(row.id, row.revision, row.json, row.saved_at, row.note);
        seeded.push(row);
      });
    }
    before.close();
    return seeded;
  }

  it('keeps every row byte for byte and adds ids, parents (the previous revision) and content hashes', () => {
    const file = path.join(tmp.dir, 'lightbox.db');
    const seeded = seedBefore(file);
    const db = openDatabase(file);
    try {
      const after = db
        .prepare('SELECT workflow_id AS id, revision, document_json AS json, saved_at, note, revision_id, parents_json, content_hash FROM workflow_revisions ORDER BY workflow_id, revision')
        .all() as { id: string; revision: number; json: string; saved_at: string; note: string | null; revision_id: string; parents_json: string; content_hash: string }[];
      expect(after.map(({ id, revision, json, saved_at, note }) => ({ id, revision, json, saved_at, note }))).toEqual(seeded);

      let previous: string | null = null;
      let previousWorkflow = '';
      for (const row of after) {
        const parents = previous && previousWorkflow === row.id ? [previous] : [];
        const expected = revisionIdentity(JSON.parse(row.json) as object, parents);
        expect({ id: row.revision_id, parents: JSON.parse(row.parents_json) as string[], hash: row.content_hash }).toEqual({ id: expected.revisionId, parents, hash: expected.contentHash });
        previous = row.revision_id;
        previousWorkflow = row.id;
      }
      // Revisions 2 and 3 of "a" hold the same content written in another key order.
      expect(after[2]?.content_hash).toBe(after[1]?.content_hash);

      // The history goes on from the backfilled ids, and stays append-only.
      const store = createWorkflowStore(db, registry);
      const next = store.save({ ...store.get('a'), name: 'A4' });
      expect(next.revisionInfo.parents).toEqual([after[2]?.revision_id]);
      expect(() => db.prepare('DELETE FROM workflow_revisions').run()).toThrow(/append-only/);

      // Another data directory migrated from the same history gets the same ids.
      const other = path.join(tmp.dir, 'other.db');
      seedBefore(other);
      const otherDb = openDatabase(other);
      expect(otherDb.prepare('SELECT revision_id FROM workflow_revisions ORDER BY workflow_id, revision').pluck().all()).toEqual(after.map((r) => r.revision_id));
      otherDb.close();
    } finally {
      db.close();
    }
  });
});

describe('export and import', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database.Database;
  let store: WorkflowStore;
  beforeEach(() => {
    tmp = makeTempDir();
    db = openDatabase(path.join(tmp.dir, 'lightbox.db'));
    store = createWorkflowStore(db, registry);
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('an exported document imports back as identical: nothing new is stored', () => {
    store.save(doc());
    const exported = JSON.parse(JSON.stringify(exportWorkflow(store, 'still'))) as unknown;
    const before = db.prepare('SELECT count(*) FROM workflow_revisions').pluck().get();
    const again = importWorkflow(store, reversedKeys(exported));
    expect(again).toMatchObject({ workflowId: 'still', revision: 1, stored: false, revisionId: store.revision('still').revisionId });
    expect(db.prepare('SELECT count(*) FROM workflow_revisions').pluck().get()).toBe(before);
  });

  it('a changed document becomes the next revision of the workflow it names, whatever revision the file was exported from', () => {
    const r1 = store.save(doc()).document;
    store.save({ ...r1, name: 'Two' });
    const imported = importWorkflow(store, { ...r1, name: 'From a file' });
    expect(imported).toMatchObject({ workflowId: 'still', revision: 3, stored: true });
    expect(store.get('still').name).toBe('From a file');
    expect(store.revision('still')).toMatchObject({ revisionId: imported.revisionId, contentHash: imported.contentHash, note: 'imported' });
  });

  it('a document naming an unknown workflow becomes a new workflow at revision 1', () => {
    const imported = importWorkflow(store, doc('brand-new', { revision: 12 }));
    expect(imported).toMatchObject({ workflowId: 'brand-new', revision: 1, stored: true });
    expect(store.revision('brand-new').parents).toEqual([]);
  });

  it('an invalid document is refused with the problems by path, and nothing is stored', () => {
    store.save(doc());
    const before = db.prepare('SELECT * FROM workflow_revisions').all();
    const bad = doc('still', { edges: [{ id: 'e1', source: 'ghost', sourcePort: 'mesh', target: 'still', targetPort: 'scene' }] });
    (bad.nodes[3] as WorkflowDocument['nodes'][number]).settings = { renderer: { samples: 0 } };
    const refused = failure(() => importWorkflow(store, bad));
    expect(refused.code).toBe('invalid_workflow');
    const paths = (refused.problems ?? []).filter((p) => p.severity === 'error').map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([expect.stringMatching(/^edges\[0\]/), expect.stringMatching(/^nodes\[3\]\.settings/)]));
    expect(db.prepare('SELECT * FROM workflow_revisions').all()).toEqual(before);
    expect(failure(() => importWorkflow(store, { nodes: 'x' })).code).toBe('invalid_workflow');
    expect(db.prepare('SELECT * FROM workflow_revisions').all()).toEqual(before);
  });
});
