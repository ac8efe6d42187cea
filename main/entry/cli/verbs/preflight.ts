import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, type Verb } from '../verb';
import type { PreflightReport } from '../../../../shared/preflight/report';

export const preflightVerb: Verb = {
  name: 'preflight',
  summary: 'Check Blender, its headless engines, ffmpeg, disk and the data directory.',
  usage: 'lightbox preflight [--data-dir DIR] [--json]',
  optionHelp: [dataDirHelp, ['--json', 'print the whole report as JSON']],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    try {
      const report = await backend.preflight.run();
      io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      return report.ok ? EXIT_OK : EXIT_FAILED;
    } finally {
      backend.close();
    }
  },
};

function formatReport(report: PreflightReport): string {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const lines = report.checks.map((check) => {
    const fix = check.fix && check.status !== 'ok' ? `\n         fix: ${check.fix}` : '';
    return `  [${mark[check.status]}] ${check.title}: ${check.detail}${fix}`;
  });
  const head = report.ok ? 'Lightbox preflight: ready' : 'Lightbox preflight: NOT ready';
  return `${head}\n${lines.join('\n')}\n`;
}
