import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

/**
 * Two projects:
 * - chromium-host: the real headless host (`lightbox serve`) driven by Debian's Chromium;
 *   Playwright's own browser download is not needed.
 * - electron: the desktop app through Playwright's _electron, skipped (and said so) where no
 *   Electron binary is installed.
 * Both need `npm run build` first (dist/).
 */
export default defineConfig({
  testDir: fileURLToPath(new URL('.', import.meta.url)),
  // Two at a time on 2 cores: every test has its own host and data directory, and most wait on
  // Blender or the page. The whole suite: 11.1 min against about 15 one at a time, at load ~10.
  workers: 2,
  retries: 0,
  reporter: 'list',
  // Preflight renders with every Blender engine; allow for a slow machine.
  timeout: 180_000,
  expect: { timeout: 10_000 },
  use: { trace: 'retain-on-failure' },
  projects: [
    {
      name: 'chromium-host',
      testMatch: /host\/.*\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\/.*\.spec\.ts$/,
    },
  ],
});
