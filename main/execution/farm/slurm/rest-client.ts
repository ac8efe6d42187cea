import http from 'node:http';
import https from 'node:https';

/**
 * A client of slurmrestd's REST API, version v0.0.38 (Slurm 22.05, the version Debian 12 ships):
 * submit a batch job, read a job, cancel one. On a unix socket slurmrestd authenticates the caller
 * by its uid (rest_auth/local); on a URL it takes a JWT in the X-SLURM-USER-NAME and
 * X-SLURM-USER-TOKEN headers (rest_auth/jwt). The token never appears in a message.
 */
export type SlurmEndpoint = { socketPath: string } | { url: string };
export type SlurmAuth = { kind: 'local' } | { kind: 'jwt'; user: string; token: string };

const API = '/slurm/v0.0.38';

export interface SlurmJobSpec {
  name: string;
  /** The batch script, `#!/bin/sh` first. */
  script: string;
  partition?: string;
  account?: string;
  /** Node features the job needs (Slurm's --constraint), e.g. "gpu&avx2". */
  constraints?: string;
  cpusPerTask: number;
  memoryMb: number;
  timeLimitMinutes?: number;
  workDir: string;
  /** Paths; %j is the job id. */
  standardOutput: string;
  standardError?: string;
  /** The job's whole environment (slurmrestd passes none of its own). */
  environment: Record<string, string>;
  /**
   * Whether Slurm may requeue the job after a node failure. Slurm 22.05's REST API ignores false
   * (the cluster's JobRequeue decides), so callers that must not run twice watch restartCount.
   */
  requeue?: boolean;
}

/** A job as Slurm reports it; `state` is Slurm's own (PENDING, RUNNING, COMPLETED, NODE_FAIL, …). */
export interface SlurmJobInfo {
  jobId: number;
  name: string;
  state: string;
  /** Why it waits or ended as it did (Resources, Priority, None, …). */
  reason: string;
  /** The nodes it runs or ran on; '' while pending. */
  nodes: string;
  exitCode: number | null;
  startTime: number | null;
  endTime: number | null;
  userName: string;
  /** Times Slurm requeued it (after a node failure, say). */
  restartCount: number;
}

export class SlurmRestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly errors: { error_number?: number; error?: string; description?: string }[] = [],
  ) {
    super(message);
    this.name = 'SlurmRestError';
  }
  /** Slurm's "Invalid job id specified": the job never was, or ended long enough ago to be purged. */
  get unknownJob(): boolean {
    return this.errors.some((e) => e.error_number === 2017);
  }
}

export interface SlurmRestClient {
  /** slurmctld answers (through slurmrestd): its version, e.g. "22.05.8". */
  ping(): Promise<string>;
  submitJob(spec: SlurmJobSpec): Promise<number>;
  /** null when Slurm no longer knows the job (purged after MinJobAge, or never was). */
  getJob(jobId: number): Promise<SlurmJobInfo | null>;
  /** Cancels a job (SIGKILL to every step, as scancel); a job already ended or gone is not an error. */
  cancelJob(jobId: number): Promise<void>;
}

export interface SlurmRestClientOptions {
  timeoutMs?: number;
}

export function createSlurmRestClient(endpoint: SlurmEndpoint, auth: SlurmAuth, options: SlurmRestClientOptions = {}): SlurmRestClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const where = 'socketPath' in endpoint ? `slurmrestd at ${endpoint.socketPath}` : `slurmrestd at ${new URL(endpoint.url).origin}`;
  if ('url' in endpoint && auth.kind === 'local') throw new Error(`${where}: local auth works on a unix socket only; use a JWT with a URL`);

  function request(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    if (auth.kind === 'jwt') {
      headers['X-SLURM-USER-NAME'] = auth.user;
      headers['X-SLURM-USER-TOKEN'] = auth.token;
    }
    let target: http.RequestOptions;
    let transport: typeof http | typeof https = http;
    if ('socketPath' in endpoint) {
      target = { socketPath: endpoint.socketPath, path: `${API}${route}` };
    } else {
      const base = new URL(endpoint.url);
      transport = base.protocol === 'https:' ? https : http;
      target = { hostname: base.hostname, port: base.port || undefined, path: `${base.pathname.replace(/\/$/, '')}${API}${route}` };
    }
    return new Promise((resolve, reject) => {
      const req = transport.request({ ...target, method, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status === 401) return reject(new SlurmRestError(`${where} refused the credentials (401 ${text.trim().slice(0, 80)})`, status));
          try {
            resolve({ status, json: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new SlurmRestError(`${where} answered ${method} ${route} with ${status} and no JSON: ${text.slice(0, 120)}`, status));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', (error) => reject(new SlurmRestError(`${where} could not be reached: ${(error as NodeJS.ErrnoException).code ?? error.message}`, null)));
      req.end(payload);
    });
  }

  /** slurmrestd reports failures in an `errors` array (HTTP 200 or 500 alike). */
  async function call(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<Record<string, unknown>> {
    const { status, json } = await request(method, route, body);
    const errors = Array.isArray(json.errors) ? (json.errors as SlurmRestError['errors']) : [];
    if (errors.length > 0 || status >= 400) {
      const said = errors.map((e) => e.description || e.error || `error ${e.error_number}`).join('; ') || `HTTP ${status}`;
      throw new SlurmRestError(`${where}: ${method} ${route} failed: ${said}`, status, errors);
    }
    return json;
  }

  return {
    async ping() {
      const json = await call('GET', '/ping');
      const pings = (json.pings ?? []) as { ping?: string; hostname?: string }[];
      if (!pings.some((p) => p.ping === 'UP')) throw new SlurmRestError(`${where}: slurmctld is not up (${JSON.stringify(pings)})`, 200);
      const version = (json.meta as { Slurm?: { release?: string } } | undefined)?.Slurm?.release;
      return version ?? 'unknown';
    },

    async submitJob(spec) {
      const job: Record<string, unknown> = {
        name: spec.name,
        cpus_per_task: spec.cpusPerTask,
        memory_per_node: spec.memoryMb,
        tasks: 1,
        current_working_directory: spec.workDir,
        standard_output: spec.standardOutput,
        standard_error: spec.standardError ?? spec.standardOutput,
        environment: spec.environment,
        requeue: spec.requeue ?? false,
      };
      if (spec.partition) job.partition = spec.partition;
      if (spec.account) job.account = spec.account;
      if (spec.constraints) job.constraints = spec.constraints;
      if (spec.timeLimitMinutes) job.time_limit = spec.timeLimitMinutes;
      const json = await call('POST', '/job/submit', { script: spec.script, job });
      const jobId = json.job_id;
      if (typeof jobId !== 'number') throw new SlurmRestError(`${where}: job submit answered without a job id`, 200);
      return jobId;
    },

    async getJob(jobId) {
      let json: Record<string, unknown>;
      try {
        json = await call('GET', `/job/${jobId}`);
      } catch (error) {
        if (error instanceof SlurmRestError && error.unknownJob) return null;
        throw error;
      }
      const raw = ((json.jobs ?? []) as Record<string, unknown>[]).find((j) => j.job_id === jobId);
      if (!raw) return null;
      const time = (v: unknown) => (typeof v === 'number' && v > 0 ? v : null);
      return {
        jobId,
        name: String(raw.name ?? ''),
        state: String(raw.job_state ?? 'UNKNOWN'),
        reason: String(raw.state_reason ?? ''),
        nodes: String(raw.nodes ?? ''),
        exitCode: typeof raw.exit_code === 'number' ? raw.exit_code : null,
        startTime: time(raw.start_time),
        endTime: time(raw.end_time),
        userName: String(raw.user_name ?? ''),
        restartCount: typeof raw.restart_cnt === 'number' ? raw.restart_cnt : 0,
      };
    },

    async cancelJob(jobId) {
      try {
        await call('DELETE', `/job/${jobId}`);
      } catch (error) {
        // Ended already (Slurm: "Job/step already completing or completed") or purged: nothing to cancel.
        if (error instanceof SlurmRestError && (error.unknownJob || error.errors.some((e) => e.error_number === 2021))) return;
        throw error;
      }
    },
  };
}

/** Slurm's job states as the farm shows a pilot. */
export function pilotStateOf(slurmState: string): 'pending' | 'running' | 'ended' {
  if (['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING'].includes(slurmState)) return 'pending';
  if (['RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT'].includes(slurmState)) return 'running';
  return 'ended';
}
