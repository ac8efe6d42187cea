import { describe, expect, it } from 'vitest';
import { blenderEnvironment, systemPath } from './blender-env';

const userEnv: NodeJS.ProcessEnv = {
  PATH: '/home/u/.pyenv/shims:/home/u/.local/bin:/usr/bin:/bin',
  HOME: '/home/u',
  USER: 'u',
  TMPDIR: '/tmp/u',
  LANG: 'de_DE.UTF-8',
  LC_ALL: 'de_DE.UTF-8',
  TZ: 'Europe/Berlin',
  DISPLAY: ':0',
  PYTHONHOME: '/home/u/.pyenv/versions/3.11.7',
  PYTHONPATH: '/home/u/site',
  PYTHONSTARTUP: '/home/u/.pythonrc',
  PYTHONUSERBASE: '/home/u/.local',
  PYTHONSAFEPATH: '1',
  VIRTUAL_ENV: '/home/u/venv',
  CONDA_PREFIX: '/opt/conda',
  LD_PRELOAD: '/home/u/hook.so',
  LD_LIBRARY_PATH: '/opt/conda/lib',
  NODE_OPTIONS: '--inspect',
  LIGHTBOX_REPLY_NONCE: 'abc',
  LIGHTBOX_FAULTS: 'x',
  AWS_SECRET_ACCESS_KEY: 'secret',
};

describe('blenderEnvironment', () => {
  it('keeps home, temp, locale, display and LIGHTBOX_*, drops every Python and loader variable, and uses the system PATH', () => {
    const env = blenderEnvironment(userEnv, {}, 'linux');
    expect(env).toEqual({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/home/u',
      USER: 'u',
      TMPDIR: '/tmp/u',
      LANG: 'de_DE.UTF-8',
      LC_ALL: 'de_DE.UTF-8',
      TZ: 'Europe/Berlin',
      DISPLAY: ':0',
      LIGHTBOX_REPLY_NONCE: 'abc',
      LIGHTBOX_FAULTS: 'x',
    });
  });

  it('adds the extra variables from Settings (PATH too), and ignores invalid names or NUL values from a hand-edited file', () => {
    const env = blenderEnvironment(userEnv, { OCIO: '/studio/ocio.config', PATH: '/opt/studio/bin:/usr/bin:/bin', 'BAD-NAME': 'x', '1X': 'y', NUL: 'a\0b' }, 'linux');
    expect(env.OCIO).toBe('/studio/ocio.config');
    expect(env.PATH).toBe('/opt/studio/bin:/usr/bin:/bin');
    expect(env['BAD-NAME']).toBeUndefined();
    expect(env['1X']).toBeUndefined();
    expect(env.NUL).toBeUndefined();
    expect(env.PYTHONPATH).toBeUndefined();
  });

  it('has a system PATH for macOS and Windows too', () => {
    expect(systemPath('darwin')).toBe('/usr/bin:/bin:/usr/sbin:/sbin');
    const win = blenderEnvironment({ Path: 'C:\\Users\\u\\AppData\\Local\\Programs\\Python\\Python311;C:\\Windows\\System32', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\u', PYTHONHOME: 'C:\\Python311', TEMP: 'C:\\Temp' }, {}, 'win32');
    expect(win).toEqual({
      Path: 'C:\\Windows\\System32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0',
      SystemRoot: 'C:\\Windows',
      USERPROFILE: 'C:\\Users\\u',
      TEMP: 'C:\\Temp',
    });
  });
});
