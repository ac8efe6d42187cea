import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/**
 * A network namespace joined to the host by a veth pair, standing in for another machine in tests
 * (an agent on a workstation, a cluster node): the host end is 10.213.N.1/24, the namespace's end
 * 10.213.N.2/24. Processes run inside through `nsenter --net=/run/netns/NAME` (not `ip netns exec`,
 * which remounts /sys and some daemons die on it). The link can be cut and restored mid-test.
 * Needs root and iproute2; see netnsSkipReason. scripts/slurm/cluster.sh keeps to 10.212.0.0/24.
 */
export interface NetNamespace {
  readonly name: string;
  /** The host end's address: bind a server here for processes inside to reach. */
  readonly hostAddress: string;
  /** The namespace end's address. */
  readonly address: string;
  readonly hostInterface: string;
  readonly interface: string;
  /** Starts `command` inside the namespace; its pid is the command's own (nsenter execs it). */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` inside to its end. */
  run(command: string, args: string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** Takes the namespace's end down: new connections fail at once, open ones stall as on a pulled cable. */
  cutLink(): void;
  restoreLink(): void;
  /** Kills what `spawn` started (by pid) and deletes the namespace and its veth pair. */
  remove(): Promise<void>;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const SUBNET = '10.213';

/** Why namespace tests cannot run here, or null when they can. */
export function netnsSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the tests as root, as CI does)';
  for (const tool of ['/usr/sbin/ip', '/usr/bin/nsenter']) {
    if (!fs.existsSync(tool)) return `${tool} is missing (apt-get install iproute2 util-linux)`;
  }
  return null;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Creates a namespace. The subnet index N is claimed by creating the veth pair (its names carry N),
 * which fails when another test process holds N, so parallel test files never share one.
 */
export function createNetNamespace(): NetNamespace {
  const start = (process.pid * 7) % 250;
  for (let i = 0; i < 250; i += 1) {
    const n = ((start + i) % 250) + 1;
    const hostInterface = `lbns${n}h`;
    const nsInterface = `lbns${n}n`;
    const name = `lightbox-test-${n}`;
    if (fs.existsSync(`/run/netns/${name}`)) continue;
    try {
      ip(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', nsInterface]);
    } catch {
      continue; // taken by another process
    }
    try {
      ip(['netns', 'add', name]);
      ip(['link', 'set', nsInterface, 'netns', name]);
      ip(['addr', 'add', `${SUBNET}.${n}.1/24`, 'dev', hostInterface]);
      ip(['link', 'set', hostInterface, 'up']);
      ip(['-n', name, 'addr', 'add', `${SUBNET}.${n}.2/24`, 'dev', nsInterface]);
      ip(['-n', name, 'link', 'set', nsInterface, 'up']);
      ip(['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      removeQuietly(name, hostInterface);
      throw new Error(`could not set up network namespace ${name}: ${(error as Error).message}`);
    }
    return namespaceHandle(name, n, hostInterface, nsInterface);
  }
  throw new Error(`no free subnet left in ${SUBNET}.1-250.0/24 for a test network namespace`);
}

function removeQuietly(name: string, hostInterface: string): void {
  try {
    ip(['link', 'del', hostInterface]);
  } catch {
    // gone with the namespace already
  }
  try {
    ip(['netns', 'del', name]);
  } catch {
    // never created
  }
}

function namespaceHandle(name: string, n: number, hostInterface: string, nsInterface: string): NetNamespace {
  const children = new Set<ChildProcess>();
  const enter = ['--net=/run/netns/' + name, '--'];
  const handle: NetNamespace = {
    name,
    hostAddress: `${SUBNET}.${n}.1`,
    address: `${SUBNET}.${n}.2`,
    hostInterface,
    interface: nsInterface,
    spawn(command, args, options = {}) {
      const child = spawn('nsenter', [...enter, command, ...args], options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    run(command, args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = handle.spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr });
        });
      });
    },
    cutLink() {
      ip(['-n', name, 'link', 'set', nsInterface, 'down']);
    },
    restoreLink() {
      ip(['-n', name, 'link', 'set', nsInterface, 'up']);
    },
    async remove() {
      const waits = [...children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            if (child.pid) process.kill(child.pid, 'SIGKILL');
          }),
      );
      // What those started in turn (an agent's Blender) lives in the namespace too: end it by pid.
      for (const pid of ip(['netns', 'pids', name]).split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await Promise.all(waits);
      removeQuietly(name, hostInterface);
    },
  };
  return handle;
}
