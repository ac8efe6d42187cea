import fs from 'node:fs';

/** The Blender the tests run: BLENDER_PATH when set, else Debian's. */
export const TEST_BLENDER = process.env.BLENDER_PATH ?? '/usr/bin/blender';

/** Alive and not a zombie (a killed child of this process stays a zombie until Node reaps it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `check` holds or the time is up; answers whether it held. */
export async function waitFor(check: () => boolean, withinMs: number, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

export function waitGone(pid: number, withinMs: number): Promise<boolean> {
  return waitFor(() => !isAlive(pid), withinMs);
}
