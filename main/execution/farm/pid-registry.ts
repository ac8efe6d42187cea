import fs from 'node:fs';
import path from 'node:path';
import { HARDENED_BLENDER_FLAGS } from '../../../workers/blender/run-blender';
import { killGroup } from '../../../workers/blender/process-groups';
import type { FarmMode } from '../../../shared/farm/status';

/**
 * The controller's record of every Blender process group it started. Worker threads spawn
 * Blender, but killing a thread does not kill its children, so the main thread keeps the pids
 * here, kills groups itself on cancel/timeout/close/exit, and mirrors the set to
 * `<dataDir>/farm/live-pids/<controller pid>.json` so the next start can clean up after a crash.
 * One file per controller: the app and a CLI render may share a data directory, and neither may
 * reap the other's Blenders while it is alive.
 */

export interface LivePidEntry {
  pid: number;
  slot: number;
  mode: FarmMode;
  startedAt: string;
  /** Kernel start time of the process (/proc/<pid>/stat field 22): tells a reused pid apart. */
  procStart: string | null;
}

interface LivePidFile {
  version: 1;
  /** The controller process that wrote the file, and its kernel start time. */
  owner: number;
  ownerStart: string | null;
  processes: LivePidEntry[];
}

export function livePidsDir(dataDir: string): string {
  return path.join(dataDir, 'farm', 'live-pids');
}

export function livePidsFile(dataDir: string, owner = process.pid): string {
  return path.join(livePidsDir(dataDir), `${owner}.json`);
}

/** Whether the controller that wrote a file is still running (same pid, same start time). */
function ownerAlive(owner: unknown, ownerStart: unknown): boolean {
  if (typeof owner !== 'number' || owner === process.pid) return false;
  const start = processStartTime(owner);
  if (start === null) return false;
  return typeof ownerStart === 'string' ? start === ownerStart : true;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parens). */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Kernel start time of a process, or null when it cannot be read (gone, not Linux). */
export function processStartTime(pid: number): string | null {
  // After "comm": state is field 3 (index 0 here), starttime field 22 (index 19).
  return statFields(pid)?.[19] ?? null;
}

/**
 * Whether `pid` is (still) a Blender we would have started: a live, non-zombie process whose
 * command line names blender and carries every hardened flag. Anything else, including an
 * unrelated process that reused the pid, is left alone. Without /proc nothing can be proven,
 * so nothing is killed.
 */
export function isOurBlender(pid: number, procStart: string | null = null): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  const fields = statFields(pid);
  if (!fields || fields[0] === 'Z') return false;
  if (procStart !== null && fields[19] !== procStart) return false;
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return false;
  }
  if (!args.some((a) => /blender/i.test(path.basename(a)))) return false;
  return HARDENED_BLENDER_FLAGS.every((flag) => args.includes(flag));
}


function killStale(pid: number): void {
  // Our Blenders lead their own group (spawned detached): kill the group, else just the pid.
  const pgid = statFields(pid)?.[2];
  try {
    process.kill(pgid === String(pid) ? -pid : pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}

function readFile(file: string): { owner: unknown; ownerStart: unknown; entries: { pid: number; procStart: string | null }[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { owner: null, ownerStart: null, entries: [] };
  }
  const body = parsed as { owner?: unknown; ownerStart?: unknown; processes?: unknown } | null;
  const list = Array.isArray(parsed) ? parsed : body?.processes;
  const entries: { pid: number; procStart: string | null }[] = [];
  if (Array.isArray(list)) {
    for (const item of list) {
      // Plain numbers are accepted too: a hand-written or older file.
      if (typeof item === 'number') entries.push({ pid: item, procStart: null });
      else if (item && typeof item === 'object' && typeof (item as LivePidEntry).pid === 'number') {
        const start = (item as LivePidEntry).procStart;
        entries.push({ pid: (item as LivePidEntry).pid, procStart: typeof start === 'string' ? start : null });
      }
    }
  }
  return { owner: Array.isArray(parsed) ? null : body?.owner, ownerStart: Array.isArray(parsed) ? null : body?.ownerStart, entries };
}

/** Every registry file of a data directory's farm folder (one per controller). */
export function registryFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** Blender pids registered by controllers of this data directory that are still running. */
export function liveRegisteredPids(dataDir: string): number[] {
  return registryFiles(livePidsDir(dataDir)).flatMap((file) => readFile(file).entries.filter((e) => isOurBlender(e.pid, e.procStart)).map((e) => e.pid));
}

export class LivePidRegistry {
  private readonly entries = new Map<number, LivePidEntry>();
  private exitHook: (() => void) | null = null;

  constructor(private readonly file: string) {}

  /**
   * Kills the Blenders a crashed earlier controller left in the file (only those that are
   * provably ours), then resets the file. Returns the pids killed.
   */
  reapStale(): number[] {
    const killed: number[] = [];
    for (const file of registryFiles(path.dirname(this.file))) {
      const { owner, ownerStart, entries } = readFile(file);
      // Another controller that is still running owns these: never touch them.
      if (file !== this.file && ownerAlive(owner, ownerStart)) continue;
      for (const { pid, procStart } of entries) {
        if (this.entries.has(pid)) continue;
        if (!isOurBlender(pid, procStart)) continue;
        killStale(pid);
        killed.push(pid);
      }
      if (file !== this.file) fs.rmSync(file, { force: true });
    }
    this.write();
    return killed;
  }

  /** Installs the process-exit hook: every live group dies with the controller. */
  install(): void {
    if (this.exitHook) return;
    this.exitHook = () => this.killAll();
    process.on('exit', this.exitHook);
  }

  uninstall(): void {
    if (this.exitHook) process.off('exit', this.exitHook);
    this.exitHook = null;
  }

  add(pid: number, slot: number, mode: FarmMode): void {
    this.entries.set(pid, { pid, slot, mode, startedAt: new Date().toISOString(), procStart: processStartTime(pid) });
    this.write();
  }

  remove(pid: number): void {
    if (this.entries.delete(pid)) this.write();
  }

  has(pid: number): boolean {
    return this.entries.has(pid);
  }

  list(): LivePidEntry[] {
    return [...this.entries.values()];
  }

  /** Kills one registered group now. The entry stays until its worker reports the exit. */
  kill(pid: number): void {
    if (this.entries.has(pid)) killGroup(pid);
  }

  /** Synchronous on purpose: it also runs from process.on('exit'). */
  killAll(): void {
    for (const pid of this.entries.keys()) killGroup(pid);
  }

  clear(): void {
    this.entries.clear();
    this.write();
  }

  private write(): void {
    const body: LivePidFile = { version: 1, owner: process.pid, ownerStart: processStartTime(process.pid), processes: this.list() };
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
      fs.renameSync(tmp, this.file);
    } catch {
      // The in-memory registry still protects this run; only crash recovery loses out.
    }
  }
}
