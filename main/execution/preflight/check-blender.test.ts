import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denoiserCheck, probeEngine } from './check-blender';
import { readPngSize } from '../../platform/files/png-size';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-probe-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('probeEngine', () => {
  it('renders a real 16x16 PNG with Cycles', async () => {
    const probe = await probeEngine({ binary: '/usr/bin/blender', engine: 'CYCLES', outDir: tmp, timeoutMs: 60_000 });
    expect(probe.renders, probe.detail).toBe(true);
    expect(probe.file).not.toBeNull();
    expect(await readPngSize(probe.file!)).toEqual({ width: 16, height: 16 });
    expect(probe.detail).toContain('16x16');
  });

  it('explains a failure instead of claiming success', async () => {
    // /bin/true exits 0 without rendering: success must come from the PNG, not the exit code.
    const probe = await probeEngine({ binary: '/bin/true', engine: 'CYCLES', outDir: tmp, timeoutMs: 10_000 });
    expect(probe.renders).toBe(false);
    expect(probe.detail).toMatch(/without reporting a result/);
  });
});

describe('readPngSize', () => {
  it('returns null for files that are not PNGs', async () => {
    const file = path.join(tmp, 'fake.png');
    fs.writeFileSync(file, 'not a png at all, but long enough');
    expect(await readPngSize(file)).toBeNull();
    expect(await readPngSize(path.join(tmp, 'missing.png'))).toBeNull();
  });
});

describe('denoiser support', () => {
  it('reports what this Blender really has: Debian 3.4.1 has no OpenImageDenoise, so a warning with a fix', async () => {
    const probe = await probeEngine({ binary: '/usr/bin/blender', engine: 'CYCLES', outDir: tmp, timeoutMs: 60_000 });
    expect(probe.renders).toBe(true);
    expect(typeof probe.denoiser).toBe('boolean');
    const check = denoiserCheck(probe.denoiser);
    if (probe.denoiser) expect(check.status).toBe('ok');
    else expect(check).toMatchObject({ status: 'warn', detail: expect.stringMatching(/denoise = true will fail/), fix: expect.any(String) });
  });
});
