import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real Slurm test cluster of scripts/slurm/cluster.sh, for tests: started if it is not running
 * (about a second), stopped afterwards only by whoever started it, so a developer's running
 * cluster is reused and left alone.
 */
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'slurm', 'cluster.sh');

export interface SlurmTestCluster {
  stateDir: string;
  /** slurmrestd with rest_auth/local (root's uid is let through). */
  socketPath: string;
  /** slurmrestd with rest_auth/jwt on 127.0.0.1. */
  restUrl: string;
  jwtUser: string;
  jwt: string;
  /** A JWT for root: its jobs run as root, and can read a checkout only root may enter (CI's). */
  rootJwt: string;
  /** The host's end of node n2's link; the controller listens here for pilots on both nodes. */
  hostAddress: string;
  node2Address: string;
  netns: string;
  /** A folder every job may write (jobs run as the `slurm` user). */
  jobsDir: string;
  slurmConf: string;
  /** Removes the folders jobFolder made, and stops the cluster if this call started it. */
  release(): void;
  /** Folders made by jobFolder, removed by release. */
  readonly made: string[];
}

/** Why Slurm tests cannot run here, or null. CI installs the packages and runs as root. */
export function slurmSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'the Slurm test cluster needs root (daemons, a network namespace)';
  for (const tool of ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/slurmrestd', '/usr/sbin/munged', '/usr/bin/sinfo', '/usr/sbin/ip']) {
    if (!fs.existsSync(tool)) return `${tool} is missing (apt-get install slurmctld slurmd slurmrestd slurm-client munge iproute2)`;
  }
  return null;
}

export function startSlurmCluster(stateDir = process.env.LIGHTBOX_SLURM_DIR ?? '/tmp/lightbox-slurm'): SlurmTestCluster {
  const run = (verb: string) => execFileSync(script, [verb, stateDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let runningBefore = true;
  try {
    run('status');
  } catch {
    runningBefore = false;
  }
  if (!runningBefore) run('start');
  const env = Object.fromEntries(
    run('env')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const need = (key: string) => env[key] ?? (() => { throw new Error(`cluster.sh env printed no ${key}`); })();
  return {
    stateDir,
    socketPath: need('LIGHTBOX_SLURM_SOCKET'),
    restUrl: need('LIGHTBOX_SLURM_REST_URL'),
    jwtUser: need('LIGHTBOX_SLURM_USER'),
    jwt: need('LIGHTBOX_SLURM_JWT'),
    rootJwt: need('LIGHTBOX_SLURM_ROOT_JWT'),
    hostAddress: need('LIGHTBOX_SLURM_HOST_ADDR'),
    node2Address: need('LIGHTBOX_SLURM_NODE2_ADDR'),
    netns: need('LIGHTBOX_SLURM_NETNS'),
    jobsDir: need('LIGHTBOX_SLURM_JOBS'),
    slurmConf: need('SLURM_CONF'),
    made: [],
    release() {
      if (!runningBefore) run('stop'); // first: it ends the jobs, which may still write in these folders
      for (const dir of this.made) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh folder under the cluster's jobs folder that jobs (the `slurm` user) may write. */
export function jobFolder(cluster: SlurmTestCluster, name: string): string {
  const dir = fs.mkdtempSync(path.join(cluster.jobsDir, `${name}-`));
  fs.chmodSync(dir, 0o777);
  cluster.made.push(dir);
  return dir;
}
