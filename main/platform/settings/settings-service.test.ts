import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure } from '../../../shared/contract';
import { JsonFileStore } from './json-file-store';
import { createSettingsService, shownSettings, type StoredSettings } from './settings-service';
import { defaultSettings } from './defaults';
import { makeTempDir } from '../../testing/temp-dir';

describe('settings service', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());
  const open = () => new JsonFileStore<StoredSettings>({ cwd: tmp.dir, name: 'settings' });

  it('answers machine defaults when nothing is stored', () => {
    const service = createSettingsService(open(), defaultSettings(8));
    expect(service.get()).toEqual({ blenderPath: null, ffmpegPath: null, farm: { concurrency: 4, threadsPerBlender: 2, mode: 'warm' }, cadIngestWorkflowId: null, blenderEnv: {}, cadMaxFileMiB: 512, slurm: null });
  });

  it('the CAD size cap (cadMaxFileMiB) defaults to 512 MiB, is stored when changed, and refuses what is not a whole number of MiB', () => {
    const service = createSettingsService(open(), defaultSettings(8));
    expect(service.get().cadMaxFileMiB).toBe(512);
    expect(service.update({ cadMaxFileMiB: 2048 }).cadMaxFileMiB).toBe(2048);
    expect(createSettingsService(open(), defaultSettings(8)).get().cadMaxFileMiB).toBe(2048);
    for (const bad of [0, -1, 1.5, 1_000_000]) expect(() => service.update({ cadMaxFileMiB: bad })).toThrow(ApiFailure);
    expect(service.get().cadMaxFileMiB).toBe(2048);
  });

  it('a Slurm cluster: stored with its defaults filled, refused by field path, the JWT hidden when shown and kept when sent back hidden', () => {
    const service = createSettingsService(open(), defaultSettings(8));
    const slurm = {
      url: 'https://slurm.studio.lan:6820',
      auth: { kind: 'jwt' as const, user: 'lightbox', token: 'jwt-secret' },
      maxPilots: 4,
      coresPerPilot: 8,
      memoryMbPerPilot: 16_000,
      slotsPerPilot: 2,
      idleTimeoutSeconds: 120,
      timeLimitMinutes: 720,
      controllerUrl: 'http://10.0.0.5:7400',
      command: ['lightbox'],
      workDir: '/shared/pilots',
      environment: {},
    };
    expect(service.update({ slurm }).slurm).toEqual(slurm);
    expect(open().store.slurm).toEqual(slurm);
    // Refused by path, the stored value untouched.
    const refusal = (() => {
      try {
        service.update({ slurm: { ...slurm, maxPilots: 0 } });
      } catch (e) {
        return e as ApiFailure;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(ApiFailure);
    expect(refusal?.path).toBe('slurm.maxPilots');
    expect(service.get().slurm?.maxPilots).toBe(4);
    // What settings.get shows; sent back as shown, it keeps the token.
    const shown = shownSettings(service.get());
    expect(shown.slurm?.auth).toEqual({ kind: 'jwt', user: 'lightbox', token: '(hidden)' });
    expect(service.get().slurm?.auth).toEqual({ kind: 'jwt', user: 'lightbox', token: 'jwt-secret' });
    expect(service.update({ slurm: { ...(shown.slurm as typeof slurm), maxPilots: 6 } }).slurm).toMatchObject({ maxPilots: 6, auth: { token: 'jwt-secret' } });
    // With no token stored, "(hidden)" is refused rather than stored as the token.
    service.update({ slurm: null });
    expect(() => service.update({ slurm: { ...slurm, auth: { ...slurm.auth, token: '(hidden)' } } })).toThrow(/slurm\.auth\.token: '\(hidden\)' keeps a stored token, and none is stored/);
    expect(service.get().slurm).toBeNull();
  });

  it('stores only what was changed, merges nested fields, and notifies', () => {
    const onChange = vi.fn();
    const service = createSettingsService(open(), defaultSettings(8), onChange);
    const next = service.update({ farm: { threadsPerBlender: 3 } });
    expect(next.farm).toEqual({ concurrency: 4, threadsPerBlender: 3, mode: 'warm' });
    expect(open().store).toEqual({ farm: { threadsPerBlender: 3 } });
    expect(onChange).toHaveBeenCalledWith(next);
    // A second partial change keeps the first.
    service.update({ blenderPath: '/opt/blender/blender', farm: { mode: 'cold' } });
    expect(createSettingsService(open(), defaultSettings(8)).get()).toMatchObject({
      blenderPath: '/opt/blender/blender',
      farm: { concurrency: 4, threadsPerBlender: 3, mode: 'cold' },
    });
  });

  it('refuses an out-of-range value by field and keeps the file as it was', () => {
    const service = createSettingsService(open(), defaultSettings(8));
    service.update({ farm: { threadsPerBlender: 3 } });
    const before = fs.readFileSync(open().path, 'utf8');
    let caught: unknown;
    try {
      service.update({ farm: { concurrency: -1 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiFailure);
    expect((caught as ApiFailure).path).toBe('farm.concurrency');
    expect(fs.readFileSync(open().path, 'utf8')).toBe(before);
    expect(service.get().farm.concurrency).toBe(4);
  });

  it('falls back per field on a hand-edited bad value, reports it, and does not rewrite the file', () => {
    const store = open();
    fs.writeFileSync(store.path, JSON.stringify({ farm: { concurrency: -3, mode: 'cold' } }));
    const service = createSettingsService(open(), defaultSettings(8));
    expect(service.get().farm).toEqual({ concurrency: 4, threadsPerBlender: 2, mode: 'cold' });
    expect(service.problems().join('\n')).toMatch(/farm\.concurrency/);
    expect(JSON.parse(fs.readFileSync(store.path, 'utf8'))).toEqual({ farm: { concurrency: -3, mode: 'cold' } });
  });

  it('stores extra Blender environment variables, and refuses a bad name or a NUL value by field', () => {
    const service = createSettingsService(open(), defaultSettings(8));
    expect(service.update({ blenderEnv: { OCIO: '/studio/ocio.config', studio_licence: 'srv:5053' } }).blenderEnv).toEqual({ OCIO: '/studio/ocio.config', studio_licence: 'srv:5053' });
    expect(createSettingsService(open(), defaultSettings(8)).get().blenderEnv).toEqual({ OCIO: '/studio/ocio.config', studio_licence: 'srv:5053' });
    const before = fs.readFileSync(open().path, 'utf8');
    for (const [env, at] of [
      [{ 'BAD-NAME': 'x' }, 'blenderEnv.BAD-NAME'],
      [{ '1ABC': 'x' }, 'blenderEnv.1ABC'],
      [{ OK: 'a\0b' }, 'blenderEnv.OK'],
    ] as const) {
      let caught: unknown;
      try {
        service.update({ blenderEnv: env as Record<string, string> });
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(env)).toBeInstanceOf(ApiFailure);
      expect((caught as ApiFailure).path).toBe(at);
      // A bad name says what a name must be (not only that the key is invalid).
      if (at !== 'blenderEnv.OK') expect((caught as ApiFailure).message).toMatch(/must be a variable name/);
    }
    expect(fs.readFileSync(open().path, 'utf8')).toBe(before);
  });
});
