import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreflightReportSchema, type PreflightCheck } from '../../../shared/preflight/report';
import type { Settings } from '../../../shared/settings/schema';
import { defaultSettings } from '../../platform/settings/defaults';
import { PREFLIGHT_CHECK_IDS, runPreflight } from './run-preflight';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lightbox-preflight-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const settings = (patch: Partial<Settings> = {}) => () => ({ ...defaultSettings(2), ...patch });
// This machine's PATH has /usr/bin; BLENDER_PATH/FFMPEG_PATH from the outside must not leak in.
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.BLENDER_PATH;
  delete env.FFMPEG_PATH;
  return env;
};
const byId = (checks: PreflightCheck[], id: string) => checks.find((check) => check.id === id)!;

describe('runPreflight', () => {
  it('passes on this machine, with every check reported as it finishes', async () => {
    const dataDir = path.join(tmp, 'data-ok');
    const seen: PreflightCheck[] = [];
    const report = await runPreflight({ dataDir, settings: settings(), env: cleanEnv(), onCheck: (c) => seen.push(c) });

    expect(PreflightReportSchema.parse(report)).toEqual(report);
    expect(report.ok, JSON.stringify(report.checks, null, 2)).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([...PREFLIGHT_CHECK_IDS]);
    expect(seen.map((c) => c.id).sort()).toEqual([...PREFLIGHT_CHECK_IDS].sort());
    expect(report.blender.version).toMatch(/^[34]\.\d+\.\d+$/);
    expect(report.blender.source).toBe('path');
    expect(byId(report.checks, 'engine.CYCLES').status).toBe('ok');
    expect(report.blender.engines.find((e) => e.engine === 'CYCLES')?.renders).toBe(true);
    expect(report.ffmpeg).toMatchObject({ path: '/usr/bin/ffmpeg', encoders: { h264: true, vp9: true } });
    expect(report.ffmpeg.version).toBeTruthy();
    expect(report.dataDir.writable).toBe(true);
    expect(report.disk.freeBytes).toBeGreaterThan(0);
    // Probe output is cleaned up; only the empty tmp folder remains.
    expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.preflight'))).toEqual([]);
  });

  it('fails, naming the path, when the Blender setting points to a missing file', async () => {
    const missing = path.join(tmp, 'no', 'blender');
    const report = await runPreflight({ dataDir: path.join(tmp, 'data-missing'), settings: settings({ blenderPath: missing }), env: cleanEnv() });
    expect(PreflightReportSchema.safeParse(report).success).toBe(true);
    expect(report.ok).toBe(false);
    const check = byId(report.checks, 'blender');
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(missing);
    expect(check.fix).toBeTruthy();
    expect(report.blender).toMatchObject({ path: missing, source: 'setting', version: null });
    expect(byId(report.checks, 'engine.CYCLES').status).toBe('fail');
  });

  it('says BLENDER_PATH=/bin/true is not Blender', async () => {
    const report = await runPreflight({
      dataDir: path.join(tmp, 'data-true'),
      settings: settings(),
      env: { ...cleanEnv(), BLENDER_PATH: '/bin/true' },
    });
    expect(report.ok).toBe(false);
    const check = byId(report.checks, 'blender');
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('is not Blender');
    expect(check.fix).toBeTruthy();
    expect(report.blender.source).toBe('env');
  });

  it('fails the data-dir check when the data dir cannot be created', async () => {
    // Tests run as root, which ignores chmod; a regular file as parent blocks even root.
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const dataDir = path.join(file, 'data');
    const report = await runPreflight({ dataDir, settings: settings({ blenderPath: path.join(tmp, 'skip-blender') }), env: cleanEnv() });
    expect(PreflightReportSchema.safeParse(report).success).toBe(true);
    const check = byId(report.checks, 'data-dir');
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(dataDir);
    expect(check.fix).toMatch(/data directory/);
    expect(report.dataDir).toEqual({ path: dataDir, writable: false });
  });

  it('fails ffmpeg with the install fix when none is found', async () => {
    const report = await runPreflight({
      dataDir: path.join(tmp, 'data-noff'),
      settings: settings({ blenderPath: path.join(tmp, 'skip-blender') }),
      env: { ...cleanEnv(), PATH: tmp },
    });
    const check = byId(report.checks, 'ffmpeg');
    expect(check.status).toBe('fail');
    expect(check.fix).toBe('Install ffmpeg (apt-get install ffmpeg) or set the ffmpeg path in Settings.');
    expect(report.ffmpeg).toMatchObject({ path: null, source: null, encoders: { h264: false, vp9: false } });
  });
});
