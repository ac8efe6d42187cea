import fs from 'node:fs';
import path from 'node:path';
import type { PreflightCheck, PreflightReport } from '../../../shared/preflight/report';

const GiB = 1024 ** 3;
/** Below this a render job or its video can fail midway. */
export const DISK_FAIL_BELOW = 1 * GiB;
/** Below this a few turntables fill the disk. */
export const DISK_WARN_BELOW = 5 * GiB;

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

/** The data dir itself, or its nearest existing ancestor when it is not created yet. */
function nearestExisting(dir: string): string {
  let current = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(current)) return current;
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

export interface CheckDiskResult {
  disk: PreflightReport['disk'];
  check: PreflightCheck;
}

export async function checkDisk(dataDir: string): Promise<CheckDiskResult> {
  const title = 'Free disk space';
  const measured = nearestExisting(dataDir);
  let stats: fs.StatsFs;
  try {
    stats = await fs.promises.statfs(measured);
  } catch (error) {
    return {
      disk: { path: dataDir, freeBytes: null, totalBytes: null },
      check: {
        id: 'disk',
        title,
        status: 'warn',
        detail: `Could not measure free space for ${dataDir}: ${(error as Error).message}.`,
        fix: 'Make sure the data directory is on a mounted, readable disk.',
      },
    };
  }
  // bavail, not bfree: space reserved for root is not usable by Lightbox's user.
  const freeBytes = Number(stats.bavail) * Number(stats.bsize);
  const totalBytes = Number(stats.blocks) * Number(stats.bsize);
  const disk = { path: dataDir, freeBytes, totalBytes };
  const where = `${gib(freeBytes)} free of ${gib(totalBytes)} on the disk holding ${dataDir}`;
  const fix = 'Free up space on that disk, or choose a data directory on a larger disk (--data-dir, LIGHTBOX_DATA_DIR or Settings).';
  if (freeBytes < DISK_FAIL_BELOW) {
    return { disk, check: { id: 'disk', title, status: 'fail', detail: `Only ${where}; renders need at least ${gib(DISK_FAIL_BELOW)}.`, fix } };
  }
  if (freeBytes < DISK_WARN_BELOW) {
    return { disk, check: { id: 'disk', title, status: 'warn', detail: `Only ${where}; below ${gib(DISK_WARN_BELOW)} videos may not fit.`, fix } };
  }
  return { disk, check: { id: 'disk', title, status: 'ok', detail: `${where[0]!.toUpperCase()}${where.slice(1)}.` } };
}
