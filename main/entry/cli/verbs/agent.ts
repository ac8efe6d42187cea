import os from 'node:os';
import path from 'node:path';
import { findTool } from '../../../platform/tools/find-executable';
import { createAgentTokenStore } from '../../../platform/farm-tokens/agent-token-store';
import { AgentStartError, runRenderAgent } from '../../../execution/farm/agents/agent/render-agent';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIO, type Verb } from '../verb';
import { positiveInt, printJson, withBackend } from './production-common';
import { createAuditLog } from '../../../platform/people/audit-log';

export const agentVerb: Verb = {
  name: 'agent',
  summary: "Run a render agent: this machine's warm Blender processes as slots of a controller's farm (lightbox serve).",
  usage: 'lightbox agent --controller URL --token TOKEN [--slots N] [--threads N] [--work-dir DIR] [--ca FILE] [--idle-exit SECONDS] [--json]',
  optionHelp: [
    ['--controller URL', 'the controller (lightbox serve) to take work from, http:// or https://'],
    ['--token TOKEN', 'a render agent token (lightbox farm agent-token create); else LIGHTBOX_AGENT_TOKEN. Prefer the variable: a flag shows in the process list'],
    ['--slots N', 'Blender processes kept warm here (default 1)'],
    ['--threads N', 'render threads per Blender (default: the cores divided among the slots)'],
    ['--work-dir DIR', 'inputs cache and per-attempt folders (default ~/.cache/lightbox/agent)'],
    ['--ca FILE', "the controller's certificate authority (PEM), for a studio's own certificate"],
    ['--idle-exit SECONDS', 'stop after this long without work (Slurm pilots)'],
    ['--json', 'print one JSON line {agentId, controller, slots} once registered'],
  ],
  options: {
    controller: { type: 'string' },
    token: { type: 'string' },
    slots: { type: 'string' },
    threads: { type: 'string' },
    'work-dir': { type: 'string' },
    ca: { type: 'string' },
    'idle-exit': { type: 'string' },
    'slurm-job-id': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`agent takes no arguments, got "${positionals.join(' ')}"`);
    const controller = values.controller;
    if (typeof controller !== 'string' || controller === '') throw new UsageError('--controller URL is required');
    try {
      const url = new URL(controller);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new UsageError(`--controller must be an http:// or https:// URL, not "${controller}"`);
    }
    const token = (values.token as string | undefined) ?? io.env.LIGHTBOX_AGENT_TOKEN;
    if (!token) throw new UsageError('a render agent token is required: --token TOKEN or LIGHTBOX_AGENT_TOKEN');
    const slots = positiveInt(values.slots, '--slots') ?? 1;
    const threads = positiveInt(values.threads, '--threads') ?? Math.max(1, Math.floor(os.availableParallelism() / slots));
    const idleExit = positiveInt(values['idle-exit'], '--idle-exit', 0);
    const workDir = path.resolve((values['work-dir'] as string | undefined) ?? path.join(os.homedir(), '.cache', 'lightbox', 'agent'));
    const blender = await findTool('blender', null, io.env);
    if (!blender.found) {
      io.stderr(`lightbox agent: ${blender.problem} ${blender.fix}\n`);
      return EXIT_FAILED;
    }
    try {
      await runRenderAgent({
        controller,
        token,
        ca: values.ca as string | undefined,
        slots,
        threads,
        workDir,
        idleExitMs: idleExit === undefined ? undefined : idleExit * 1000,
        slurmJobId: (values['slurm-job-id'] as string | undefined) ?? null,
        blenderPath: blender.path,
        env: io.env,
        stop: io.stopSignal.then((signal) => io.stderr(`${signal}: draining\n`)),
        onRegistered: (info) => {
          if (values.json) io.stdout(`${JSON.stringify(info)}\n`);
          else io.stdout(`Render agent ${info.agentId} serving ${info.controller} with ${info.slots} slot(s)\n`);
        },
        say: (line) => io.stderr(`lightbox agent: ${line}\n`),
      });
    } catch (error) {
      if (error instanceof AgentStartError) {
        io.stderr(`lightbox agent: ${error.message}\n`);
        return EXIT_FAILED;
      }
      throw error;
    }
    return EXIT_OK;
  },
};

/** Who the audit log names for a change made at this machine's command line. */
const localWho = (io: CliIO) => `cli:${io.env.USER ?? io.env.USERNAME ?? 'unknown'}`;

export const agentTokenCreateVerb: Verb = {
  name: 'farm agent-token create',
  summary: 'Issue a render agent token for this farm and print it, once: only its hash is kept.',
  usage: 'lightbox farm agent-token create --name NAME [--expires-in SECONDS] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--name NAME', 'the agent it is for, as the farm status shows it (one active token per name)'],
    ['--expires-in SECONDS', 'a short-lived token (Slurm pilots): it stops working after this long'],
    ['--json', 'print {name, token, createdAt, expiresAt}'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, name: { type: 'string' }, 'expires-in': { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`agent-token create takes --name, not "${positionals.join(' ')}"`);
    if (typeof values.name !== 'string') throw new UsageError('--name NAME is required');
    const expiresIn = positiveInt(values['expires-in'], '--expires-in');
    return withBackend(values, 'farm agent-token create', io, async (backend, json) => {
      const { token, agentToken } = backend.db.transaction(() => {
        const made = createAgentTokenStore(backend.db).create(values.name as string, { expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null });
        createAuditLog(backend.db).record({ who: localWho(io), method: 'agents.issueToken', target: made.agentToken.name, outcome: 'allowed' });
        return made;
      })();
      if (json) io.stdout(`${JSON.stringify({ ...agentToken, token })}\n`);
      else io.stdout(`Render agent token for "${agentToken.name}", shown only this once:\n${token}\n`);
      return EXIT_OK;
    });
  },
};

export const agentTokenListVerb: Verb = {
  name: 'farm agent-token list',
  summary: 'Every render agent token: name, created, revoked, expires (tokens are never shown again).',
  usage: 'lightbox farm agent-token list [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print {tokens: [{name, createdAt, revokedAt, expiresAt}]}'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'farm agent-token list', io, async (backend, json) => {
      const tokens = createAgentTokenStore(backend.db).list();
      if (json) printJson(io, { tokens });
      else if (tokens.length === 0) io.stdout('No render agent tokens: lightbox farm agent-token create --name NAME\n');
      else for (const t of tokens) io.stdout(`${t.name.padEnd(24)} created ${t.createdAt}${t.revokedAt ? `  revoked ${t.revokedAt}` : ''}${t.expiresAt ? `  expires ${t.expiresAt}` : ''}\n`);
      return EXIT_OK;
    });
  },
};

export const agentTokenRevokeVerb: Verb = {
  name: 'farm agent-token revoke',
  summary: "Revoke a render agent's token: the agent's next request is refused.",
  usage: 'lightbox farm agent-token revoke NAME [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print {name, createdAt, revokedAt, expiresAt}'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the agent token to revoke' : `expected one name, got ${positionals.length}`);
    return withBackend(values, 'farm agent-token revoke', io, async (backend, json) => {
      const revoked = backend.db.transaction(() => {
        const done = createAgentTokenStore(backend.db).revoke(positionals[0] as string);
        createAuditLog(backend.db).record({ who: localWho(io), method: 'agents.revokeToken', target: done.name, outcome: 'allowed' });
        return done;
      })();
      if (json) io.stdout(`${JSON.stringify(revoked)}\n`);
      else io.stdout(`Render agent token "${revoked.name}" revoked at ${revoked.revokedAt}\n`);
      return EXIT_OK;
    });
  },
};
