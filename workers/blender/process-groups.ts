/**
 * Process groups this Node process started (each child spawned detached, as its group leader).
 * Every group still tracked is killed when Node exits, so no Blender or ffmpeg is orphaned.
 */
const tracked = new Set<number>();
let exitHookInstalled = false;

/** SIGKILLs a whole process group; ESRCH (already gone) is fine. */
export function killGroup(pid: number): void {
  try {
    // Negative pid: the whole group, helpers the leader started included.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of tracked) killGroup(group);
    });
  }
  tracked.add(pid);
}

export function untrackGroup(pid: number): void {
  tracked.delete(pid);
}
