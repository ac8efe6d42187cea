import { liveRegisteredPids } from '../../../execution/farm/pid-registry';
import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, type Verb } from '../verb';
import type { FarmStatus } from '../../../../shared/farm/status';

export const farmStatusVerb: Verb = {
  name: 'farm status',
  summary: 'Show the render farm: its Blender processes, its render agents and its queue.',
  usage: 'lightbox farm status [--json] [--data-dir DIR]',
  optionHelp: [dataDirHelp, ['--json', 'print the status as JSON (the same data as the farm.status method)']],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    try {
      // farm.status never starts the farm: this process shows the configured slots, idle.
      const status = backend.farm.status();
      if (values.json) {
        io.stdout(`${JSON.stringify(status, null, 2)}\n`);
        return EXIT_OK;
      }
      io.stdout(formatStatus(status, liveRegisteredPids(backend.dataDir)));
      return EXIT_OK;
    } finally {
      await backend.close();
    }
  },
};

function mib(bytes: number | null): string {
  return bytes === null ? '-' : `${Math.round(bytes / 1024 / 1024)} MiB`;
}

export function formatStatus(status: FarmStatus, elsewhere: number[] = []): string {
  const lines = [`Render farm: ${status.mode} mode, ${status.concurrency} process(es)${status.started ? '' : ', not started in this process'}`];
  lines.push('Processes:');
  for (const p of status.processes) {
    lines.push(`  slot ${p.slot}  ${p.state.padEnd(8)}  pid ${p.pid ?? '-'}  jobs ${p.jobsDone}  rss ${mib(p.rssBytes)}${p.taskId ? `  task ${p.taskId}` : ''}`);
  }
  if (elsewhere.length > 0) lines.push(`  running in another Lightbox process on this data directory: pid ${elsewhere.join(', ')}`);
  if (status.agents.length > 0) lines.push('Render agents:');
  for (const a of status.agents) {
    const what = a.kind === 'pilot' ? `pilot (Slurm job ${a.slurmJobId ?? '?'})` : 'agent';
    lines.push(`  ${a.name}  ${a.state.padEnd(8)}  ${what} on ${a.host}  busy ${a.busy}/${a.slots}  Blender ${a.blenderVersion ?? '?'}  tasks ${a.tasksDone}  last seen ${a.lastSeen}${a.blocklisted.length ? `  not given: ${a.blocklisted.join(', ')}` : ''}`);
  }
  lines.push(status.tasks.length === 0 ? 'Queue: empty' : 'Queue:');
  for (const t of status.tasks) {
    const last = t.attempts.at(-1);
    const where = last ? `  attempt ${t.attempts.length} on slot ${last.slot}` : '';
    lines.push(`  ${t.id}  ${t.state.padEnd(9)}  ${String(Math.round(t.progress * 100)).padStart(3)}%  p${t.priority}  ${t.label}${where}${last?.error ? `  (${last.error})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
