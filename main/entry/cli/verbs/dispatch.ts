import { ExecutionModeSchema } from '../../../../shared/workflow/document';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type Verb } from '../verb';
import { draftFromFlags, draftHelp, draftOptions, printJson, withBackend } from './production-common';
import { printComparison } from './compare';

/** How long the CLI gives the outbox to deliver before it exits (undelivered ones stay pending). */
const NOTIFY_FLUSH_MS = 5000;

export const dispatchVerb: Verb = {
  name: 'dispatch',
  summary: 'Render an order line through its output type and print the run, media assets, notifications and render log.',
  usage: 'lightbox dispatch ORDER_LINE_ID [--mode legacy] [--max-size PX] [--samples N] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--mode MODE', 'legacy, graph or shadow for this dispatch (default: the output type\'s mode, else its workflow\'s, else legacy)'],
    ...draftHelp,
    ['--json', 'print the outcome (or the error) as JSON'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, mode: { type: 'string' }, ...draftOptions },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one order line id');
    const mode = values.mode === undefined ? undefined : ExecutionModeSchema.safeParse(values.mode);
    if (mode && !mode.success) throw new UsageError(`--mode must be legacy, graph or shadow, not "${String(values.mode)}"`);
    const draft = draftFromFlags(values);
    return withBackend(values, 'dispatch', io, async (backend, json) => {
      const { production } = backend;
      const started = production.dispatcher.start(positionals[0] as string, { mode: mode?.data, draft });
      const stop = () => production.dispatcher.cancel(started.orderLineId);
      void io.stopSignal.then(stop);
      let outcome = await started.done;
      // One bounded delivery round, so a reachable webhook is told before this process exits.
      await production.outbox.flush(NOTIFY_FLUSH_MS);
      outcome = { ...outcome, notifications: production.outbox.list({ orderLineId: started.orderLineId }).filter((n) => n.runId === outcome.run.id) };
      // Every run of this attempt: a graph run that fell back, a shadow observer.
      const attemptRuns = production.runs.ofOrderLine(started.orderLineId).filter((r) => r.attempt === outcome.run.attempt);
      const comparison = production.comparisons.ofRun(outcome.run.id) ?? null;
      if (json) printJson(io, { alreadyDone: started.alreadyDone, ...outcome, runs: attemptRuns, comparison });
      else {
        const { run, line } = outcome;
        io.stdout(`Order line ${line.id}: ${line.status} (attempt ${run.attempt}, ${run.mode} mode${started.alreadyDone ? ', already done before' : ''})\n`);
        for (const n of run.nodes) io.stdout(`  ${n.nodeId.padEnd(26)} ${n.status.padEnd(10)} ${n.durationMs ?? '-'} ms${n.error ? `  ${n.error}` : ''}\n`);
        for (const a of outcome.assets) io.stdout(`Media asset ${a.id}: ${a.kind} ${a.file} (${a.width ?? '?'}×${a.height ?? '?'}, sha256 ${a.sha256.slice(0, 12)}…)\n`);
        for (const n of outcome.notifications) io.stdout(`Notification ${n.channel} ${n.event}: ${n.state}${n.lastError ? ` (${n.lastError})` : ''}\n`);
        for (const l of outcome.renderLogs)
          io.stdout(`Render log: ${l.engine} ${l.samples} samples ${l.width}×${l.height}, frames ${l.frameStart ?? '-'}–${l.frameEnd ?? '-'}, Blender ${l.blenderVersion ?? '?'}, ${l.status}, exit ${l.exitCode ?? '-'}, ${l.durationMs} ms\n`);
        if (run.error) io.stderr(`lightbox dispatch: ${run.failedStep ? `${run.failedStep}: ` : ''}${run.error}\n`);
        for (const r of attemptRuns.filter((x) => x.fallbackReason)) io.stdout(`Graph run ${r.id} fell back to legacy: ${r.fallbackReason}\n`);
        const shadowRun = attemptRuns.find((r) => r.role === 'shadow');
        if (shadowRun) io.stdout(`Shadow run ${shadowRun.id}: ${shadowRun.status}${shadowRun.error ? ` (${shadowRun.error})` : ''}\n`);
        if (comparison) printComparison(comparison, io);
      }
      return outcome.line.status === 'succeeded' ? EXIT_OK : EXIT_FAILED;
    });
  },
};
