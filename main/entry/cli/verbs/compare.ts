import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type Verb } from '../verb';
import type { StoredComparison } from '../../../review/comparison/comparison-store';
import type { CliIO } from '../verb';
import { printJson, withBackend } from './production-common';

export function printComparison(c: StoredComparison, io: CliIO): void {
  io.stdout(`Comparison ${c.id}: ${c.verdict.toUpperCase()} (${c.outputTypeKey}, legacy run ${c.legacyRunId} vs shadow run ${c.shadowRunId}${c.workflowId ? `, ${c.workflowId}@${c.workflowRevision}` : ''})\n`);
  for (const a of c.report.artifacts) {
    const px = a.pixels ? `, mean error ${a.pixels.meanError.toFixed(5)}, over threshold ${(a.pixels.overShare * 100).toFixed(2)} %` : '';
    io.stdout(`  ${a.name.padEnd(22)} ${a.verdict.padEnd(4)} ${a.sameHash ? 'same bytes' : 'bytes differ'}${px}\n`);
  }
  for (const r of c.report.records) io.stdout(`  ${r.field.padEnd(30)} ${r.same ? 'same' : `legacy ${JSON.stringify(r.legacy)} / shadow ${JSON.stringify(r.shadow)}`}\n`);
  for (const reason of c.report.reasons) io.stdout(`  reason: ${reason}\n`);
}

export const compareVerb: Verb = {
  name: 'compare',
  summary: 'Show the shadow comparison of a run (legacy or shadow side): per artifact, per record, the verdict and its reasons.',
  usage: 'lightbox compare RUN_ID [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print the stored comparison as JSON'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one run id');
    return withBackend(values, 'compare', io, async (backend, json) => {
      const comparison = backend.production.comparisons.ofRun(positionals[0] as string);
      if (!comparison) {
        if (json) printJson(io, { error: { code: 'not_found', message: `run ${positionals[0]} has no shadow comparison`, path: 'runId' } });
        else io.stderr(`lightbox compare: run ${positionals[0]} has no shadow comparison\n`);
        return EXIT_FAILED;
      }
      if (json) printJson(io, comparison);
      else printComparison(comparison, io);
      return comparison.verdict === 'fail' ? EXIT_FAILED : EXIT_OK;
    });
  },
};
