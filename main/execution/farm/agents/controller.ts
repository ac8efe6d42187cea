import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { JobReply, type BlenderJob } from '../../../../workers/blender/job-spec';
import type { FarmAgentState, FarmAgentView } from '../../../../shared/farm/status';
import type { FarmService } from '../farm-service';
import type { LocalFarm, RemoteRunContext } from '../local-farm';
import { describeJob } from '../job-title';
import type { TaskView } from '../task-queue';
import { fromWirePath, jobFiles, mapPaths, type JobFiles } from './job-files';
import type { BlobStore } from '../remote/blob-store';
import type { Assignment, Lease, NamedBlob, RegisterInput } from './protocol';
import { createAgentRows } from './agent-rows';

/**
 * The controller's side of render agents: who is connected, which task attempts each holds
 * (leases), and the scheduling of queued farm tasks onto them. Agents take tasks from the same
 * queue as the local slots (TaskQueue.claim), so priorities, timeouts, cancellation and retries
 * are the farm's; a lease only adds what a remote machine needs: heartbeats, a lost agent's
 * attempts failed over after `leaseTimeoutMs`, reports checked against the lease, outputs
 * committed here once, for the one attempt that still holds the lease.
 */

export interface AgentControllerOptions {
  farm: FarmService;
  db: Database.Database;
  blobs: BlobStore;
  /** An agent not heard from for this long is lost; its attempts are failed and retried elsewhere (default 30 s). */
  leaseTimeoutMs?: number;
  /** How often agents heartbeat (default 5 s; a third of the lease timeout at most). */
  heartbeatMs?: number;
  /** The longest a lease request waits for work (default 20 s). */
  maxWaitMs?: number;
  /** Failures of one task kind after which an agent is no longer given that kind (default 3). */
  blocklistAfter?: number;
  /** An agent changed in a way people see (state, busy, tasks, version; not a bare heartbeat): the host tells the Farm page. */
  onChanged?: () => void;
}

/** An answer the routes turn into an HTTP status: 409 for a lease not held, 400 for bad reports. */
export class AgentRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path = '',
  ) {
    super(message);
    this.name = 'AgentRefusal';
  }
}

interface LeaseEntry extends Lease {
  kind: string;
  title: string;
  slot: number;
  files: JobFiles;
  ctx: RemoteRunContext;
  assignment: Promise<Assignment>;
  /** The lease answer that carried it (AgentEntry.deliveries), once sent. */
  delivery: number | null;
  nextLogSeq: number;
  resolve(reply: JobReply): void;
  reject(error: Error): void;
}

interface AgentEntry {
  id: string;
  name: string;
  host: string;
  kind: 'agent' | 'pilot';
  slurmJobId: string | null;
  slots: number;
  blenderVersion: string | null;
  state: FarmAgentState;
  lastSeen: number;
  tasksDone: number;
  slotBase: number;
  leases: Map<string, LeaseEntry>;
  failures: Map<string, number>;
  deliveries: number;
}

const key = (l: Lease) => `${l.taskId}#${l.attempt}`;

export interface AgentController {
  readonly heartbeatMs: number;
  readonly leaseTimeoutMs: number;
  /** This process now serves agents: whatever an earlier controller had online is gone with it. */
  activate(): void;
  register(tokenName: string, input: RegisterInput): { agentId: string; name: string; heartbeatMs: number; leaseTimeoutMs: number };
  lease(tokenName: string, input: { agentId: string; free: number; waitMs: number }, gone: AbortSignal): Promise<{ assignments: Assignment[]; drain: boolean; delivery?: number }>;
  heartbeat(tokenName: string, input: { agentId: string; leases: Lease[]; busy: number; blenderVersion?: string | null; draining?: boolean; delivered?: number }): { kill: Lease[]; drain: boolean };
  log(tokenName: string, input: Lease & { agentId: string; seq: number; lines: string[] }): void;
  frame(tokenName: string, input: Lease & { agentId: string; frame: number; of: number; done?: number }): void;
  done(tokenName: string, input: Lease & { agentId: string; reply: Record<string, unknown>; outputs: NamedBlob[] }): void;
  failed(tokenName: string, input: Lease & { agentId: string; error: string }): void;
  deregister(tokenName: string, input: { agentId: string; release: Lease[] }): void;
  /** Asks an agent (by id or name) to finish what it holds and take nothing new. */
  drain(agent: string): FarmAgentView;
  list(): FarmAgentView[];
  close(): void;
}

export function createAgentController(options: AgentControllerOptions): AgentController {
  const leaseTimeoutMs = options.leaseTimeoutMs ?? 30_000;
  const heartbeatMs = Math.max(50, Math.min(options.heartbeatMs ?? 5_000, Math.floor(leaseTimeoutMs / 3)));
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  const blocklistAfter = options.blocklistAfter ?? 3;
  const rows = createAgentRows(options.db);
  const agents = new Map<string, AgentEntry>();
  const wakers = new Set<() => void>();
  let farmUnsubscribe: (() => void) | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  let nextBase = 1;
  let closed = false;

  const wakeAll = () => {
    for (const wake of [...wakers]) wake();
  };

  const view = (a: AgentEntry): FarmAgentView => ({
    id: a.id,
    name: a.name,
    host: a.host,
    kind: a.kind,
    slurmJobId: a.slurmJobId,
    state: a.state,
    slots: a.slots,
    busy: a.leases.size,
    blenderVersion: a.blenderVersion,
    tasksDone: a.tasksDone,
    lastSeen: new Date(a.lastSeen).toISOString(),
    currentTasks: [...a.leases.values()].map((l) => ({ taskId: l.taskId, attempt: l.attempt, title: l.title })),
    blocklisted: [...a.failures].filter(([, n]) => n >= blocklistAfter).map(([kind]) => kind),
  });
  const shown = new Map<string, string>();
  const persist = (a: AgentEntry) => {
    const v = view(a);
    rows.save(v);
    // Every heartbeat persists; only a change besides lastSeen is news.
    const seen = JSON.stringify({ ...v, lastSeen: null });
    if (shown.get(a.id) === seen) return;
    shown.set(a.id, seen);
    options.onChanged?.();
  };

  /** The agent behind a request, which must be the token's own. */
  const agentOf = (tokenName: string, agentId: string): AgentEntry => {
    const a = agents.get(agentId);
    if (!a || a.name !== tokenName) throw new AgentRefusal(404, 'unknown_agent', `no render agent ${agentId} registered with this token; register again`, 'agentId');
    a.lastSeen = Date.now();
    if (a.state === 'lost' || a.state === 'offline') {
      // Back after a lost link: its old leases were failed over; the heartbeat tells it to stop them.
      a.state = 'online';
      persist(a);
    }
    return a;
  };
  const leaseOf = (a: AgentEntry, lease: Lease): LeaseEntry => {
    const held = a.leases.get(key(lease));
    if (!held) throw new AgentRefusal(409, 'stale_lease', `task ${lease.taskId} attempt ${lease.attempt} is not leased to render agent ${a.name} (any more): it was requeued, cancelled, timed out or finished`);
    return held;
  };
  /** Ends a lease with a failure the queue retries elsewhere (or cancels, if the signal says so). */
  const drop = (a: AgentEntry, lease: LeaseEntry, error: Error) => {
    if (a.leases.get(key(lease)) !== lease) return;
    a.leases.delete(key(lease));
    lease.reject(error);
    persist(a);
  };

  const sweep = () => {
    const now = Date.now();
    for (const a of agents.values()) {
      if ((a.state === 'online' || a.state === 'draining') && now - a.lastSeen > leaseTimeoutMs) {
        a.state = 'lost';
        for (const lease of [...a.leases.values()]) drop(a, lease, new Error(`render agent ${a.name} (${a.host}) was lost: no word from it for ${now - a.lastSeen} ms`));
        persist(a);
      }
    }
  };

  /** Another slot could run this task: a local slot or another agent not blocklisted for it. */
  const othersCould = (farm: LocalFarm, self: AgentEntry, task: TaskView) =>
    farm.concurrency > 0 ||
    [...agents.values()].some((o) => o !== self && o.state === 'online' && (o.failures.get(task.kind) ?? 0) < blocklistAfter && !task.attempts.some((t) => t.agent === o.name && t.outcome !== 'succeeded'));

  const accepts = (farm: LocalFarm, a: AgentEntry) => (task: TaskView) => {
    if ((a.failures.get(task.kind) ?? 0) >= blocklistAfter) return false;
    // A retry goes elsewhere when elsewhere exists.
    const failedHere = task.attempts.some((t) => t.agent === a.name && t.outcome !== 'succeeded');
    return !failedHere || !othersCould(farm, a, task);
  };

  const freeSlot = (a: AgentEntry): number | null => {
    const used = new Set([...a.leases.values()].map((l) => l.slot));
    for (let i = 0; i < a.slots; i++) if (!used.has(a.slotBase + i)) return a.slotBase + i;
    return null;
  };

  const runOn = (a: AgentEntry) => (job: BlenderJob, ctx: RemoteRunContext): Promise<JobReply> =>
    new Promise<JobReply>((resolve, reject) => {
      const files = jobFiles(job);
      const lease: LeaseEntry = {
        taskId: ctx.taskId,
        attempt: ctx.attempt,
        kind: job.kind,
        title: describeJob(job),
        slot: ctx.slot,
        files,
        ctx,
        delivery: null,
        nextLogSeq: 0,
        resolve,
        reject,
        assignment: (async () => {
          const inputs: NamedBlob[] = [];
          for (const [name, file] of files.inputs) inputs.push({ name, ...(await options.blobs.putFile(file)) });
          return { taskId: ctx.taskId, attempt: ctx.attempt, kind: job.kind, title: describeJob(job), timeoutMs: ctx.timeoutMs, job: files.wire, inputs };
        })(),
      };
      a.leases.set(key(lease), lease);
      lease.assignment.catch((error: unknown) => drop(a, lease, new Error(`the inputs of task ${ctx.taskId} could not be prepared for render agent ${a.name}: ${(error as Error).message}`)));
      // Cancelled or timed out by the queue: the lease ends now; the agent is told to stop at its next heartbeat.
      ctx.signal.addEventListener('abort', () => drop(a, lease, new Error(`${String(ctx.signal.reason)} while on render agent ${a.name}`)), { once: true });
      persist(a);
    });

  const claimFor = (farm: LocalFarm, a: AgentEntry, free: number): LeaseEntry[] => {
    const claimed: LeaseEntry[] = [];
    while (claimed.length < free && a.state === 'online') {
      const slot = freeSlot(a);
      if (slot === null) break;
      const task = farm.claimTask(slot, accepts(farm, a), runOn(a), a.name);
      if (!task) break;
      const lease = [...a.leases.values()].find((l) => l.taskId === task.id && l.slot === slot);
      if (lease) claimed.push(lease);
    }
    return claimed;
  };

  const ensureFarm = async (): Promise<LocalFarm> => {
    const farm = await options.farm.get();
    farmUnsubscribe ??= farm.on('task', (task) => {
      if (task.state === 'queued' || task.state === 'retrying') wakeAll();
    });
    return farm;
  };

  return {
    heartbeatMs,
    leaseTimeoutMs,
    activate: () => rows.markAllLost(),
    register(tokenName, input) {
      if (closed) throw new AgentRefusal(503, 'closing', 'the controller is shutting down');
      sweeper ??= setInterval(sweep, Math.max(25, Math.min(1000, Math.floor(leaseTimeoutMs / 4))));
      sweeper.unref();
      const existing = input.agentId ? agents.get(input.agentId) : undefined;
      const id = existing && existing.name === tokenName ? existing.id : `agent-${crypto.randomBytes(6).toString('hex')}`;
      const entry: AgentEntry = existing && existing.id === id
        ? existing
        : { id, name: tokenName, host: input.host, kind: input.slurmJobId ? 'pilot' : 'agent', slurmJobId: input.slurmJobId, slots: input.slots, blenderVersion: input.blenderVersion, state: 'online', lastSeen: Date.now(), tasksDone: 0, slotBase: 1000 * nextBase++, leases: new Map(), failures: new Map(), deliveries: 0 };
      Object.assign(entry, { host: input.host, slots: input.slots, blenderVersion: input.blenderVersion, state: 'online', lastSeen: Date.now() });
      agents.set(id, entry);
      persist(entry);
      // Started now, so a dispatch-only controller has its queue ready for the agent's first poll.
      void ensureFarm().catch(() => undefined);
      return { agentId: id, name: tokenName, heartbeatMs, leaseTimeoutMs };
    },
    async lease(tokenName, input, gone) {
      const a = agentOf(tokenName, input.agentId);
      const farm = await ensureFarm();
      const deadline = Date.now() + Math.min(input.waitMs, maxWaitMs);
      for (;;) {
        if (a.state !== 'online' || closed) return { assignments: [], drain: a.state === 'draining' || closed };
        const claimed = claimFor(farm, a, input.free);
        if (claimed.length > 0) {
          const settled = await Promise.allSettled(claimed.map((l) => l.assignment));
          const assignments = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
          if (gone.aborted) {
            // Nobody will receive these: give them back at once rather than after the lease timeout.
            for (const l of claimed) drop(a, l, new Error(`render agent ${a.name} hung up before receiving task ${l.taskId}`));
            return { assignments: [], drain: false };
          }
          if (assignments.length > 0) {
            const delivery = ++a.deliveries;
            for (const l of claimed) l.delivery = delivery;
            return { assignments, drain: false, delivery };
          }
        }
        const left = deadline - Date.now();
        if (left <= 0 || gone.aborted) return { assignments: [], drain: false };
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wakers.delete(done);
            gone.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, left);
          wakers.add(done);
          gone.addEventListener('abort', done, { once: true });
        });
        a.lastSeen = Date.now();
      }
    },
    heartbeat(tokenName, input) {
      const a = agentOf(tokenName, input.agentId);
      if (input.blenderVersion) a.blenderVersion = input.blenderVersion;
      if (input.draining && a.state === 'online') {
        a.state = 'draining';
        wakeAll();
      }
      const listed = new Set(input.leases.map(key));
      const kill = input.leases.filter((l) => !a.leases.has(key(l)));
      // A lease the agent does not hold though it had processed the answer that carried it: give it back.
      for (const lease of [...a.leases.values()]) {
        if (!listed.has(key(lease)) && lease.delivery !== null && input.delivered !== undefined && lease.delivery <= input.delivered) {
          drop(a, lease, new Error(`render agent ${a.name} does not hold task ${lease.taskId} attempt ${lease.attempt} it was given`));
        }
      }
      persist(a);
      return { kill, drain: a.state === 'draining' };
    },
    log(tokenName, input) {
      const lease = leaseOf(agentOf(tokenName, input.agentId), input);
      // Numbered lines: what a replay repeats is skipped, so the log reads as Blender wrote it.
      const skip = Math.max(0, lease.nextLogSeq - input.seq);
      for (const line of input.lines.slice(skip)) lease.ctx.log(line);
      lease.nextLogSeq = Math.max(lease.nextLogSeq, input.seq + input.lines.length);
    },
    frame(tokenName, input) {
      const lease = leaseOf(agentOf(tokenName, input.agentId), input);
      lease.ctx.frame({ job: null, frame: input.frame, of: input.of, done: input.done });
    },
    done(tokenName, input) {
      const a = agentOf(tokenName, input.agentId);
      const lease = leaseOf(a, input);
      const reply = JobReply.safeParse(mapPaths(input.reply, fromWirePath(lease.files)));
      if (!reply.success) throw new AgentRefusal(400, 'invalid_input', `reply.${reply.error.issues[0]?.path.join('.')}: ${reply.error.issues[0]?.message}`, 'reply');
      for (const out of input.outputs) {
        if (!lease.files.outputName(out.name) || !lease.files.outDir) throw new AgentRefusal(400, 'invalid_input', `outputs: "${out.name}" is not an output of task ${lease.taskId}`, 'outputs');
        if (!options.blobs.has(out)) throw new AgentRefusal(422, 'output_missing', `outputs: "${out.name}" (sha256 ${out.sha256}) was not uploaded before the report`, 'outputs');
      }
      // The commit, synchronous so no cancel or timeout lands half way: one attempt publishes.
      const outDir = lease.files.outDir;
      if (outDir) fs.mkdirSync(outDir, { recursive: true });
      for (const out of input.outputs) {
        const dest = path.join(outDir as string, out.name);
        const tmp = `${dest}.attempt-${lease.attempt}.tmp`;
        fs.copyFileSync(options.blobs.path(out), tmp);
        fs.renameSync(tmp, dest);
      }
      a.leases.delete(key(lease));
      a.tasksDone += 1;
      persist(a);
      lease.resolve(reply.data);
    },
    failed(tokenName, input) {
      const a = agentOf(tokenName, input.agentId);
      const lease = leaseOf(a, input);
      a.failures.set(lease.kind, (a.failures.get(lease.kind) ?? 0) + 1);
      drop(a, lease, new Error(`render agent ${a.name}: ${input.error}`));
    },
    deregister(tokenName, input) {
      const a = agentOf(tokenName, input.agentId);
      for (const l of input.release) {
        const held = a.leases.get(key(l));
        if (held) drop(a, held, new Error(`render agent ${a.name} handed task ${l.taskId} back while stopping`));
      }
      for (const held of [...a.leases.values()]) drop(a, held, new Error(`render agent ${a.name} stopped while holding task ${held.taskId}`));
      a.state = 'offline';
      persist(a);
    },
    drain(which) {
      const a = agents.get(which) ?? [...agents.values()].find((x) => x.name === which && x.state !== 'offline');
      if (!a) throw new AgentRefusal(404, 'not_found', `no render agent "${which}" is connected`, 'agent');
      if (a.state === 'online') a.state = 'draining';
      persist(a);
      wakeAll();
      return view(a);
    },
    list() {
      const live = [...agents.values()].map(view);
      // Closed with the backend: the database may be gone, the registry is all there is.
      if (closed) return live;
      const known = new Set(live.map((v) => v.id));
      return [...live, ...rows.list().filter((r) => !known.has(r.id))];
    },
    close() {
      closed = true;
      if (sweeper) clearInterval(sweeper);
      farmUnsubscribe?.();
      wakeAll();
      for (const a of agents.values()) {
        for (const lease of [...a.leases.values()]) drop(a, lease, new Error('the controller is shutting down'));
        if (a.state !== 'offline') a.state = 'lost';
        persist(a);
      }
    },
  };
}

/** The agents a controller in another process last recorded (for `lightbox farm status` beside `lightbox serve`). */
export function storedAgents(db: Database.Database): FarmAgentView[] {
  return createAgentRows(db).list();
}
