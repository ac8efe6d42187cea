import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIO, type Verb } from '../verb';
import { DEFAULT_GOLDEN_DRAFT, runGoldenSuite, type GoldenCase } from '../../../review/golden/golden-suite';
import { draftFromFlags, draftOptions, positiveInt, printJson, withBackend } from './production-common';

export const goldenVerb: Verb = {
  name: 'golden',
  summary: 'Run the golden parity suite: each example preset on two CAx-IF parts, legacy against the migrated graph (shadow), per parity field.',
  usage: 'lightbox golden [--json] [--max-size PX] [--samples N] [--concurrency N] [--data-dir DIR]',
  optionHelp: [
    ['--max-size PX', `draft: cap the longer side of every render, the same on both sides (default ${DEFAULT_GOLDEN_DRAFT.maxSize})`],
    ['--samples N', `draft: render samples, the same on both sides (default ${DEFAULT_GOLDEN_DRAFT.samples})`],
    ['--concurrency N', 'cases dispatched at once (default 1; they share the render farm)'],
    ['--json', 'print { cases: [{ name, outputType, cadFile, verdict, fields, reasons }], passed, failed, ok }'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, ...draftOptions, concurrency: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const flags = draftFromFlags(values);
    const maxSize = flags.maxSize ?? DEFAULT_GOLDEN_DRAFT.maxSize;
    const samples = flags.samples ?? DEFAULT_GOLDEN_DRAFT.samples;
    const concurrency = positiveInt(values.concurrency, '--concurrency') ?? 1;
    return withBackend(values, 'golden', io, async (backend, json) => {
      const report = await runGoldenSuite(backend, {
        draft: { maxSize, samples },
        concurrency,
        stopSignal: io.stopSignal,
        onCase: json ? undefined : (c) => printCase(c, io),
      });
      if (json) printJson(io, report);
      else io.stdout(`Golden suite (draft ${maxSize} px, ${samples} samples, order ${report.orderId}): ${report.passed} passed, ${report.failed} failed${report.ok ? '' : ' — NOT all cases pass'}\n`);
      return report.ok ? EXIT_OK : EXIT_FAILED;
    });
  },
};

function printCase(c: GoldenCase, io: CliIO): void {
  io.stdout(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}  (${c.outputType}, ${c.cadFile}, verdict ${c.verdict ?? 'none'}, ${(c.durationMs / 1000).toFixed(1)} s)\n`);
  for (const f of c.fields) io.stdout(`        ${f.same ? 'same  ' : 'DIFFER'}  ${f.field}${f.detail ? `: ${f.detail}` : f.same ? '' : `: legacy ${JSON.stringify(f.legacy)} / shadow ${JSON.stringify(f.shadow)}`}\n`);
  for (const r of c.reasons) io.stdout(`        reason: ${r}\n`);
}
