import { describe, expect, it } from 'vitest';
import { parseSlurmSettings, SlurmSettingsError } from './settings';

const good = {
  socketPath: '/run/slurmrestd.socket',
  auth: { kind: 'local' },
  partition: 'render',
  maxPilots: 4,
  coresPerPilot: 8,
  memoryMbPerPilot: 16000,
  controllerUrl: 'http://10.0.0.5:7400',
  workDir: '/shared/lightbox/pilots',
};

function refusal(input: unknown): string[] {
  try {
    parseSlurmSettings(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SlurmSettingsError);
    return (error as SlurmSettingsError).issues.map((i) => i.message);
  }
  throw new Error('accepted');
}

describe('Slurm settings', () => {
  it('takes a unix socket with local auth and fills the defaults', () => {
    const s = parseSlurmSettings(good);
    expect(s).toMatchObject({ slotsPerPilot: 1, idleTimeoutSeconds: 120, timeLimitMinutes: 720, command: ['lightbox'], environment: {} });
  });

  it('takes a URL with a JWT', () => {
    const { socketPath: _unused, ...rest } = good;
    expect(parseSlurmSettings({ ...rest, url: 'https://slurm.example:6820', auth: { kind: 'jwt', user: 'render', token: 'eyJ.x.y' } }).url).toBe('https://slurm.example:6820');
  });

  it('refuses bad values naming the field and what it found', () => {
    expect(refusal({ ...good, maxPilots: 0 })).toEqual([expect.stringMatching(/^maxPilots: .*got 0$/)]);
    expect(refusal({ ...good, coresPerPilot: 'lots' })).toEqual([expect.stringMatching(/^coresPerPilot: .*"lots"/)]);
    expect(refusal({ ...good, workDir: 'pilots' })).toEqual(['workDir: must be an absolute path, got "pilots"']);
    expect(refusal({ ...good, controllerUrl: 'ftp://x' })).toEqual(['controllerUrl: must be an http:// or https:// URL, got "ftp://x"']);
    expect(refusal({ ...good, environment: { 'BAD-NAME': '1' } })[0]).toMatch(/^environment\.BAD-NAME: /);
  });

  it('wants exactly one endpoint, and local auth only on a socket', () => {
    expect(refusal({ ...good, url: 'http://127.0.0.1:6820' })).toEqual([
      'socketPath: give exactly one of socketPath (unix socket) or url, got "/run/slurmrestd.socket"',
      'auth.kind: local auth works on a unix socket only: use a JWT with a url, got "local"',
    ]);
    const { socketPath: _unused, ...none } = good;
    expect(refusal(none)).toEqual(['socketPath: give exactly one of socketPath (unix socket) or url, got nothing']);
  });

  it('never repeats a token in a refusal', () => {
    const messages = refusal({ ...good, auth: { kind: 'jwt', user: '', token: 'secret-token-value' } });
    expect(messages.join(' ')).not.toContain('secret-token-value');
    expect(messages[0]).toMatch(/^auth\.user: /);
  });
});
