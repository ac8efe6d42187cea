import fs from 'node:fs';
import { createNodeRegistry } from '../../../catalog/nodes/registry';
import { mergeWorkflows, resolveConflicts, type MergeResult, type Side } from '../../../catalog/workflows/merge/merge-workflows';
import { validateWorkflow } from '../../../../shared/workflow/validate';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Verb } from '../verb';
import { NODE_RUNTIMES } from '../../../nodes/executors';
import { NODE_SPECS } from '../../../nodes/specs';

const NAME = 'lightbox workflow merge';

/** A file's workflow document, or null after saying on stderr what is wrong with it, by file and path. */
function readDocument(file: string, role: string, io: CliIO, catalog: ReturnType<typeof createNodeRegistry>): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    io.stderr(`${NAME}: cannot read ${role} ${file}: ${why}\n`);
    return null;
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    io.stderr(`${NAME}: ${role} ${file} is not JSON: ${(error as Error).message}\n`);
    return null;
  }
  // Only valid documents are merged (a store never holds another), so a merge's findings are its own.
  const errors = validateWorkflow(input, catalog).problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    io.stderr(`${NAME}: ${role} ${file} is not a valid workflow:\n${errors.map((p) => `  ${p.path || '(document)'}: ${p.message}\n`).join('')}`);
    return null;
  }
  return input;
}

/** `ID=mine` / `ID=theirs` (the id may itself hold "="): the last "=" splits. */
function parseTakes(values: string[]): Map<string, Side> {
  const takes = new Map<string, Side>();
  for (const value of values) {
    const at = value.lastIndexOf('=');
    const [id, side] = [value.slice(0, at), value.slice(at + 1)];
    if (at <= 0 || (side !== 'mine' && side !== 'theirs')) throw new UsageError(`--take wants CONFLICT_ID=mine or CONFLICT_ID=theirs, got "${value}"`);
    takes.set(id, side);
  }
  return takes;
}

export const workflowMergeVerb: Verb = {
  name: 'workflow merge',
  summary: 'Three-way merge of workflow files per node, edge, setting and parameter; print the result and every conflict.',
  usage: 'lightbox workflow merge BASE MINE THEIRS [--json] [--take CONFLICT_ID=mine|theirs ...]',
  optionHelp: [
    ['--json', 'print {merged, conflicts, problems, valid} as JSON; otherwise the merged document on stdout and the conflicts on stderr'],
    ['--take ID=SIDE', 'resolve a conflict by its id with mine or theirs (repeatable; also for conflicts a choice brings up)'],
  ],
  options: { json: { type: 'boolean' }, take: { type: 'string', multiple: true } },
  async run(values, positionals, io) {
    if (positionals.length !== 3) throw new UsageError(`name three workflow files, BASE MINE THEIRS; got ${positionals.length}`);
    const takes = parseTakes((values.take as unknown as string[] | undefined) ?? []);
    const catalog = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
    const [baseFile, mineFile, theirsFile] = positionals as [string, string, string];
    const docs = [readDocument(baseFile, 'BASE', io, catalog), readDocument(mineFile, 'MINE', io, catalog), readDocument(theirsFile, 'THEIRS', io, catalog)];
    if (docs.some((d) => d === null)) return EXIT_USAGE;

    let result: MergeResult = mergeWorkflows(docs[0], docs[1], docs[2], catalog);
    // A choice can bring up a follow-up conflict the same --take list may answer: apply until none applies.
    const pending = new Map(takes);
    for (;;) {
      const now = result.conflicts.filter((c) => pending.has(c.id));
      if (now.length === 0) break;
      result = resolveConflicts(result, Object.fromEntries(now.map((c) => [c.id, pending.get(c.id) as Side])), catalog);
      for (const c of now) pending.delete(c.id);
    }
    if (pending.size > 0) {
      io.stderr(`${NAME}: --take names no conflict of this merge: ${[...pending.keys()].map((id) => `"${id}"`).join(', ')}\n`);
      return EXIT_USAGE;
    }

    const errors = result.problems.filter((p) => p.severity === 'error');
    if (values.json) {
      io.stdout(`${JSON.stringify({ merged: result.merged, conflicts: result.conflicts, problems: result.problems, valid: result.valid }, null, 2)}\n`);
    } else {
      io.stdout(`${JSON.stringify(result.merged, null, 2)}\n`);
      for (const c of result.conflicts) io.stderr(`conflict ${c.id}: ${c.message}\n`);
      for (const p of errors) io.stderr(`error ${p.code} ${p.path || '(document)'}: ${p.message}\n`);
      const n = result.conflicts.length;
      io.stderr(
        n === 0 && errors.length === 0
          ? 'merged with no conflicts; the result validates\n'
          : `${n} conflict${n === 1 ? '' : 's'} (left at mine in the output; choose with --take ID=mine|theirs)${errors.length ? `, ${errors.length} validation error${errors.length === 1 ? '' : 's'}` : ''}\n`,
      );
    }
    return result.valid ? EXIT_OK : EXIT_FAILED;
  },
};
