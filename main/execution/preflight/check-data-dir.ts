import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PreflightCheck, PreflightReport } from '../../../shared/preflight/report';

export interface CheckDataDirResult {
  dataDir: PreflightReport['dataDir'];
  check: PreflightCheck;
}

/**
 * Writes, fsyncs, renames and deletes a probe file: the same steps Lightbox uses to save
 * files atomically, so a disk that is read-only, full or refuses renames shows up here.
 */
export async function checkDataDir(dataDir: string): Promise<CheckDataDirResult> {
  const title = 'Data directory writable';
  const token = crypto.randomBytes(6).toString('hex');
  const temp = path.join(dataDir, `.preflight-${token}.tmp`);
  const final = path.join(dataDir, `.preflight-${token}`);
  let step = `create ${dataDir}`;
  try {
    await fs.promises.mkdir(dataDir, { recursive: true });
    step = `write a file in ${dataDir}`;
    const handle = await fs.promises.open(temp, 'wx');
    try {
      await handle.writeFile(`lightbox preflight ${new Date().toISOString()}\n`);
      step = `flush a file in ${dataDir} to disk (fsync)`;
      await handle.sync();
    } finally {
      await handle.close();
    }
    step = `rename a file in ${dataDir}`;
    await fs.promises.rename(temp, final);
    step = `delete a file in ${dataDir}`;
    await fs.promises.unlink(final);
  } catch (error) {
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    await fs.promises.rm(final, { force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    return {
      dataDir: { path: dataDir, writable: false },
      check: {
        id: 'data-dir',
        title,
        status: 'fail',
        detail: `Could not ${step}: ${code ?? (error as Error).message}.`,
        fix:
          'Choose a data directory Lightbox can write to (--data-dir, LIGHTBOX_DATA_DIR or Settings), or fix the ' +
          'permissions or free space of this one.',
      },
    };
  }
  return {
    dataDir: { path: dataDir, writable: true },
    check: { id: 'data-dir', title, status: 'ok', detail: `${dataDir} can be written (write, fsync, rename and delete work).` },
  };
}
