import type Database from 'better-sqlite3';
import { ApiFailure, ErrorCodes } from '../../../shared/contract/errors';
import { WORKFLOW_SCHEMA_VERSION, type Family, type WorkflowDocument } from '../../../shared/workflow/document';
import { loadWorkflowDocument } from '../../../shared/workflow/versions';
import { hasErrors, type Problem } from '../../../shared/workflow/problems';
import type { ValidationMode, WorkflowSummary } from '../../../shared/workflow/api';
import type { NodeCatalog } from '../../../shared/workflow/catalog';
import { validateWorkflow } from '../../../shared/workflow/validate';
import { upgradeWorkflowNodes } from '../../../shared/workflow/upgrade';
import type { ReceivedRevision, ReceiveResult, RevisionInfo, SaveOptions, SaveResult, WorkflowStore } from './types';
import { revisionIdentity } from './revision-identity';

/** Error codes of the store beyond the generic ones of the contract. */
export const WorkflowErrorCodes = {
  invalid: 'invalid_workflow',
  revisionConflict: 'revision_conflict',
  deleted: 'workflow_deleted',
  unknownParent: 'unknown_parent',
  hashMismatch: 'hash_mismatch',
  notFound: ErrorCodes.notFound,
} as const;

export interface WorkflowStoreOptions {
  /** The clock; timestamps are kept strictly increasing so "newest first" is never a tie. */
  now?: () => Date;
}

interface WorkflowRow {
  id: string;
  name: string;
  family: Family;
  execution_mode: WorkflowDocument['executionMode'];
  current_revision: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  node_count: number | null;
}

interface RevisionRow {
  revision: number;
  saved_at: string;
  note: string | null;
  node_count: number | null;
  edge_count: number | null;
  revision_id: string;
  parents_json: string;
  content_hash: string;
}

/**
 * Workflows over SQLite, every save a new row of workflow_revisions holding the document as JSON
 * text, exactly as it was accepted.
 *
 * Decisions:
 * - Validation runs before anything else, and only a document without errors is stored. Warnings
 *   and notes are answered with the saved document.
 * - Optimistic concurrency: the document names the revision it was based on (0 for a new id);
 *   anything else than the current revision is a `revision_conflict` naming both numbers.
 * - A deleted workflow keeps its id and its revisions (readable through get and revisions), but it
 *   cannot be saved to again: that is a `workflow_deleted` failure, never a silent undelete.
 *   Deleting twice answers the first deletion's time.
 * - Revisions form a history: each has an id, its parents (the revision it was saved on, and a
 *   second one for a merge) and a content hash (revision-identity.ts). The history is append-only:
 *   this store never updates or deletes a revision row, and triggers (migration 10) refuse anyone
 *   who tries.
 * - get answers the stored JSON as it is. Only a document of an older schema version or with a node
 *   older than the registry's current version goes through the loader / node upgrades (never
 *   written back: the stored revision stays what was saved).
 */
export function createWorkflowStore(db: Database.Database, catalog: NodeCatalog, options: WorkflowStoreOptions = {}): WorkflowStore {
  const clock = options.now ?? (() => new Date());
  let last = 0;
  const timestamp = (): string => {
    // Strictly increasing within this process, so two saves in the same millisecond still order.
    const now = Math.max(clock().getTime(), last + 1);
    last = now;
    return new Date(now).toISOString();
  };

  const summaryColumns = `w.id, w.name, w.family, w.execution_mode, w.current_revision, w.created_at, w.updated_at, w.deleted_at,
    json_array_length(r.document_json, '$.nodes') AS node_count`;
  const revisionColumns = `revision, saved_at, note, revision_id, parents_json, content_hash,
    json_array_length(document_json, '$.nodes') AS node_count,
    json_array_length(document_json, '$.edges') AS edge_count`;
  const stmts = {
    row: db.prepare<[string], WorkflowRow>(
      `SELECT ${summaryColumns} FROM workflows w
       LEFT JOIN workflow_revisions r ON r.workflow_id = w.id AND r.revision = w.current_revision
       WHERE w.id = ?`,
    ),
    list: db.prepare<[], WorkflowRow>(
      `SELECT ${summaryColumns} FROM workflows w
       LEFT JOIN workflow_revisions r ON r.workflow_id = w.id AND r.revision = w.current_revision
       ORDER BY w.updated_at DESC, w.rowid DESC`,
    ),
    document: db.prepare<[string, number], { document_json: string }>(
      'SELECT document_json FROM workflow_revisions WHERE workflow_id = ? AND revision = ?',
    ),
    revisions: db.prepare<[string], RevisionRow>(
      `SELECT ${revisionColumns} FROM workflow_revisions WHERE workflow_id = ? ORDER BY revision DESC`,
    ),
    revision: db.prepare<[string, number], RevisionRow>(`SELECT ${revisionColumns} FROM workflow_revisions WHERE workflow_id = ? AND revision = ?`),
    revisionById: db.prepare<[string, string], { revision: number }>('SELECT revision FROM workflow_revisions WHERE workflow_id = ? AND revision_id = ?'),
    insertWorkflow: db.prepare(
      `INSERT INTO workflows (id, name, family, execution_mode, current_revision, created_at, updated_at, deleted_at)
       VALUES (@id, @name, @family, @executionMode, @revision, @now, @now, NULL)`,
    ),
    updateWorkflow: db.prepare(
      `UPDATE workflows SET name = @name, family = @family, execution_mode = @executionMode,
         current_revision = @revision, updated_at = @now
       WHERE id = @id AND current_revision = @previous`,
    ),
    insertRevision: db.prepare(
      `INSERT INTO workflow_revisions (workflow_id, revision, document_json, saved_at, note, revision_id, parents_json, content_hash)
       VALUES (@id, @revision, @json, @now, @note, @revisionId, @parentsJson, @contentHash)`,
    ),
    markDeleted: db.prepare('UPDATE workflows SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
    maxRevision: db.prepare<[string], { max: number | null }>('SELECT MAX(revision) AS max FROM workflow_revisions WHERE workflow_id = ?'),
    byRevisionId: db.prepare<[string], { workflow_id: string; revision: number }>('SELECT workflow_id, revision FROM workflow_revisions WHERE revision_id = ?'),
    insertReceivedWorkflow: db.prepare(
      `INSERT INTO workflows (id, name, family, execution_mode, current_revision, created_at, updated_at, deleted_at)
       VALUES (@id, @name, @family, @executionMode, @revision, @now, @now, NULL)`,
    ),
    moveHead: db.prepare(
      `UPDATE workflows SET name = @name, family = @family, execution_mode = @executionMode, current_revision = @revision, updated_at = @now WHERE id = @id`,
    ),
    log: db.prepare<[number, number], { seq: number; workflow_id: string; revision_id: string; parents_json: string; content_hash: string; document_json: string; note: string | null }>(
      `SELECT rowid AS seq, workflow_id, revision_id, parents_json, content_hash, document_json, note FROM workflow_revisions WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
    lastSeq: db.prepare<[], { seq: number | null }>('SELECT MAX(rowid) AS seq FROM workflow_revisions'),
    heads: db.prepare<[], { id: string; revision_id: string }>(
      `SELECT w.id, r.revision_id FROM workflows w JOIN workflow_revisions r ON r.workflow_id = w.id AND r.revision = w.current_revision`,
    ),
  };

  const notFound = (id: string, revision?: number): ApiFailure =>
    new ApiFailure(
      WorkflowErrorCodes.notFound,
      revision === undefined ? `no workflow "${id}"` : `workflow "${id}" has no revision ${revision}`,
      revision === undefined ? 'id' : 'revision',
    );

  const requireRow = (id: string): WorkflowRow => {
    const row = stmts.row.get(id);
    if (!row) throw notFound(id);
    return row;
  };

  /** The latest version of every node type the catalog knows; what "older" is measured against. */
  const needsNodeUpgrade = (doc: WorkflowDocument): boolean =>
    doc.nodes.some((node) => {
      const versions = catalog.versions(node.type);
      const latest = versions.at(-1);
      return latest !== undefined && node.typeVersion < latest;
    });

  /** A stored document as the current build reads it: untouched unless it is from an older one. */
  const read = (id: string, revision: number, json: string): WorkflowDocument => {
    let doc = JSON.parse(json) as WorkflowDocument;
    if ((doc as { schemaVersion?: unknown }).schemaVersion !== WORKFLOW_SCHEMA_VERSION) {
      const loaded = loadWorkflowDocument(doc);
      if (!loaded.ok) {
        throw new ApiFailure(WorkflowErrorCodes.invalid, `stored workflow "${id}" revision ${revision} cannot be read: ${loaded.message}`, loaded.path);
      }
      doc = loaded.document;
    }
    return needsNodeUpgrade(doc) ? upgradeWorkflowNodes(doc, catalog) : doc;
  };

  const summarize = (row: WorkflowRow): WorkflowSummary => ({
    id: row.id,
    name: row.name,
    family: row.family,
    executionMode: row.execution_mode,
    revision: row.current_revision,
    nodeCount: row.node_count ?? 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  });

  const validate = (document: unknown, mode: ValidationMode = 'save') => validateWorkflow(document, catalog, { mode });

  const info = (r: RevisionRow): RevisionInfo => ({
    revision: r.revision,
    savedAt: r.saved_at,
    note: r.note,
    nodeCount: r.node_count ?? 0,
    edgeCount: r.edge_count ?? 0,
    revisionId: r.revision_id,
    parents: JSON.parse(r.parents_json) as string[],
    contentHash: r.content_hash,
  });

  const save = db.transaction((document: WorkflowDocument, note: string | null, options: SaveOptions): Omit<SaveResult, 'problems'> => {
    const row = stmts.row.get(document.id);
    if (row?.deleted_at) {
      throw new ApiFailure(
        WorkflowErrorCodes.deleted,
        `workflow "${document.id}" was deleted at ${row.deleted_at}; its id is kept with its history and cannot be saved to again: save under another id`,
        'id',
      );
    }
    const current = row?.current_revision ?? 0;
    if (document.revision !== current) {
      throw new ApiFailure(
        WorkflowErrorCodes.revisionConflict,
        row
          ? `workflow "${document.id}" is at revision ${current}, but this document is based on revision ${document.revision}: it was saved meanwhile; reload it and apply the change again`
          : `workflow "${document.id}" does not exist yet (revision 0), but this document is based on revision ${document.revision}`,
        'revision',
      );
    }
    // The new row goes after every stored one: revisions received by sync may sit beyond the head.
    const next = Math.max(current, stmts.maxRevision.get(document.id)?.max ?? 0) + 1;
    const stored: WorkflowDocument = { ...document, revision: next };
    const json = JSON.stringify(stored);
    const previous = row ? stmts.revision.get(stored.id, current) : undefined;
    const parents = previous ? [previous.revision_id] : [];
    const { mergedFrom } = options;
    if (mergedFrom !== undefined) {
      // A merge's second parent is a revision this workflow's history already holds.
      if (!stmts.revisionById.get(stored.id, mergedFrom)) {
        throw new ApiFailure(WorkflowErrorCodes.unknownParent, `workflow "${stored.id}" has no revision with id "${mergedFrom}" to merge from`, 'mergedFrom');
      }
      if (!parents.includes(mergedFrom)) parents.push(mergedFrom);
    }
    // Hashed from the JSON text as stored, the same computation migration 10 made for older rows.
    const identity = revisionIdentity(JSON.parse(json) as object, parents);
    if (options.unlessUnchanged && previous && mergedFrom === undefined && previous.content_hash === identity.contentHash) {
      const current = stmts.document.get(stored.id, previous.revision);
      if (current) return { document: JSON.parse(current.document_json) as WorkflowDocument, revisionInfo: info(previous), stored: false };
    }
    const now = timestamp();
    const params = {
      id: stored.id,
      name: stored.name,
      family: stored.family,
      executionMode: stored.executionMode,
      revision: stored.revision,
      previous: current,
      now,
      json,
      note,
      revisionId: identity.revisionId,
      parentsJson: JSON.stringify(identity.parents),
      contentHash: identity.contentHash,
    };
    if (row) {
      const changed = stmts.updateWorkflow.run(params).changes;
      if (changed !== 1) throw new ApiFailure(WorkflowErrorCodes.revisionConflict, `workflow "${stored.id}" changed while saving; reload it`, 'revision');
    } else {
      stmts.insertWorkflow.run(params);
    }
    stmts.insertRevision.run(params);
    const revision = stmts.revision.get(stored.id, stored.revision);
    if (!revision) throw new Error(`revision ${stored.revision} of "${stored.id}" was not stored`);
    // Answer what a later get reads: the JSON as stored, not the object handed in.
    return { document: JSON.parse(json) as WorkflowDocument, revisionInfo: info(revision), stored: true };
  });

  /** The checks of receive() that need no lock: hashes, then validation, each naming the field. */
  const checkReceived = (r: ReceivedRevision): WorkflowDocument => {
    const doc = r.document as { id?: unknown };
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ApiFailure(WorkflowErrorCodes.invalid, 'document must be a workflow document (an object)', 'document');
    if (doc.id !== r.workflowId) {
      throw new ApiFailure(WorkflowErrorCodes.invalid, `document.id is ${JSON.stringify(doc.id)} but the revision is of workflow "${r.workflowId}"`, 'document.id');
    }
    // The hash is taken of the JSON text as it will be stored, like save() does.
    const plain = JSON.parse(JSON.stringify(r.document)) as object;
    const identity = revisionIdentity(plain, r.parents);
    if (identity.contentHash !== r.contentHash) {
      throw new ApiFailure(WorkflowErrorCodes.hashMismatch, `contentHash ${r.contentHash} is not the document's (${identity.contentHash})`, 'contentHash');
    }
    if (identity.revisionId !== r.revisionId) {
      throw new ApiFailure(WorkflowErrorCodes.hashMismatch, `revisionId ${r.revisionId} is not the hash of its parents and content hash (${identity.revisionId})`, 'revisionId');
    }
    const { document: valid, problems } = validate(plain, 'save');
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0 || !valid) {
      const first = errors[0];
      throw new ApiFailure(
        WorkflowErrorCodes.invalid,
        first ? `${errors.length} problem${errors.length === 1 ? '' : 's'}; first: ${first.message}` : 'the workflow could not be read',
        first?.path ? `document.${first.path}` : 'document',
        problems,
      );
    }
    return plain as WorkflowDocument;
  };

  const receive = db.transaction((r: ReceivedRevision, doc: WorkflowDocument): ReceiveResult => {
    const known = stmts.byRevisionId.get(r.revisionId);
    const row = stmts.row.get(r.workflowId);
    const headId = (): string | undefined => (row ? stmts.revision.get(r.workflowId, row.current_revision)?.revision_id : undefined);
    if (known) {
      if (known.workflow_id !== r.workflowId) {
        throw new ApiFailure(WorkflowErrorCodes.hashMismatch, `revision ${r.revisionId} is stored here as one of workflow "${known.workflow_id}"`, 'workflowId');
      }
      return { stored: false, revision: known.revision, head: headId() === r.revisionId };
    }
    r.parents.forEach((parent, i) => {
      if (!stmts.revisionById.get(r.workflowId, parent)) {
        throw new ApiFailure(WorkflowErrorCodes.unknownParent, `workflow "${r.workflowId}" has no revision ${parent} here (parent ${i + 1} of ${r.revisionId})`, `parents[${i}]`);
      }
    });
    const next = (stmts.maxRevision.get(r.workflowId)?.max ?? 0) + 1;
    const json = JSON.stringify({ ...doc, revision: next });
    const head = headId();
    // The head moves only along its own line (or for a new workflow); a diverging revision waits beside it for a merge.
    const advance = !row || (head !== undefined && r.parents.includes(head));
    const params = {
      id: r.workflowId,
      name: doc.name,
      family: doc.family,
      executionMode: doc.executionMode,
      revision: next,
      now: timestamp(),
      json,
      note: r.note ?? null,
      revisionId: r.revisionId,
      parentsJson: JSON.stringify(r.parents),
      contentHash: r.contentHash,
    };
    if (!row) stmts.insertReceivedWorkflow.run(params);
    else if (advance) stmts.moveHead.run(params);
    stmts.insertRevision.run(params);
    return { stored: true, revision: next, head: advance };
  });

  return {
    receive(revision) {
      // Already held (the id names the content and ancestry): nothing to check or store; the copy sent is not read.
      const known = stmts.byRevisionId.get(revision.revisionId);
      if (known?.workflow_id === revision.workflowId) {
        const row = stmts.row.get(revision.workflowId);
        const head = row ? stmts.revision.get(revision.workflowId, row.current_revision)?.revision_id : undefined;
        return { stored: false, revision: known.revision, head: head === revision.revisionId };
      }
      const doc = checkReceived(revision);
      return receive.immediate(revision, doc);
    },

    locate(revisionId) {
      const found = stmts.byRevisionId.get(revisionId);
      return found ? { workflowId: found.workflow_id, revision: found.revision } : undefined;
    },

    log(since, limit) {
      return stmts.log.all(since, limit).map((r) => ({
        seq: r.seq,
        workflowId: r.workflow_id,
        revisionId: r.revision_id,
        parents: JSON.parse(r.parents_json) as string[],
        contentHash: r.content_hash,
        document: JSON.parse(r.document_json) as Record<string, unknown>,
        note: r.note,
      }));
    },

    logEnd() {
      return stmts.lastSeq.get()?.seq ?? 0;
    },

    heads() {
      return Object.fromEntries(stmts.heads.all().map((h) => [h.id, h.revision_id]));
    },

    list(filter = {}) {
      const search = filter.search?.trim().toLowerCase() ?? '';
      return stmts
        .list.all()
        .filter((row) => filter.includeDeleted || row.deleted_at === null)
        .filter((row) => !filter.family || row.family === filter.family)
        .filter((row) => !search || row.name.toLowerCase().includes(search) || row.id.toLowerCase().includes(search))
        .map(summarize);
    },

    get(id, revision) {
      const row = requireRow(id);
      const wanted = revision ?? row.current_revision;
      const stored = stmts.document.get(id, wanted);
      if (!stored) throw notFound(id, wanted);
      return read(id, wanted, stored.document_json);
    },

    save(document, note, options: SaveOptions = {}): SaveResult {
      const { document: valid, problems } = validate(document, 'save');
      const errors = problems.filter((p) => p.severity === 'error');
      if (errors.length > 0 || !valid) {
        const first: Problem | undefined = errors[0];
        const message = first
          ? `${errors.length} problem${errors.length === 1 ? '' : 's'}; first: ${first.message}`
          : 'the workflow could not be read';
        throw new ApiFailure(WorkflowErrorCodes.invalid, message, first?.path ?? '', problems);
      }
      // IMMEDIATE: the revision check and the writes happen under one write lock, also across processes.
      const stored = save.immediate(valid, note ?? null, options);
      return { ...stored, problems };
    },

    validate(document, mode = 'save') {
      const { problems } = validate(document, mode);
      return { valid: !hasErrors(problems), problems };
    },

    delete(id) {
      return db.transaction(() => {
        const row = requireRow(id);
        if (row.deleted_at) return { id, deletedAt: row.deleted_at };
        const deletedAt = timestamp();
        stmts.markDeleted.run(deletedAt, id);
        return { id, deletedAt };
      }).immediate();
    },

    revisions(id) {
      requireRow(id);
      return stmts.revisions.all(id).map(info);
    },

    revision(id, revision) {
      const row = requireRow(id);
      const wanted = revision ?? row.current_revision;
      const found = stmts.revision.get(id, wanted);
      if (!found) throw notFound(id, wanted);
      return info(found);
    },
  };
}
