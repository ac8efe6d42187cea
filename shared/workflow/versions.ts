import type { z } from 'zod';
import { DEFAULT_EXECUTION_MODE, WORKFLOW_SCHEMA_VERSION, WorkflowDocumentSchema, type WorkflowDocument } from './document';

/** One step of the document migrator: from `from` to `from + 1`. */
export interface DocumentMigration {
  from: number;
  describe: string;
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Every migration from an older schema version to the next, oldest first. Version 1 is the
 * first released canonical schema, so the chain is empty; a change of shape adds an entry here
 * and bumps WORKFLOW_SCHEMA_VERSION.
 */
export const DOCUMENT_MIGRATIONS: readonly DocumentMigration[] = [];

export type LoadResult =
  | { ok: true; document: WorkflowDocument; migratedFrom: number | null; normalized: string[] }
  | { ok: false; error: z.ZodError | Error; path: string; message: string };

/**
 * Brings any stored or imported document to the current schema: runs the migration chain, then
 * normalizes what the schema leaves implicit (an absent execution mode becomes an explicit one).
 * Unknown keys inside metadata are kept as they are.
 */
export function loadWorkflowDocument(
  input: unknown,
  migrations: readonly DocumentMigration[] = DOCUMENT_MIGRATIONS,
  current = WORKFLOW_SCHEMA_VERSION,
): LoadResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('', 'a workflow must be a JSON object');
  }
  let doc = { ...(input as Record<string, unknown>) };
  const normalized: string[] = [];
  const version = doc.schemaVersion ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail('schemaVersion', `schemaVersion must be a positive integer, got ${JSON.stringify(doc.schemaVersion)}`);
  }
  if (version > current) {
    return fail('schemaVersion', `schemaVersion ${version} is newer than this Lightbox supports (${current}); update Lightbox`);
  }
  if (doc.schemaVersion === undefined) normalized.push('schemaVersion');
  let at = version;
  while (at < current) {
    const step = migrations.find((m) => m.from === at);
    if (!step) return fail('schemaVersion', `no migration from schemaVersion ${at}`);
    doc = step.up(doc);
    at += 1;
  }
  doc.schemaVersion = current;
  if (doc.executionMode === undefined) {
    doc.executionMode = DEFAULT_EXECUTION_MODE;
    normalized.push('executionMode');
  }
  if (doc.metadata === undefined) {
    doc.metadata = {};
    normalized.push('metadata');
  }
  if (doc.revision === undefined) {
    doc.revision = 0;
    normalized.push('revision');
  }
  const parsed = WorkflowDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    return { ok: false, error: parsed.error, path, message: issue ? `${path || 'document'}: ${issue.message}` : 'invalid workflow' };
  }
  return { ok: true, document: parsed.data, migratedFrom: version === current ? null : version, normalized };
}

function fail(path: string, message: string): LoadResult {
  return { ok: false, error: new Error(message), path, message };
}
