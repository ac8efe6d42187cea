import { describe, expect, it } from 'vitest';
import { demandFromStatus } from './pilot-manager';
import { pilotScript, shellWord } from './pilot-job';

describe('what the pilot manager reads and writes', () => {
  it('takes demand from a farm status: queued and retrying work, idle local slots, free agent slots', () => {
    const demand = demandFromStatus({
      processes: [{ state: 'idle' }, { state: 'busy' }],
      tasks: [{ state: 'queued' }, { state: 'retrying' }, { state: 'running' }, { state: 'succeeded' }, { state: 'queued', probe: true }],
      agents: [
        { id: 'a1', state: 'online', slots: 4, busy: 1, slurmJobId: null },
        { id: 'a2', state: 'lost', slots: 2, busy: 0, slurmJobId: '17' },
      ],
    });
    expect(demand).toEqual({ queued: 2, freeSlots: 4, agents: [{ id: 'a1', slurmJobId: null }, { id: 'a2', slurmJobId: '17' }] });
  });

  it("quotes a pilot's command for the shell, expanding only the job's own variables", () => {
    expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(shellWord({ env: 'SLURM_JOB_ID' })).toBe('"$SLURM_JOB_ID"');
    expect(() => shellWord({ env: 'X; rm -rf /' })).toThrow(/not an environment variable name/);
    expect(pilotScript(['/opt/lightbox', 'agent', '--slurm-job-id', { env: 'SLURM_JOB_ID' }])).toMatch(/^#!\/bin\/sh\n[^\n]*\nexec '\/opt\/lightbox' 'agent' '--slurm-job-id' "\$SLURM_JOB_ID"\n$/);
  });
});
