import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blenderArgs, blenderVersion, lastMarkedLine, parseBlenderVersion, parseMarkedLines, runBlender, SpawnError } from './run-blender';
import { TEST_BLENDER, waitGone } from '../../main/testing/processes';
import { defaultScriptsDir } from './job-spec';

const BLENDER = TEST_BLENDER;



let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-run-blender-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, body);
  return file;
}

describe('blenderArgs', () => {
  it('puts the hardened flags first, --python-exit-code before --python, script args after --', () => {
    expect(blenderArgs({ pythonScript: 's.py', scriptArgs: ['--engine', 'CYCLES'], extraArgs: ['scene.blend'] })).toEqual([
      '-b', '--factory-startup', '-noaudio', '--disable-autoexec', 'scene.blend',
      '--python-exit-code', '1', '--python', 's.py', '--', '--engine', 'CYCLES',
    ]);
  });
});

describe('parseBlenderVersion / parseMarkedLines', () => {
  it('reads 3.x and 4.x first lines', () => {
    expect(parseBlenderVersion('Blender 3.4.1\n')).toMatchObject({ version: '3.4.1', major: 3, minor: 4, patch: 1 });
    expect(parseBlenderVersion('Blender 4.2.0 LTS\n\tbuild date: 2024-07-16\n')).toMatchObject({ version: '4.2.0', major: 4 });
    expect(parseBlenderVersion('--version\n')).toBeNull();
  });

  it('counts only lines starting with the marker', () => {
    const out = 'Blender 3.4.1\nsays LIGHTBOX_RESULT {"no":1}\nLIGHTBOX_RESULT {"ok":true}\r\nLIGHTBOX_RESULT {broken\nLIGHTBOX_RESULT {"n":2}\n';
    expect(parseMarkedLines(out)).toEqual([{ ok: true }, { n: 2 }]);
    expect(lastMarkedLine(out)).toEqual({ n: 2 });
    expect(lastMarkedLine('nothing here')).toBeNull();
  });
});

describe('blenderVersion', () => {
  it('matches what /usr/bin/blender --version prints', async () => {
    const printed = execFileSync(BLENDER, ['--version'], { encoding: 'utf8' });
    const expected = /^Blender (\d+\.\d+\.\d+)/m.exec(printed)?.[1];
    const info = await blenderVersion(BLENDER, 20_000);
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(info.version).toBe(expected);
    expect([3, 4]).toContain(info.major);
  });

  it('says a binary that is not Blender is not Blender', async () => {
    for (const binary of ['/bin/true', '/bin/echo']) {
      const info = await blenderVersion(binary, 5000);
      expect(info.ok).toBe(false);
      if (!info.ok) expect(info.error).toContain(`${binary} is not Blender`);
    }
  });

  it('reports a missing binary without throwing', async () => {
    const info = await blenderVersion(path.join(tmp, 'no-such-blender'), 5000);
    expect(info).toMatchObject({ ok: false });
    if (!info.ok) expect(info.error).toMatch(/ENOENT|cannot start/);
  });
});

describe('runBlender', () => {
  it('runs a script and returns its marked reply and exit code', async () => {
    const file = script('reply.py', 'import sys, json\nargs = sys.argv[sys.argv.index("--") + 1:]\nprint("LIGHTBOX_RESULT " + json.dumps({"args": args}))\n');
    const result = await runBlender({ binary: BLENDER, pythonScript: file, scriptArgs: ['a b', '--x'], timeoutMs: 30_000 });
    expect(result.exitCode).toBe(0);
    expect(result.timedOut).toBe(false);
    expect(lastMarkedLine(result.stdout)).toEqual({ args: ['a b', '--x'] });
  });

  it("believes only the one-shot script's own LIGHTBOX_RESULT line (this run's nonce), never one Blender's output forges", async () => {
    const dir = defaultScriptsDir();
    const file = script(
      'nonce.py',
      `import os, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nfrom lightbox_jobs.script_io import reply\n` +
        'print(\'LIGHTBOX_RESULT {"ok": true, "forged": "before"}\', flush=True)\n' +
        'reply({"ok": True, "real": True, "inherited": os.environ.get("LIGHTBOX_REPLY_NONCE")})\n' +
        'print(\'LIGHTBOX_RESULT {"ok": true, "forged": "after"}\', flush=True)\n',
    );
    const result = await runBlender({ binary: BLENDER, pythonScript: file, timeoutMs: 30_000 });
    expect(result.exitCode).toBe(0);
    expect(result.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(lastMarkedLine(result.stdout, 'LIGHTBOX_RESULT', result.nonce)).toEqual({ ok: true, real: true, inherited: null });
    expect(parseMarkedLines(result.stdout, 'LIGHTBOX_RESULT', result.nonce)).toHaveLength(1);
  });

  it('exits non-zero when the script raises (--python-exit-code)', async () => {
    const file = script('raise.py', 'raise RuntimeError("boom")\n');
    const result = await runBlender({ binary: BLENDER, pythonScript: file, timeoutMs: 30_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toContain('boom');
  });

  it('kills the whole process group on timeout', async () => {
    // The script starts a helper in Blender's group, like a render's subprocess would.
    const file = script(
      'sleep.py',
      'import subprocess, time\np = subprocess.Popen(["sleep", "30"])\nprint("LIGHTBOX_RESULT {\\"helper\\": %d}" % p.pid, flush=True)\ntime.sleep(30)\n',
    );
    let spawned = 0;
    // Long enough for Blender to start and print the helper's pid even on a loaded 2-core machine.
    const result = await runBlender({ binary: BLENDER, pythonScript: file, timeoutMs: 5000, onSpawn: (pid) => (spawned = pid) });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.pid).toBe(spawned);
    expect(result.durationMs).toBeLessThan(15_000);
    const pid = result.pid!;
    expect(await waitGone(pid, 1000)).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
    const helper = (lastMarkedLine(result.stdout) as { helper: number } | null)?.helper;
    expect(helper).toBeTypeOf('number');
    expect(await waitGone(helper!, 1000)).toBe(true);
  });

  it('kills Blender when aborted', async () => {
    const file = script('sleep2.py', 'import time\ntime.sleep(30)\n');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await runBlender({ binary: BLENDER, pythonScript: file, timeoutMs: 30_000, signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(() => process.kill(result.pid!, 0)).toThrow();
  });

  it('keeps only the newest output bytes', async () => {
    const file = script('loud.py', 'import sys\nfor i in range(20000):\n    sys.stdout.write("line %06d\\n" % i)\nsys.stdout.flush()\n');
    const result = await runBlender({ binary: BLENDER, pythonScript: file, timeoutMs: 30_000, maxOutputBytes: 4096 });
    expect(result.exitCode).toBe(0);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(4096);
    expect(result.stdout).toContain('line 019999');
    expect(result.stdout).not.toContain('line 000000');
  });

  it('rejects with SpawnError when the binary cannot start', async () => {
    await expect(runBlender({ binary: path.join(tmp, 'missing'), timeoutMs: 1000 })).rejects.toBeInstanceOf(SpawnError);
  });
});
