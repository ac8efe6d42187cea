import { test as base } from '@playwright/test';
import { makeDataDir, removeDataDir, startHost, type RunningHost } from './host';

/**
 * `dataDir`: a fresh temp data directory, deleted after the test.
 * `host`: a headless host started on it, stopped after the test.
 */
export const test = base.extend<{ dataDir: string; host: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = makeDataDir();
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
