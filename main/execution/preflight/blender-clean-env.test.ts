import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBlender, PYTHON_CHECK_ID } from './check-blender';
import { runColdJob } from '../../../workers/blender/cold-job';
import { materialLibraryForJob } from '../../../workers/blender/job-spec';
import { HARDENED_BLENDER_FLAGS, lastMarkedLine, runBlender } from '../../../workers/blender/run-blender';
import { makeBoxesGlb } from '../../../workers/blender/test-glb';
import { readPngSize } from '../../platform/files/png-size';
import { TEST_BLENDER } from '../../testing/processes';

/**
 * A machine with another Python first (pyenv, conda, a virtualenv): a fake `python3`/`python3.11`
 * first on PATH, PYTHONHOME and PYTHONPATH pointing at a folder whose site-packages holds a broken
 * numpy. Blender must not be started with any of it (workers/blender/blender-env.ts).
 */
let tmp: string;
let decoy: string;
let decoyEnv: NodeJS.ProcessEnv;
let glb: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-clean-env-'));
  decoy = path.join(tmp, 'decoy-python');
  const bin = path.join(decoy, 'bin');
  const site = path.join(decoy, 'lib', 'python3.11', 'site-packages');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(path.join(site, 'numpy'), { recursive: true });
  for (const name of ['python3', 'python3.11', 'python']) {
    fs.writeFileSync(path.join(bin, name), '#!/bin/sh\necho "decoy python" >&2\nexit 1\n', { mode: 0o755 });
  }
  fs.writeFileSync(path.join(site, 'numpy', '__init__.py'), 'raise ImportError("decoy numpy: this is not numpy")\n');
  fs.writeFileSync(path.join(decoy, 'startup.py'), 'raise SystemExit("decoy PYTHONSTARTUP ran")\n');
  decoyEnv = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    PYTHONHOME: decoy,
    PYTHONPATH: site,
    PYTHONSTARTUP: path.join(decoy, 'startup.py'),
    PYTHONUSERBASE: decoy,
    PYTHONNOUSERSITE: '',
    VIRTUAL_ENV: decoy,
    CONDA_PREFIX: decoy,
  };
  glb = path.join(tmp, 'box.glb');
  fs.writeFileSync(glb, await makeBoxesGlb([{ name: 'box', size: [1, 1, 1], translation: [0, 0, 0] }]));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Blender started the way it was before the fix: with the caller's whole environment. */
function rawBlender(env: NodeJS.ProcessEnv, script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TEST_BLENDER, [...HARDENED_BLENDER_FLAGS, '--python-exit-code', '1', '--python', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('Blender gets a clean environment (issue 13 item 5)', () => {
  it('the decoy environment breaks Blender when passed as it is (what the clean environment guards against)', async () => {
    const script = path.join(tmp, 'import-numpy.py');
    fs.writeFileSync(script, 'import sys\nprint("EXECUTABLE", sys.executable)\nimport numpy\nprint("NUMPY OK", numpy.__file__)\n');
    // PYTHONPATH and the PATH decoy: numpy is the decoy's, and sys.executable the fake python.
    const { PYTHONHOME: _home, PYTHONSTARTUP: _startup, ...withoutHome } = decoyEnv;
    const [pathOnly, whole] = await Promise.all([rawBlender(withoutHome, script), rawBlender(decoyEnv, script)]);
    expect(pathOnly.output).toContain('decoy numpy');
    expect(pathOnly.output).toContain(`EXECUTABLE ${path.join(decoy, 'bin')}`);
    expect(pathOnly.output).not.toContain('NUMPY OK');
    expect(pathOnly.code).not.toBe(0);
    // With PYTHONHOME too, Blender's Python does not even start.
    expect(whole.output).not.toContain('NUMPY OK');
    expect(whole.output).toMatch(/initializing Python|No module named 'encodings'|decoy numpy/);
  }, 60_000);

  it('a render with the decoy environment imports the GLB (numpy) and writes its PNG', async () => {
    const out = path.join(tmp, 'still.png');
    const { reply } = await runColdJob(
      TEST_BLENDER,
      {
        kind: 'render_still',
        id: 'clean-env',
        glb,
        camera: { angle: 'front' },
        lighting: 'studio_soft',
        background: { mode: 'color', color: '#336699' },
        materials: { default: 'neutral_grey', by_part: [], library: materialLibraryForJob() },
        renderer: { engine: 'cycles', samples: 1, seed: 0, threads: 0 },
        resolution: { width: 32, height: 32, percentage: 100 },
        output: { format: 'png' },
        out,
      },
      { timeoutMs: 60_000, env: decoyEnv },
    );
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    expect(await readPngSize(out)).toEqual({ width: 32, height: 32 });
  }, 90_000);

  it('preflight with the decoy environment imports numpy and a GLB in Blender and reports the real Python', async () => {
    const result = await checkBlender({ dataDir: tmp, setting: TEST_BLENDER, env: decoyEnv, engineConcurrency: 2 });
    const check = result.checks.find((c) => c.id === PYTHON_CHECK_ID)!;
    expect(check.status, check.detail).toBe('ok');
    expect(check.detail).toMatch(/numpy \S+ imports, and a GLB imports/);
    const python = result.blender.python!;
    expect(python).not.toBeNull();
    expect(python.version).toMatch(/^3\.\d+\.\d+/);
    expect(python.numpy).not.toBeNull();
    // The real Python: neither the decoy's nor any user-level one.
    expect(python.executable.startsWith(decoy)).toBe(false);
    expect(python.prefix.startsWith(decoy)).toBe(false);
    expect(python.executable).not.toMatch(/\.pyenv|conda|venv/);
    expect(check.detail).toContain(python.executable);
    expect(result.checks.find((c) => c.id === 'engine.CYCLES')!.status).toBe('ok');
  }, 180_000);

  it('Blender sees only the minimal environment, plus the extra variables from Settings', async () => {
    const script = path.join(tmp, 'print-env.py');
    fs.writeFileSync(
      script,
      'import json, os, sys\nsys.path.insert(0, ' +
        JSON.stringify(path.resolve('resources/blender')) +
        ')\nfrom lightbox_jobs.script_io import reply\nreply({"env": dict(os.environ)})\n',
    );
    const result = await runBlender({
      binary: TEST_BLENDER,
      pythonScript: script,
      timeoutMs: 30_000,
      env: { ...decoyEnv, LD_PRELOAD: '/nonexistent.so', LIGHTBOX_FAULTS: 'none', LANG: 'C.UTF-8', HOME: tmp },
      extraEnv: { STUDIO_OCIO: '/studio/ocio.config' },
    });
    const reply = lastMarkedLine(result.stdout, 'LIGHTBOX_RESULT', result.nonce) as { env: Record<string, string> } | null;
    expect(reply, result.stderr).not.toBeNull();
    const env = reply!.env;
    expect(Object.keys(env).filter((k) => k.startsWith('PYTHON') || k === 'VIRTUAL_ENV' || k === 'CONDA_PREFIX' || k === 'LD_PRELOAD')).toEqual([]);
    expect(env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(env.HOME).toBe(tmp);
    expect(env.LANG).toBe('C.UTF-8');
    expect(env.LIGHTBOX_FAULTS).toBe('none');
    expect(env.STUDIO_OCIO).toBe('/studio/ocio.config');
    // The nonce reached Blender and was taken out of its environment at once.
    expect(env.LIGHTBOX_REPLY_NONCE).toBeUndefined();
  }, 60_000);
});
