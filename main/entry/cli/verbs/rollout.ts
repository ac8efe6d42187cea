import { ExecutionModeSchema } from '../../../../shared/workflow/document';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';
import { ApiFailure } from '../../../../shared/contract/errors';
import { positiveInt, printJson, withBackend } from './production-common';

const pct = (r: { runs: number; failed: number; rate: number | null }) => (r.rate === null ? 'no runs' : `${(r.rate * 100).toFixed(1)} % of ${r.runs}`);

export const rolloutStatusVerb: Verb = {
  name: 'rollout status',
  summary: 'Per output type and workflow: the mode, the latest shadow verdict, graph and legacy error rates, and the log of mode changes.',
  usage: 'lightbox rollout status [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print the status as JSON (the rollout.status method)'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'rollout status', io, async (backend, json) => {
      const status = backend.production.rollout.status();
      if (json) printJson(io, status);
      else {
        io.stdout('Output types:\n');
        for (const o of status.outputTypes) {
          io.stdout(`  ${o.key.padEnd(28)} ${o.effectiveMode.padEnd(7)} ${o.ownMode ? '(own)     ' : '(workflow)'} shadow ${o.latestComparison?.verdict ?? '-'}${o.cleanPass ? ' (clean pass)' : ''}  errors: legacy ${pct(o.errorRates.legacy)}, graph ${pct(o.errorRates.graph)}\n`);
        }
        io.stdout('Workflows:\n');
        for (const w of status.workflows) io.stdout(`  ${w.id.padEnd(28)} ${w.mode.padEnd(7)} revision ${w.revision}  output types: ${w.outputTypes.join(', ') || '-'}\n`);
        if (status.changes.length > 0) io.stdout('Mode changes:\n');
        for (const c of status.changes) io.stdout(`  ${c.createdAt}  ${c.target} ${c.fromMode ?? '(inherited)'} → ${c.toMode}  by ${c.who}${c.override ? '  OVERRIDE' : ''}${c.reason ? `: ${c.reason}` : ''}\n`);
      }
      return EXIT_OK;
    });
  },
};

export const rolloutSetVerb: Verb = {
  name: 'rollout set',
  summary: 'Set the mode of an output type or a workflow (graph needs a clean shadow pass, or --override with --reason); takes effect on the next dispatch.',
  usage: 'lightbox rollout set OUTPUT_TYPE_OR_WORKFLOW --mode legacy|graph|shadow [--reason TEXT] [--override] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--mode MODE', 'legacy (roll back), shadow (observe), or graph'],
    ['--reason TEXT', 'why; recorded with the change (required with --override)'],
    ['--override', 'enable graph without a clean shadow pass (recorded as an override)'],
    ['--json', 'print the recorded change as JSON'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, mode: { type: 'string' }, reason: { type: 'string' }, override: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one output type key or workflow id');
    const mode = ExecutionModeSchema.safeParse(values.mode);
    if (!mode.success) throw new UsageError(`--mode must be legacy, graph or shadow${values.mode === undefined ? '' : `, not "${String(values.mode)}"`}`);
    return withBackend(values, 'rollout set', io, async (backend, json) => {
      const change = backend.production.rollout.set({
        target: positionals[0] as string,
        mode: mode.data,
        ...(typeof values.reason === 'string' ? { reason: values.reason } : {}),
        override: values.override === true,
      });
      if (json) printJson(io, change);
      else io.stdout(`${change.target}: ${change.fromMode ?? '(inherited)'} → ${change.toMode}${change.override ? ' (override)' : ''}; the next dispatch uses it.\n`);
      return EXIT_OK;
    });
  },
};

export const rolloutTryVerb: Verb = {
  name: 'rollout try',
  summary: "Try a workflow revision in shadow on an output type: its profile pins the revision, its mode becomes shadow (logged); approval and graph then apply to that revision.",
  usage: 'lightbox rollout try OUTPUT_TYPE --revision N [--workflow ID] [--reason TEXT] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--revision N', 'the workflow revision to try'],
    ['--workflow ID', "the workflow (default: the one the output type binds; another must be a compatible order_line workflow)"],
    ['--reason TEXT', 'why; recorded with the change'],
    ['--json', 'print the recorded change and the output type\'s rollout as JSON (the rollout.tryRevision method)'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, revision: { type: 'string' }, workflow: { type: 'string' }, reason: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one output type key');
    const revision = positiveInt(values.revision, '--revision');
    if (revision === undefined) throw new UsageError('--revision N is required: the workflow revision to try in shadow');
    const key = positionals[0] as string;
    return withBackend(values, 'rollout try', io, async (backend, json) => {
      const bound = backend.legacy.outputType(key)?.outputType?.profile.workflowId;
      const workflowId = typeof values.workflow === 'string' ? values.workflow : bound;
      if (!workflowId) throw new ApiFailure(backend.legacy.outputType(key) ? 'not_migrated' : 'not_found', backend.legacy.outputType(key) ? `output type "${key}" binds no workflow yet: migrate it first, or name one with --workflow` : `no output type "${key}"`, 'outputTypeKey');
      const tried = backend.production.rollout.tryRevision({ outputTypeKey: key, workflowId, revision, ...(typeof values.reason === 'string' ? { reason: values.reason } : {}) });
      if (json) printJson(io, tried);
      else {
        const c = tried.change;
        io.stdout(`${c.target}: ${c.fromMode ?? '(inherited)'} → ${c.toMode}, pinned to ${workflowId} revision ${revision}; the next dispatch observes it in shadow.\n`);
        io.stdout(`Graph: ${tried.outputType.graphBlockedBy ? `not yet (${tried.outputType.graphBlockedBy})` : 'allowed'}\n`);
      }
      return EXIT_OK;
    });
  },
};
