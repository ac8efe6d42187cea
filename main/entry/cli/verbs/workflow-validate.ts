import fs from 'node:fs';
import { createNodeRegistry } from '../../../catalog/nodes/registry';
import { hasErrors } from '../../../../shared/workflow/problems';
import { validateWorkflow } from '../../../../shared/workflow/validate';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Verb } from '../verb';
import { NODE_RUNTIMES } from '../../../nodes/executors';
import { NODE_SPECS } from '../../../nodes/specs';

export const workflowValidateVerb: Verb = {
  name: 'workflow validate',
  summary: 'Check a workflow file against the schema and the node registry; print every problem.',
  usage: 'lightbox workflow validate FILE [--json] [--mode save|dispatch]',
  optionHelp: [
    ['--json', 'print {file, valid, problems} as JSON'],
    ['--mode MODE', 'save (default): what a save accepts; dispatch: what a run needs (executable nodes, an output)'],
  ],
  options: { json: { type: 'boolean' }, mode: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the workflow file to validate' : `expected one file, got ${positionals.length}`);
    const mode = values.mode ?? 'save';
    if (mode !== 'save' && mode !== 'dispatch') throw new UsageError(`--mode must be save or dispatch, got "${String(mode)}"`);
    const file = positionals[0] as string;

    // An unreadable file is a usage problem (exit 2), not an invalid workflow (exit 1).
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
      io.stderr(`lightbox workflow validate: cannot read ${file}: ${why}\n`);
      return EXIT_USAGE;
    }
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      io.stderr(`lightbox workflow validate: ${file} is not JSON: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }

    const { problems } = validateWorkflow(input, createNodeRegistry(NODE_SPECS, NODE_RUNTIMES), { mode });
    const valid = !hasErrors(problems);
    if (values.json) {
      io.stdout(`${JSON.stringify({ file, valid, problems }, null, 2)}\n`);
    } else {
      for (const p of problems) io.stdout(`${p.severity} ${p.code} ${p.path || '(document)'}: ${p.message}\n`);
      const count = (severity: string) => {
        const n = problems.filter((p) => p.severity === severity).length;
        return `${n} ${severity}${n === 1 ? '' : 's'}`;
      };
      io.stdout(`${file}: ${valid ? 'valid' : 'invalid'} (${mode}): ${count('error')}, ${count('warning')}\n`);
    }
    return valid ? EXIT_OK : EXIT_FAILED;
  },
};
