import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, type CliIO, type Verb } from '../verb';
import type { LegacyMigrateResult } from '../../../catalog/legacy/legacy-service';
import { readLegacyFiles, reportFailure } from './legacy-common';

export const legacyMigrateVerb: Verb = {
  name: 'legacy migrate',
  summary: 'Import the given legacy files, then migrate them to workflows and invocation profiles, checking nothing is lost.',
  usage: 'lightbox legacy migrate FILE... [--verify] [--dry-run] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--verify', 'print every difference between the originals and the projection back; exit 1 if any'],
    ['--dry-run', 'compute and verify, store nothing (not even the import)'],
    ['--json', 'print the result as JSON (the legacy.migrate output, or the error)'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, verify: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  async run(values, positionals, io) {
    const docs = readLegacyFiles(positionals, 'legacy migrate', io);
    if (typeof docs === 'number') return docs;
    const json = values.json === true;
    const verify = values.verify === true;
    const dryRun = values['dry-run'] === true;
    // Only what these files define is migrated; a file that does not parse is refused by the import.
    const keys = [...new Set(docs.flatMap((d) => keyOf(d.text)))];
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    try {
      const result = backend.legacy.migrate({ documents: docs, keys, verify, dryRun });
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else printResult(result, verify, dryRun, io);
      return result.differences.length > 0 ? EXIT_FAILED : EXIT_OK;
    } catch (error) {
      return reportFailure(error, 'legacy migrate', json, io);
    } finally {
      backend.close();
    }
  },
};

function keyOf(text: string): string[] {
  try {
    const key = (JSON.parse(text.replace(/^\uFEFF/, '')) as { key?: unknown }).key;
    return typeof key === 'string' ? [key] : [];
  } catch {
    return [];
  }
}

function printResult(result: LegacyMigrateResult, verify: boolean, dryRun: boolean, io: CliIO): void {
  const lossy = result.differences.length > 0;
  if (dryRun) io.stdout('Dry run: nothing was stored.\n');
  else if (lossy) io.stdout('Nothing was stored: the migration would lose data.\n');
  io.stdout('Workflows:\n');
  for (const w of result.workflows) io.stdout(`  ${w.pipelineKey} -> ${w.workflowId} revision ${w.revision}\n`);
  if (result.outputTypes.length > 0) io.stdout('Output types:\n');
  for (const o of result.outputTypes) io.stdout(`  ${o.key} -> ${o.workflowId}@${o.workflowRevision} (pipeline ${o.pipelineKey})\n`);
  if (!lossy) {
    io.stdout(verify ? 'Verified: projecting back gives the originals, no differences.\n' : 'Verified: no differences.\n');
    return;
  }
  io.stdout(`${result.differences.length} difference${result.differences.length === 1 ? '' : 's'} between the originals and the projection back`);
  if (!verify) {
    io.stdout(' (run with --verify to list them).\n');
    return;
  }
  io.stdout(':\n');
  for (const d of result.differences) {
    io.stdout(`  ${d.kind} ${d.key} ${d.path}: legacy ${JSON.stringify(d.legacy) ?? 'absent'}, projected ${JSON.stringify(d.projected) ?? 'absent'}\n`);
  }
}
