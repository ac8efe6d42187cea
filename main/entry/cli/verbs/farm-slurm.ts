import fs from 'node:fs';
import { withHiddenSecret } from '../../../../shared/farm/slurm';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';
import { withBackend } from './production-common';

/**
 * The farm's Slurm cluster, kept in the data directory's settings (`slurm`): `lightbox serve`
 * submits pilot jobs with it. Set from a JSON file so a studio keeps it beside its cluster's docs;
 * checked by the same schema as settings.update, refusals naming the field path.
 */
export const farmSlurmSetVerb: Verb = {
  name: 'farm slurm set',
  summary: "Point the farm at a Slurm cluster (slurmrestd, partition, pilot size, idle timeout) from a JSON file; lightbox serve submits pilots with it.",
  usage: 'lightbox farm slurm set FILE [--json] [--data-dir DIR]',
  optionHelp: [['FILE', 'JSON: {socketPath | url, auth, partition, account, maxPilots, coresPerPilot, memoryMbPerPilot, slotsPerPilot, idleTimeoutSeconds, timeLimitMinutes, controllerUrl, command, workDir, environment}'], ['--json', 'print the stored setting (the JWT hidden)'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name one JSON file with the Slurm settings');
    const file = positionals[0] as string;
    let input: unknown;
    try {
      input = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(error as Error).message})`}`);
    }
    return withBackend(values, 'farm slurm set', io, async (backend, json) => {
      const stored = withHiddenSecret(backend.settings.update({ slurm: input as never }).slurm);
      if (json) io.stdout(`${JSON.stringify(stored)}\n`);
      else io.stdout(`Slurm cluster set: up to ${stored?.maxPilots} pilot(s) of ${stored?.coresPerPilot} cores on ${stored?.partition ?? 'the default partition'}; lightbox serve submits them while tasks wait.\n`);
      return EXIT_OK;
    });
  },
};

export const farmSlurmShowVerb: Verb = {
  name: 'farm slurm show',
  summary: "The farm's Slurm setting (the JWT hidden), or null when none is set.",
  usage: 'lightbox farm slurm show [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print the setting as JSON'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'farm slurm show', io, async (backend) => {
      const shown = withHiddenSecret(backend.settings.get().slurm);
      io.stdout(values.json || shown ? `${JSON.stringify(shown, null, values.json ? undefined : 2)}\n` : 'No Slurm cluster set: lightbox farm slurm set FILE\n');
      return EXIT_OK;
    });
  },
};

export const farmSlurmOffVerb: Verb = {
  name: 'farm slurm off',
  summary: 'Stop using the Slurm cluster: no new pilots; running ones finish their work and idle out.',
  usage: 'lightbox farm slurm off [--data-dir DIR]',
  optionHelp: [dataDirHelp],
  options: { ...dataDirOption },
  async run(values, _positionals, io) {
    return withBackend(values, 'farm slurm off', io, async (backend) => {
      backend.settings.update({ slurm: null });
      io.stdout('Slurm cluster unset: no new pilots will be submitted.\n');
      return EXIT_OK;
    });
  },
};
