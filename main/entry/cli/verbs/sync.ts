import { ServerUnreachable } from '../../../platform/transport/http-client';
import { httpHub, hubAddress, hubKey } from '../../../production/sync/http-hub';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

export const syncVerb: Verb = {
  name: 'sync',
  summary: "Push this workstation's workflow revisions to the hub and pull the hub's; merges where both changed, conflicts wait for sync resolve.",
  usage: 'lightbox sync --hub URL --token TOKEN [--data-dir DIR] [--json]',
  optionHelp: [
    ['--hub URL', "the hub's address, as lightbox hub printed it"],
    ['--token TOKEN', 'your token from lightbox users add (or set LIGHTBOX_HUB_TOKEN, which keeps it out of the process list)'],
    ['--json', 'print {pushed, pulled, conflicts, refused, merged}; a hub that cannot be reached as {error, pending}'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, hub: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const hub = values.hub;
    if (typeof hub !== 'string' || hub.trim() === '') throw new UsageError('name the hub with --hub URL');
    let hubUrl: URL;
    try {
      hubUrl = hubAddress(hub);
    } catch {
      throw new UsageError(`--hub must be an http or https URL like https://hub.studio:7420, not "${hub}"`);
    }
    const token = typeof values.token === 'string' ? values.token : io.env.LIGHTBOX_HUB_TOKEN;
    if (!token) throw new UsageError('give your hub token with --token TOKEN or LIGHTBOX_HUB_TOKEN');
    const url = hubKey(hubUrl);
    return withBackend(values, 'sync', io, async (backend, json) => {
      try {
        const result = await backend.sync.run(httpHub(url, token), url);
        if (json) printJson(io, result);
        else {
          io.stdout(`pushed ${result.pushed}, pulled ${result.pulled}, ${result.conflicts} conflict${result.conflicts === 1 ? '' : 's'}${result.merged.length ? `; merged ${result.merged.join(', ')}` : ''}\n`);
          if (result.conflicts > 0) io.stdout('see them with: lightbox sync conflicts; choose with: lightbox sync resolve ID --take mine|theirs\n');
        }
        for (const r of result.refused) io.stderr(`refused ${r.record ?? `${r.workflowId} ${r.revisionId.slice(0, 12)}`} (${r.code}) at ${r.path}: ${r.message}\n`);
        return result.refused.length > 0 ? EXIT_FAILED : EXIT_OK;
      } catch (error) {
        if (!(error instanceof ServerUnreachable)) throw error;
        // Nothing was lost: the outbox is the history itself, measured from the last sync.
        const pending = backend.sync.pendingFor(url);
        const message = `the hub could not be reached: ${error.message}; ${pending} local change${pending === 1 ? '' : 's'} wait${pending === 1 ? 's' : ''} and will be pushed at the next sync`;
        if (json) printJson(io, { error: { code: 'hub_unreachable', message, path: 'hub' }, pending });
        else io.stderr(`lightbox sync: ${message}\n`);
        return EXIT_FAILED;
      }
    });
  },
};

export const syncConflictsVerb: Verb = {
  name: 'sync conflicts',
  summary: 'List the open conflicts of merges made by sync: workflow, node, setting, base/mine/theirs.',
  usage: 'lightbox sync conflicts [--data-dir DIR] [--json]',
  optionHelp: [['--json', 'print {conflicts: [{id, workflowId, nodeId, setting, base, mine, theirs, message, take}]}'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    return withBackend(values, 'sync conflicts', io, async (backend, json) => {
      const conflicts = backend.sync.conflicts();
      if (json) printJson(io, { conflicts });
      else if (conflicts.length === 0) io.stdout('no open conflicts\n');
      else {
        for (const c of conflicts) {
          const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
          io.stdout(`${c.id}${c.take ? `  [chosen: ${c.take}]` : ''}\n  ${c.message}\n  base ${show(c.base)} | mine ${show(c.mine)} | theirs ${show(c.theirs)}\n`);
        }
      }
      return EXIT_OK;
    });
  },
};

export const syncResolveVerb: Verb = {
  name: 'sync resolve',
  summary: "Choose mine or theirs for a sync conflict; once a workflow's conflicts all have a choice its merge is validated and saved (pushed at the next sync).",
  usage: 'lightbox sync resolve CONFLICT_ID --take mine|theirs [--data-dir DIR] [--json]',
  optionHelp: [
    ['--take SIDE', 'mine (this workstation) or theirs (the hub)'],
    ['--json', 'print {workflowId, open, saved}'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, take: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the conflict (an id from lightbox sync conflicts)' : `expected one conflict id, got ${positionals.length}`);
    const take = values.take;
    if (take !== 'mine' && take !== 'theirs') throw new UsageError(`--take must be mine or theirs, not ${take === undefined ? 'missing' : `"${String(take)}"`}`);
    return withBackend(values, 'sync resolve', io, async (backend, json) => {
      const result = backend.sync.resolve(positionals[0] as string, take);
      if (json) printJson(io, result);
      else if (result.saved) io.stdout(`${result.workflowId}: merged and saved as revision ${result.saved.revision} (${result.saved.revisionId.slice(0, 12)}); it goes to the hub at the next sync\n`);
      else io.stdout(`${result.workflowId}: choice recorded; ${result.open.length} conflict${result.open.length === 1 ? '' : 's'} still open\n`);
      return EXIT_OK;
    });
  },
};
