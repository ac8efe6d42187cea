import fs from 'node:fs';
import path from 'node:path';
import type { CadFile } from '../../../shared/cad/api';
import { ApiFailure } from '../../../shared/contract/errors';
import type { Studio } from './studio';
import type { LegacyDocumentText, LegacyImportResult, LegacyMigrateResult } from '../../catalog/legacy/legacy-service';
import { parseLegacyDocument } from '../../catalog/legacy/parse';
import { stableJson } from '../../execution/runtime/node-cache';

/** A legacy document read from a shipped folder, parsed once. */
export interface BundledDocument extends LegacyDocumentText {
  kind: 'render_preset' | 'preset_workflow';
  key: string;
  document: unknown;
}

/** Every legacy document (`*.json`) of a shipped folder, sorted by file name; a broken one is a build bug. */
export function readLegacyBundle(dir: string): BundledDocument[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const fileName = path.join(dir, f);
      const text = fs.readFileSync(fileName, 'utf8');
      const parsed = parseLegacyDocument(fileName, text);
      if (!parsed.ok) throw new Error(`shipped legacy document is invalid: ${parsed.errors.map((e) => e.message).join('; ')}`);
      return { fileName, text, kind: parsed.kind, key: parsed.document.key, document: parsed.document };
    });
}

export interface ProvisionedLegacy {
  imported: LegacyImportResult['imported'];
  /** The verified migration (a dry run when everything was already migrated: nothing stored again). */
  migration: LegacyMigrateResult;
  /** false: the stored profiles and workflows were already what migration gives, and were left alone. */
  migrated: boolean;
}

export interface ProvisionOptions {
  /**
   * Refuse (exit 1) rather than replace a preset or preset workflow of the same key whose content
   * differs: the suite's documents carry keys a studio may use for its own.
   */
  refuseChanged: boolean;
}

/**
 * Imports the documents and migrates them with verification, idempotently: an unchanged import
 * stores nothing; when the stored workflows and output type profiles are already what migration
 * gives, nothing is saved again (so no new workflow revision, and a rollout mode set on an output
 * type is kept). A lossy migration stores nothing and is refused with every difference.
 */
export function provisionLegacy(backend: Studio, documents: BundledDocument[], options: ProvisionOptions): ProvisionedLegacy {
  const { legacy, workflows } = backend;
  if (options.refuseChanged) {
    const conflicts: string[] = [];
    for (const doc of documents) {
      if (doc.kind === 'render_preset') {
        const stored = legacy.outputType(doc.key);
        if (stored && !stored.legacy) conflicts.push(`output type "${doc.key}" exists and is not a legacy render preset`);
        else if (stored?.legacy && stableJson(stored.legacy) !== stableJson(doc.document)) conflicts.push(`render preset "${doc.key}" is stored with other content`);
      } else {
        const stored = legacy.listPipelines().some((p) => p.key === doc.key) ? legacy.pipeline(doc.key) : undefined;
        if (stored && stableJson(stored) !== stableJson(doc.document)) conflicts.push(`preset workflow "${doc.key}" is stored with other content`);
      }
    }
    if (conflicts.length > 0) {
      throw new ApiFailure(
        'conflict',
        `this data directory already has documents of the same keys that differ from the shipped ones; nothing was changed (use another --data-dir):\n${conflicts.map((c) => `  ${c}`).join('\n')}`,
        'dataDir',
      );
    }
  }
  const { imported } = legacy.import(documents.map(({ fileName, text }) => ({ fileName, text })));
  const keys = documents.map((d) => d.key);
  const lossy = (result: LegacyMigrateResult) =>
    new ApiFailure(
      'legacy_migration_lossy',
      `the migration would lose data, so nothing was migrated:\n${result.differences.map((d) => `  ${d.kind} ${d.key} ${d.path}: legacy ${JSON.stringify(d.legacy) ?? 'absent'}, projected ${JSON.stringify(d.projected) ?? 'absent'}`).join('\n')}`,
      'keys',
    );
  const dry = legacy.migrate({ keys, verify: true, dryRun: true });
  if (dry.differences.length > 0) throw lossy(dry);
  const latest = (id: string): number | null => {
    try {
      return workflows.get(id).revision;
    } catch {
      return null;
    }
  };
  const upToDate =
    dry.workflows.every((w) => latest(w.workflowId) === w.revision) &&
    dry.outputTypes.every((o) => {
      const profile = legacy.outputType(o.key)?.outputType?.profile;
      return profile?.workflowId === o.workflowId && profile.workflowRevision === o.workflowRevision;
    });
  if (upToDate) return { imported, migration: dry, migrated: false };
  const migration = legacy.migrate({ keys, verify: true });
  if (migration.differences.length > 0) throw lossy(migration);
  return { imported, migration, migrated: true };
}

/** Adds a CAD file to the library (deduplicated by content) and waits for its ingest; refused when it fails. */
export async function provisionCadFile(backend: Studio, file: string): Promise<{ cadFile: CadFile; created: boolean }> {
  const imported = await backend.production.cad.importFile(file);
  const cadFile = await imported.done;
  if (cadFile.status !== 'ready') throw new ApiFailure('cad_ingest_failed', `${cadFile.name}: ingest failed: ${cadFile.error ?? 'unknown error'}`, 'cad');
  return { cadFile, created: imported.created };
}
