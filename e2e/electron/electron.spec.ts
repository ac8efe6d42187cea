import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { REPO_ROOT, makeDataDir, removeDataDir } from '../host';

const NOT_PRESENT = 'Electron binary not present on this machine: the Electron project did NOT run';

/**
 * The Electron binary, or null. require('electron') returns its path, but when the binary was
 * never installed it first tries to download it; path.txt (written by the installer) tells
 * without side effects whether an install happened.
 */
function electronBinary(): string | null {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  if (!fs.existsSync(path.join(packageDir, 'path.txt')) && !process.env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  try {
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test('the desktop app opens on Preflight with a minimal, Node-free bridge', async () => {
  if (!binary) {
    console.log(NOT_PRESENT);
    test.skip(true, NOT_PRESENT);
    return;
  }
  const main = path.join(REPO_ROOT, 'dist', 'main', 'electron.mjs');
  expect(fs.existsSync(main), `${main} must exist (npm run build)`).toBe(true);
  const dataDir = makeDataDir();
  const app = await electron.launch({
    executablePath: binary,
    args: [main],
    cwd: REPO_ROOT,
    env: { ...process.env, LIGHTBOX_DATA_DIR: dataDir } as Record<string, string>,
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible({ timeout: 30_000 });

    const bridgeKeys = await window.evaluate(() => Object.keys((window as unknown as { lightbox: object }).lightbox).sort());
    expect(bridgeKeys).toEqual(['call', 'events', 'methods', 'subscribe']);
    const exposed = await window.evaluate(() => ({
      ipcRenderer: 'ipcRenderer' in (window as unknown as { lightbox: object }).lightbox,
      process: typeof (globalThis as { process?: unknown }).process,
      require: typeof (globalThis as { require?: unknown }).require,
    }));
    expect(exposed).toEqual({ ipcRenderer: false, process: 'undefined', require: 'undefined' });
  } finally {
    await app.close();
    removeDataDir(dataDir);
  }
});
