import crypto from 'node:crypto';
import path from 'node:path';
import { createSlurmRestClient, pilotStateOf, type SlurmRestClient } from './rest-client';
import { lightboxAgentCommand, pilotScript, type PilotCommandInput, type ScriptWord } from './pilot-job';
import type { SlurmSettings } from './settings';
import type { PilotView } from '../../../../shared/farm/slurm';

/**
 * Submits pilot jobs to Slurm while the farm has more queued tasks than slots to run them (the
 * pattern of dask-jobqueue): each pilot is a `lightbox agent` that connects back with a
 * short-lived token, serves tasks and exits when idle for the set time, freeing its allocation.
 * Slurm owns allocation and node failure; the farm owns tasks and leases, so cancelling a run
 * never touches pilots, and a pilot lost with its node is simply replaced while work remains:
 * one Slurm requeued is cancelled (22.05's REST API cannot submit without requeue, and a requeued
 * pilot would wait minutes to start again with an old token). Pilots are kept in memory: one the controller forgot in
 * a restart idles out by itself, its token expiring with it.
 */
export type { PilotState, PilotView } from '../../../../shared/farm/slurm';

export interface FarmDemand {
  /** Tasks waiting for a slot. */
  queued: number;
  /** Slots free now (local and agents). */
  freeSlots: number;
  /** The farm's agents: a pilot whose agent registered (with --slurm-job-id) no longer counts as coming. */
  agents?: { id: string; slurmJobId: string | null }[];
}

/** What a farm status (shared/farm/status) says about demand: the fields read, nothing more. */
export interface FarmStatusLike {
  processes: { state: string }[];
  tasks: { state: string; probe?: boolean }[];
  agents?: { id: string; state: string; slots: number; busy: number; slurmJobId: string | null }[];
}

export function demandFromStatus(status: FarmStatusLike): FarmDemand {
  const queued = status.tasks.filter((t) => (t.state === 'queued' || t.state === 'retrying') && !t.probe).length;
  const agents = status.agents ?? [];
  const freeSlots = status.processes.filter((p) => p.state === 'idle').length + agents.filter((a) => a.state === 'online').reduce((n, a) => n + Math.max(0, a.slots - a.busy), 0);
  return { queued, freeSlots, agents: agents.map((a) => ({ id: a.id, slurmJobId: a.slurmJobId })) };
}

export interface PilotToken {
  token: string;
  /** Called once the pilot has ended, to retire its token early. */
  revoke?: () => void;
}

export interface PilotManagerOptions {
  settings: SlurmSettings;
  demand: () => FarmDemand | Promise<FarmDemand>;
  /** A short-lived agent token named for the pilot (the farm's token store). */
  issueToken: (pilotName: string, lifetimeSeconds: number) => PilotToken | Promise<PilotToken>;
  /** The pilot's command; by default `lightbox agent …` from the settings. */
  buildCommand?: (input: PilotCommandInput) => ScriptWord[];
  client?: SlurmRestClient;
  /** How often demand and the pilots' Slurm states are looked at. */
  pollMs?: number;
  onChange?: (pilots: PilotView[]) => void;
  /** Problems talking to Slurm; they are retried at the next poll. */
  onError?: (error: Error) => void;
}

export interface PilotManager {
  pilots(): PilotView[];
  /** Looks at demand and Slurm once (the poll does this on its own; tests call it to step). */
  tick(): Promise<void>;
  /** The farm tells which agent a pilot became (its agent registered with --slurm-job-id). */
  markRegistered(slurmJobId: number, agentId: string): void;
  /** Stops polling and cancels the pilots still pending; running ones finish and idle out. */
  close(): Promise<void>;
}

interface Pilot {
  view: PilotView;
  revoke?: () => void;
}

export function createPilotManager(options: PilotManagerOptions): PilotManager {
  const { settings } = options;
  const client =
    options.client ??
    createSlurmRestClient(settings.socketPath !== undefined ? { socketPath: settings.socketPath } : { url: settings.url as string }, settings.auth);
  const buildCommand = options.buildCommand ?? lightboxAgentCommand;
  const pilots = new Map<number, Pilot>();
  let closed = false;
  let running: Promise<void> | null = null;

  const views = () => [...pilots.values()].map((p) => ({ ...p.view }));
  const changed = () => options.onChange?.(views());
  const active = () => [...pilots.values()].filter((p) => p.view.state !== 'ended');

  async function refresh(): Promise<boolean> {
    let any = false;
    for (const pilot of active()) {
      let job = await client.getJob(pilot.view.slurmJobId);
      if (job && job.restartCount > 0 && pilotStateOf(job.state) !== 'ended') {
        await client.cancelJob(job.jobId);
        job = await client.getJob(job.jobId);
      }
      const slurmState = job?.state ?? 'PURGED';
      const state = job ? pilotStateOf(job.state) : 'ended';
      const node = job?.nodes ? job.nodes : pilot.view.node;
      const reason = job && job.restartCount > 0 ? `requeued by Slurm after its node failed (${job.reason}); cancelled` : (job?.reason ?? '');
      if (slurmState === pilot.view.slurmState && node === pilot.view.node && reason === pilot.view.reason) continue;
      pilot.view = { ...pilot.view, state, slurmState, reason, node };
      if (state === 'ended') {
        pilot.view.endedAt = new Date().toISOString();
        pilot.revoke?.();
      }
      any = true;
    }
    return any;
  }

  async function submitOne(): Promise<void> {
    const name = `slurm-pilot-${crypto.randomBytes(4).toString('hex')}`;
    // The token outlives the longest a pilot may run; a pilot still pending then is cancelled at close.
    const { token, revoke } = await options.issueToken(name, settings.timeLimitMinutes * 60 + 3600);
    const slots = settings.slotsPerPilot;
    const command = buildCommand({
      command: settings.command,
      controllerUrl: settings.controllerUrl,
      slots,
      threads: Math.max(1, Math.floor(settings.coresPerPilot / slots)),
      idleExitSeconds: settings.idleTimeoutSeconds,
    });
    let jobId: number;
    try {
      jobId = await client.submitJob({
        name,
        script: pilotScript(command),
        partition: settings.partition,
        account: settings.account,
        constraints: settings.constraint,
        cpusPerTask: settings.coresPerPilot,
        memoryMb: settings.memoryMbPerPilot,
        timeLimitMinutes: settings.timeLimitMinutes,
        workDir: settings.workDir,
        standardOutput: path.join(settings.workDir, `${name}-%j.log`),
        environment: { PATH: '/usr/local/bin:/usr/bin:/bin', ...settings.environment, LIGHTBOX_AGENT_TOKEN: token },
        requeue: false,
      });
    } catch (error) {
      revoke?.();
      throw error;
    }
    pilots.set(jobId, {
      revoke,
      view: { name, slurmJobId: jobId, state: 'pending', slurmState: 'PENDING', reason: '', node: null, slots, agentId: null, submittedAt: new Date().toISOString(), endedAt: null },
    });
  }

  async function step(): Promise<void> {
    let any = await refresh();
    if (!closed) {
      const { queued, freeSlots, agents = [] } = await options.demand();
      for (const agent of agents) {
        const pilot = agent.slurmJobId === null ? undefined : pilots.get(Number(agent.slurmJobId));
        if (pilot && pilot.view.agentId !== agent.id) {
          pilot.view = { ...pilot.view, agentId: agent.id };
          any = true;
        }
      }
      // Slots on their way: pilots pending, or running but not yet registered as agents.
      const coming = active().filter((p) => p.view.state === 'pending' || p.view.agentId === null).length * settings.slotsPerPilot;
      const wanted = Math.ceil(Math.max(0, queued - freeSlots - coming) / settings.slotsPerPilot);
      const room = settings.maxPilots - active().length;
      for (let i = 0; i < Math.min(wanted, room) && !closed; i += 1) {
        await submitOne();
        any = true;
      }
    }
    if (any) changed();
  }

  /** One step at a time: a poll and a test's tick never interleave. */
  function tick(): Promise<void> {
    const next = (running ?? Promise.resolve()).then(step, step);
    running = next.catch(() => undefined);
    return next;
  }

  const timer = setInterval(() => {
    tick().catch((error: Error) => options.onError?.(error));
  }, options.pollMs ?? 5000);
  timer.unref();

  return {
    pilots: views,
    tick,
    markRegistered(slurmJobId, agentId) {
      const pilot = pilots.get(slurmJobId);
      if (!pilot || pilot.view.agentId === agentId) return;
      pilot.view = { ...pilot.view, agentId };
      changed();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      const pending = active().filter((p) => p.view.state === 'pending');
      for (const pilot of pending) await client.cancelJob(pilot.view.slurmJobId);
      if (pending.length > 0) await refresh();
      changed();
    },
  };
}
