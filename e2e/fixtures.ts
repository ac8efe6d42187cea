import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { REPO_ROOT, makeDataDir, removeDataDir, startHost, type RunningHost } from './host';

/**
 * `dataDir`: a temp data directory, deleted after the test. It holds this machine's preflight
 * report (run once per worker with `lightbox preflight`), so opening a page does not start a
 * first-start preflight beside the test; `test.use({ firstStart: true })` gives an empty one.
 * `host`: a headless host started on it, stopped after the test.
 */
export const test = base.extend<{ dataDir: string; host: RunningHost; firstStart: boolean }, { preflighted: string }>({
  firstStart: [false, { option: true }],
  preflighted: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = makeDataDir();
      try {
        // Exit 1 only says something blocks rendering; the report is stored either way.
        const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'lightbox.mjs'), 'preflight', '--data-dir', dir], {
          cwd: REPO_ROOT,
          env: { ...process.env, LIGHTBOX_CONFIG_DIR: path.join(dir, 'config') },
          encoding: 'utf8',
          timeout: 180_000,
        });
        if (!fs.existsSync(path.join(dir, 'lightbox.db'))) throw new Error(`lightbox preflight stored no report:\n${run.stdout}\n${run.stderr}`);
        await use(dir);
      } finally {
        removeDataDir(dir);
      }
    },
    { scope: 'worker' },
  ],
  dataDir: async ({ firstStart, preflighted }, use) => {
    const dir = makeDataDir();
    if (!firstStart) {
      for (const name of fs.readdirSync(preflighted).filter((f) => f.startsWith('lightbox.db'))) fs.copyFileSync(path.join(preflighted, name), path.join(dir, name));
    }
    try {
      await use(dir);
    } finally {
      removeDataDir(dir);
    }
  },
  host: async ({ dataDir }, use) => {
    const host = await startHost(dataDir);
    try {
      await use(host);
    } finally {
      await host.stop();
    }
  },
});

export { expect } from '@playwright/test';
