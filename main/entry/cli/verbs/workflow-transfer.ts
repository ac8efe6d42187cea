import fs from 'node:fs';
import path from 'node:path';
import { exportWorkflow, importWorkflow } from '../../../catalog/workflows/workflow-transfer';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, EXIT_USAGE, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

export const workflowExportVerb: Verb = {
  name: 'workflow export',
  summary: "Print a workflow's current document as JSON (what workflow import reads back).",
  usage: 'lightbox workflow export ID [--data-dir DIR]',
  optionHelp: [dataDirHelp],
  options: { ...dataDirOption },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the workflow id to export' : `expected one workflow id, got ${positionals.length}`);
    return withBackend(values, 'workflow export', io, async (backend) => {
      printJson(io, exportWorkflow(backend.workflows, positionals[0] as string));
      return EXIT_OK;
    });
  },
};

export const workflowImportVerb: Verb = {
  name: 'workflow import',
  summary: 'Save a workflow file as a new revision of the workflow it names (or a new workflow); refused with every problem if invalid; an identical document stores nothing.',
  usage: 'lightbox workflow import FILE [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print {workflowId, revision, revisionId, contentHash, stored, problems}; a refusal as {error}'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the workflow file to import' : `expected one file, got ${positionals.length}`);
    const file = positionals[0] as string;
    // An unreadable file or one that is not JSON is a usage problem (exit 2), reported before the data directory is opened.
    let input: unknown;
    try {
      input = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err instanceof SyntaxError ? `not JSON: ${err.message}` : err.message;
      io.stderr(`lightbox workflow import: cannot read ${file}: ${why}\n`);
      return EXIT_USAGE;
    }
    return withBackend(values, 'workflow import', io, async (backend, json) => {
      const imported = importWorkflow(backend.workflows, input, `imported from ${path.basename(file)}`);
      if (json) printJson(io, imported);
      else if (imported.stored) io.stdout(`${imported.workflowId}: saved as revision ${imported.revision} (${imported.revisionId.slice(0, 12)}, content ${imported.contentHash.slice(0, 12)})\n`);
      else io.stdout(`${imported.workflowId}: unchanged, identical to revision ${imported.revision} (content ${imported.contentHash.slice(0, 12)}); nothing stored\n`);
      return EXIT_OK;
    });
  },
};
