import fs from 'node:fs';
import { LegacyImportFailure, type LegacyDocumentText } from '../../../catalog/legacy/legacy-service';
import { ApiFailure } from '../../../../shared/contract/errors';
import { EXIT_FAILED, EXIT_USAGE, UsageError, type CliIO } from '../verb';

/** Reads every named file; an unreadable one is a usage problem (exit 2), reported before anything runs. */
export function readLegacyFiles(files: string[], verb: string, io: CliIO): LegacyDocumentText[] | number {
  if (files.length === 0) throw new UsageError('name at least one legacy JSON file');
  const docs: LegacyDocumentText[] = [];
  let unreadable = false;
  for (const file of files) {
    try {
      docs.push({ fileName: file, text: fs.readFileSync(file, 'utf8') });
    } catch (error) {
      unreadable = true;
      io.stderr(`lightbox ${verb}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    }
  }
  return unreadable ? EXIT_USAGE : docs;
}

/** Expected refusals (invalid documents, invalid workflows) as text or as the contract's error data; exit 1. */
export function reportFailure(error: unknown, verb: string, json: boolean, io: CliIO): number {
  if (!(error instanceof ApiFailure)) throw error;
  if (json) {
    io.stdout(`${JSON.stringify({ error: error.toData() }, null, 2)}\n`);
    return EXIT_FAILED;
  }
  if (error instanceof LegacyImportFailure) {
    io.stderr(`lightbox ${verb}: nothing was imported; ${error.errors.length} problem${error.errors.length === 1 ? '' : 's'}:\n`);
    for (const e of error.errors) io.stderr(`  ${e.message}\n`);
  } else {
    io.stderr(`lightbox ${verb}: ${error.message}\n`);
    for (const p of error.problems ?? []) if (p.severity === 'error') io.stderr(`  ${p.path}: ${p.message}\n`);
  }
  return EXIT_FAILED;
}
