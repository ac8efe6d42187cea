import { ExecutionModeSchema } from '../../../../shared/workflow/document';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIO, type Verb } from '../verb';
import { runStillSmoke, SMOKE_ORDER_NAME, type SmokeResult } from '../../../review/golden/still-smoke';
import { printJson, withBackend } from './production-common';

export const testRenderPipelineVerb: Verb = {
  name: 'test-render-pipeline',
  summary: 'Smoke-test the render pipeline: provision the still smoke contract, run preflight, render its order line in a mode and judge it.',
  usage: 'lightbox test-render-pipeline --workflow-still-smoke --execution-mode legacy|graph|shadow [--json] [--data-dir DIR]',
  optionHelp: [
    ['--workflow-still-smoke', 'the suite: the sample CAD file as a small still through the migrated still workflow (required; the only suite)'],
    ['--execution-mode MODE', 'legacy, graph (fails when the graph falls back to legacy) or shadow (fails unless the comparison passes)'],
    ['--json', 'print the result as JSON: mode, order line, runs, media assets, notifications, comparison, ok'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, 'workflow-still-smoke': { type: 'boolean' }, 'execution-mode': { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values['workflow-still-smoke'] !== true) throw new UsageError('name the suite: --workflow-still-smoke (the only one)');
    const mode = ExecutionModeSchema.safeParse(values['execution-mode']);
    if (!mode.success) {
      throw new UsageError(`--execution-mode must be legacy, graph or shadow${values['execution-mode'] === undefined ? '' : `, not "${String(values['execution-mode'])}"`}`);
    }
    return withBackend(values, 'test-render-pipeline', io, async (backend, json) => {
      let lineId: string | null = null;
      void io.stopSignal.then(() => {
        if (lineId) backend.production.dispatcher.cancel(lineId);
      });
      const result = await runStillSmoke(backend, mode.data, { onStarted: (id) => (lineId = id) });
      if (json) printJson(io, result);
      else printSmoke(result, io);
      return result.ok ? EXIT_OK : EXIT_FAILED;
    });
  },
};

function printSmoke(r: SmokeResult, io: CliIO): void {
  const reuse = (created: boolean | null) => (created ? 'created' : 'reused');
  io.stdout(`Still smoke, ${r.mode} mode\n`);
  if (r.cadFile) io.stdout(`  CAD file     ${r.cadFile.id} ${r.cadFile.name} (${reuse(r.cadFile.created)})\n`);
  if (r.outputType) io.stdout(`  Output type  ${r.outputType.key} -> workflow ${r.outputType.workflowId}@${r.outputType.workflowRevision} (${r.migrated ? 'migrated now' : 'already migrated'}, verified)\n`);
  io.stdout(`  Preflight    ${r.preflight.ok ? 'ready' : 'NOT ready'}\n`);
  for (const c of r.preflight.blocking) io.stdout(`    [FAIL] ${c.title}: ${c.detail}${c.fix ? `\n           fix: ${c.fix}` : ''}\n`);
  if (r.orderId) io.stdout(`  Order        ${r.orderId} "${SMOKE_ORDER_NAME}" (${reuse(r.orderCreated)})\n`);
  if (r.orderLineId) io.stdout(`  Order line   ${r.orderLineId} (${reuse(r.lineCreated)}): ${r.lineStatus ?? '-'}${r.lineError ? ` (${r.lineError})` : ''}\n`);
  for (const run of r.runs) {
    const what = run.workflowId ? `workflow ${run.workflowId}@${run.workflowRevision ?? '?'}` : `legacy pipeline ${run.pipelineKey ?? '?'}`;
    io.stdout(`  Run ${run.id}: ${run.mode} ${run.role}${run.authoritative ? ' (the line\'s result)' : ''}, ${what}: ${run.status}${run.error ? ` (${run.failedStep ? `${run.failedStep}: ` : ''}${run.error})` : ''}\n`);
    for (const n of run.nodes) io.stdout(`    ${n.nodeId.padEnd(26)} ${n.status.padEnd(10)} ${n.durationMs ?? '-'} ms${n.error ? `  ${n.error}` : ''}\n`);
    if (run.fallbackReason) io.stdout(`    fell back to legacy: ${run.fallbackReason}\n`);
  }
  for (const a of r.assets) io.stdout(`  Media asset  ${a.id}: ${a.kind} ${a.file} (${a.width ?? '?'}×${a.height ?? '?'}, sha256 ${a.sha256.slice(0, 12)}…)\n`);
  for (const n of r.notifications) io.stdout(`  Notification ${n.channel} ${n.event}: ${n.state}\n`);
  if (r.comparison) {
    io.stdout(`  Shadow comparison ${r.comparison.id}: ${r.comparison.verdict}\n`);
    for (const reason of r.comparison.reasons) io.stdout(`    reason: ${reason}\n`);
  }
  for (const p of r.problems) io.stderr(`lightbox test-render-pipeline: ${p}\n`);
  io.stdout(r.ok ? `Still smoke (${r.mode}): ok\n` : `Still smoke (${r.mode}): FAILED\n`);
}
