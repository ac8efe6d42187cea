import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BlenderJobInput, JobReply } from '../../../../../workers/blender/job-spec';
import { blenderVersionOf } from '../../blender-version';
import { createLocalFarm, type LocalFarm, type LocalFarmOptions } from '../../local-farm';
import { ServerUnreachable } from '../../../../platform/transport/http-client';
import { createBlobClient } from '../../remote/blob-client';
import { createBlobStore } from '../../remote/blob-store';
import { localJob, mapPaths, toWirePath } from '../job-files';
import { AGENT_PREFIX, PROTOCOL_VERSION, RegisterOutput, type Assignment, type Lease, type NamedBlob } from '../protocol';
import { createControllerLink, LinkDown } from './controller-link';

/**
 * `lightbox agent`: a render machine's warm Blender processes serving a controller's farm. The
 * Blenders are a local farm of --slots slots (the same slot workers and job code as the
 * controller's own), fed by leases this agent pulls. Reports go through an ordered outbox that
 * waits out a lost link and replays; the controller refuses (409) what it no longer leases to
 * us, and its heartbeat answer names attempts to stop, so a returning agent drops stale work.
 */

export interface RenderAgentOptions {
  controller: string;
  token: string;
  ca?: string;
  slots: number;
  threads?: number;
  workDir: string;
  /** Exit (0) after this long without work: Slurm pilots free their allocation so. */
  idleExitMs?: number;
  slurmJobId?: string | null;
  blenderPath: string;
  env?: NodeJS.ProcessEnv;
  blenderEnv?: Record<string, string>;
  /** Resolves when asked to stop (SIGTERM): drain, then exit 0. */
  stop: Promise<unknown>;
  onRegistered(info: { agentId: string; controller: string; slots: number }): void;
  /** Diagnostics (stderr); never given the token. */
  say(line: string): void;
  /** For tests through the farm options (worker file, start timeouts). */
  farmOptions?: Partial<LocalFarmOptions>;
}

/** Refused at registration: the agent cannot work with this controller. */
export class AgentStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentStartError';
  }
}

interface Held {
  lease: Lease;
  dir: string;
  localTaskId: string | null;
  /** Refused (409) or named in a heartbeat's kill list: nothing more is sent for it. */
  dead: boolean;
  seq: number;
  pendingLines: string[];
}

type Report = { type: 'log'; seq: number; lines: string[] } | { type: 'frame'; frame: number; of: number; done?: number } | { type: 'done'; reply: Record<string, unknown>; outputs: NamedBlob[] } | { type: 'failed'; error: string };

const keyOf = (l: Lease) => `${l.taskId}#${l.attempt}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runRenderAgent(options: RenderAgentOptions): Promise<void> {
  const link = createControllerLink({ controller: options.controller, token: options.token, ca: options.ca });
  const blobs = createBlobClient({ baseUrl: new URL(`${AGENT_PREFIX}blobs/`, options.controller).href, token: options.token, ca: options.ca ? fs.readFileSync(options.ca) : undefined });
  // Inputs by content, kept between tasks: a scene used again is not fetched again.
  const cache = createBlobStore(path.join(options.workDir, 'blobs'));
  const linkDown = (error: unknown) => error instanceof LinkDown || error instanceof ServerUnreachable;

  // --- register: a wrong token or an unreachable controller ends here, before any Blender starts.
  let registered: RegisterOutput;
  const register = async (agentId?: string): Promise<RegisterOutput> => {
    let answer;
    try {
      answer = await link.json('register', { protocol: PROTOCOL_VERSION, host: os.hostname(), slots: options.slots, blenderVersion: version, slurmJobId: options.slurmJobId ?? null, ...(agentId ? { agentId } : {}) }, { timeoutMs: 15_000 });
    } catch (error) {
      if (error instanceof LinkDown) throw new AgentStartError(`cannot reach the controller at ${link.baseUrl.origin}: ${error.message}`);
      throw error;
    }
    const message = (answer.body as { message?: string } | null)?.message ?? JSON.stringify(answer.body);
    if (answer.status === 401) throw new AgentStartError(`the controller at ${link.baseUrl.origin} refused the agent token: ${message}`);
    if (answer.status !== 200) throw new AgentStartError(`the controller at ${link.baseUrl.origin} refused to register this agent (${answer.status}): ${message}`);
    return RegisterOutput.parse(answer.body);
  };
  let version: string | null = null;
  try {
    registered = await register();
  } catch (error) {
    link.close();
    throw error;
  }

  const farm: LocalFarm = createLocalFarm({
    blenderPath: options.blenderPath,
    dataDir: options.workDir,
    concurrency: options.slots,
    threadsPerBlender: options.threads,
    env: options.env,
    blenderEnv: options.blenderEnv,
    // Retries are the controller's: it gives a failed attempt to another slot or agent.
    defaultMaxAttempts: 1,
    ...options.farmOptions,
  });
  // Warms the Blenders and learns the version, sent with the next heartbeat.
  void blenderVersionOf(farm)().then((v) => (version = v));
  options.onRegistered({ agentId: registered.agentId, controller: options.controller, slots: options.slots });

  const held = new Map<string, Held>();
  const outbox: { held: Held; report: Report }[] = [];
  let stopping = false;
  let finished = false;
  let lastBusy = Date.now();
  let wakeOutbox: () => void = () => {};
  let wakeLeases: () => void = () => {};

  const kill = (h: Held, why: string) => {
    if (h.dead) return;
    h.dead = true;
    options.say(`task ${h.lease.taskId} attempt ${h.lease.attempt}: ${why}; stopping it`);
    if (h.localTaskId) farm.cancelTask(h.localTaskId);
  };
  const enqueue = (h: Held, report: Report) => {
    if (h.dead) return;
    outbox.push({ held: h, report });
    wakeOutbox();
  };
  const flushLines = (h: Held) => {
    if (h.pendingLines.length === 0) return;
    const lines = h.pendingLines.splice(0);
    enqueue(h, { type: 'log', seq: h.seq, lines });
    h.seq += lines.length;
  };

  // --- the outbox: in order, one at a time; a lost link keeps everything and tries again.
  const sender = (async () => {
    let backoff = 100;
    for (;;) {
      const next = outbox[0];
      if (!next) {
        if (finished) return;
        await new Promise<void>((r) => (wakeOutbox = r));
        continue;
      }
      if (next.held.dead) {
        outbox.shift();
        if (next.report.type === 'done' || next.report.type === 'failed') release(next.held);
        continue;
      }
      let answer;
      try {
        answer = await link.json('report', { agentId: registered.agentId, ...next.held.lease, ...next.report }, { timeoutMs: 30_000 });
      } catch (error) {
        if (!(error instanceof LinkDown)) throw error;
        await sleep(backoff);
        backoff = Math.min(2_000, backoff * 2);
        continue;
      }
      backoff = 100;
      outbox.shift();
      if (answer.status === 409) kill(next.held, 'the controller no longer leases it to this agent');
      else if (answer.status !== 200) {
        const why = `a ${next.report.type} report for task ${next.held.lease.taskId} was refused (${answer.status}): ${JSON.stringify(answer.body)}`;
        options.say(why);
        // A refused result must not leave the lease hanging until a timeout: say the attempt failed, so it is retried at once.
        if (next.report.type === 'done') {
          outbox.unshift({ held: next.held, report: { type: 'failed', error: why.slice(0, 2000) } });
          continue;
        }
      }
      if (next.report.type === 'done' || next.report.type === 'failed') release(next.held);
    }
  })();

  function release(h: Held): void {
    held.delete(keyOf(h.lease));
    fs.rmSync(h.dir, { recursive: true, force: true });
    lastBusy = Date.now();
    wakeLeases();
  }

  /** Fetches what the attempt lacks into the cache, then into its own in/ folder. */
  const fetchInputs = async (a: Assignment, dir: string) => {
    for (const input of a.inputs) {
      let cached: string;
      for (let tries = 0; ; tries++) {
        try {
          cached = await blobs.downloadToStore(input, cache);
          break;
        } catch (error) {
          if (!linkDown(error) || tries > 20 || held.get(keyOf(a))?.dead) throw error;
          await sleep(250);
        }
      }
      const dest = path.join(dir, 'in', input.name);
      try {
        fs.linkSync(cached, dest);
      } catch {
        fs.copyFileSync(cached, dest);
      }
    }
  };

  const uploadOutputs = async (h: Held): Promise<NamedBlob[]> => {
    const outDir = path.join(h.dir, 'out');
    const names = fs.readdirSync(outDir).filter((n) => fs.statSync(path.join(outDir, n)).isFile()).sort();
    for (;;) {
      if (h.dead) return [];
      try {
        const refs = await blobs.ensureUploaded(names.map((n) => path.join(outDir, n)));
        return refs.map((r, i) => ({ name: names[i]!, ...r }));
      } catch (error) {
        if (!linkDown(error)) throw error;
        await sleep(250);
      }
    }
  };

  const start = (a: Assignment) => {
    const lease = { taskId: a.taskId, attempt: a.attempt };
    const dir = path.join(options.workDir, 'attempts', `${a.taskId}-${a.attempt}`);
    const h: Held = { lease, dir, localTaskId: null, dead: false, seq: 0, pendingLines: [] };
    held.set(keyOf(lease), h);
    lastBusy = Date.now();
    void (async () => {
      let reply: JobReply;
      try {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
        fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
        await fetchInputs(a, dir);
        if (h.dead) return release(h);
        const submitted = farm.submitJob(localJob(a.job, dir) as BlenderJobInput, {
          label: a.taskId,
          timeoutMs: a.timeoutMs,
          onLog: (line) => {
            h.pendingLines.push(line);
            if (h.pendingLines.length >= 200) flushLines(h);
          },
          onProgress: (p) => {
            flushLines(h);
            enqueue(h, { type: 'frame', frame: p.frame, of: p.of, ...(p.done === undefined ? {} : { done: p.done }) });
          },
        });
        h.localTaskId = submitted.taskId;
        const flusher = setInterval(() => flushLines(h), 200);
        try {
          reply = await submitted.done;
        } finally {
          clearInterval(flusher);
        }
      } catch (error) {
        if (h.dead) return release(h);
        flushLines(h);
        enqueue(h, { type: 'failed', error: (error as Error).message });
        return;
      }
      if (h.dead) return release(h);
      flushLines(h);
      let outputs: NamedBlob[];
      try {
        outputs = reply.ok ? await uploadOutputs(h) : [];
      } catch (error) {
        enqueue(h, { type: 'failed', error: `uploading the outputs failed: ${(error as Error).message}` });
        return;
      }
      if (h.dead) return release(h);
      enqueue(h, { type: 'done', reply: mapPaths(reply, toWirePath(dir)) as Record<string, unknown>, outputs });
    })().catch((error: unknown) => {
      options.say(`task ${a.taskId}: ${(error as Error).message}`);
      kill(h, 'the agent failed handling it');
      release(h);
    });
  };

  // --- heartbeats: keep the leases alive, learn which to stop and whether to drain.
  let drainAsked = false;
  let delivered = 0;
  const heartbeats = (async () => {
    while (!finished) {
      await sleep(registered.heartbeatMs);
      if (finished) return;
      const leases = [...held.values()].filter((h) => !h.dead).map((h) => h.lease);
      try {
        const answer = await link.json('heartbeat', { agentId: registered.agentId, leases, busy: leases.length, blenderVersion: version, delivered }, { timeoutMs: registered.heartbeatMs * 3 });
        if (answer.status === 404) {
          // The controller forgot us (it restarted): register again; what we hold is not ours any more.
          for (const h of held.values()) kill(h, 'the controller does not know this agent any more');
          registered = await register(registered.agentId).catch(() => registered);
          continue;
        }
        if (answer.status !== 200) continue;
        const body = answer.body as { kill: Lease[]; drain: boolean };
        for (const l of body.kill) {
          const h = held.get(keyOf(l));
          if (h) kill(h, 'the controller gave it to another slot');
        }
        if (body.drain && !drainAsked) {
          drainAsked = true;
          options.say('the controller asked this agent to drain');
          beginStop();
        }
      } catch (error) {
        if (!(error instanceof LinkDown)) throw error;
      }
    }
  })();

  const hangUp = new AbortController();
  let stopResolve!: () => void;
  const stopped = new Promise<void>((r) => (stopResolve = r));
  function beginStop(): void {
    if (stopping) return;
    stopping = true;
    wakeLeases();
    stopResolve();
    // Saying so answers our waiting lease request at once, with anything it was already given
    // (cutting the request could lose an assignment on the way). Cut only if that goes unheard.
    const cut = setTimeout(() => hangUp.abort(), 5_000);
    void link
      .json('heartbeat', { agentId: registered.agentId, leases: [...held.values()].filter((h) => !h.dead).map((h) => h.lease), busy: held.size, draining: true }, { timeoutMs: 5_000 })
      .catch(() => hangUp.abort())
      .finally(() => cut.unref());
  }
  void options.stop.then(beginStop);

  // --- the lease loop: ask for as many tasks as there are free slots, waiting at the controller.
  const leases = (async () => {
    let backoff = 100;
    while (!stopping) {
      if (options.idleExitMs !== undefined && held.size === 0 && Date.now() - lastBusy >= options.idleExitMs) {
        options.say(`idle for ${Math.round((Date.now() - lastBusy) / 1000)} s: stopping`);
        beginStop();
        break;
      }
      const free = options.slots - held.size;
      if (free <= 0) {
        await Promise.race([new Promise<void>((r) => (wakeLeases = r)), stopped]);
        continue;
      }
      const waitMs = Math.max(0, Math.min(20_000, options.idleExitMs !== undefined ? options.idleExitMs - (Date.now() - lastBusy) + 50 : 20_000));
      let answer;
      try {
        answer = await link.json('lease', { agentId: registered.agentId, free, waitMs }, { timeoutMs: waitMs + 15_000, signal: hangUp.signal });
      } catch (error) {
        if (!(error instanceof LinkDown)) throw error;
        await Promise.race([sleep(backoff), stopped]);
        backoff = Math.min(2_000, backoff * 2);
        continue;
      }
      backoff = 100;
      if (answer.status !== 200) {
        await Promise.race([sleep(500), stopped]);
        continue;
      }
      const body = answer.body as { assignments: Assignment[]; drain: boolean; delivery?: number };
      // Received even while stopping: the controller counts them as ours, so they are finished.
      for (const a of body.assignments) start(a);
      if (body.delivery !== undefined) delivered = Math.max(delivered, body.delivery);
      if (body.drain && !drainAsked) {
        drainAsked = true;
        beginStop();
      }
    }
  })();

  await stopped;
  await leases.catch(() => undefined);
  // Drain: what we hold is finished and reported (or refused), then we say goodbye.
  while (held.size > 0) await sleep(50);
  finished = true;
  wakeOutbox();
  await sender.catch(() => undefined);
  await heartbeats.catch(() => undefined);
  await link.json('deregister', { agentId: registered.agentId, release: [] }, { timeoutMs: 5_000 }).catch(() => undefined);
  await farm.close();
  blobs.close();
  link.close();
}
