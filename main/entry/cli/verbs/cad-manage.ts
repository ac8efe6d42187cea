import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

const common = { optionHelp: [['--json', 'print the result (or the error) as JSON'], dataDirHelp] as [string, string][], options: { ...dataDirOption, json: { type: 'boolean' as const } } };

function oneId(positionals: string[]): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('name exactly one CAD file id');
  return positionals[0];
}

export const cadDeleteVerb: Verb = {
  name: 'cad delete',
  summary: 'Delete a CAD file from the library with its stored files; refused while order lines use it.',
  usage: 'lightbox cad delete ID [--json] [--data-dir DIR]',
  ...common,
  async run(values, positionals, io) {
    const id = oneId(positionals);
    return withBackend(values, 'cad delete', io, async (backend, json) => {
      const deleted = await backend.production.cad.delete(id);
      if (json) printJson(io, deleted);
      else io.stdout(`Deleted ${deleted.name} (${deleted.id})\n`);
      return EXIT_OK;
    });
  },
};

export const cadRetryVerb: Verb = {
  name: 'cad retry',
  summary: "Ingest a failed CAD file again from the library's copy of its original.",
  usage: 'lightbox cad retry ID [--json] [--data-dir DIR]',
  ...common,
  async run(values, positionals, io) {
    const id = oneId(positionals);
    return withBackend(values, 'cad retry', io, async (backend, json) => {
      const cadFile = await backend.production.cad.retry(id).done;
      if (json) printJson(io, { cadFile });
      else if (cadFile.status === 'ready') io.stdout(`Ready: ${cadFile.name} (${cadFile.id})\n`);
      else io.stderr(`lightbox cad retry: ${cadFile.name}: ingest failed: ${cadFile.error ?? 'unknown error'}\n`);
      return cadFile.status === 'ready' ? EXIT_OK : EXIT_FAILED;
    });
  },
};
