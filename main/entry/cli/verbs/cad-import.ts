import path from 'node:path';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

export const cadImportVerb: Verb = {
  name: 'cad import',
  summary: 'Add a CAD file (or a folder holding a multi-file STEP assembly, kept as one zip) to the library (deduplicated by content) and ingest it: GLB, metadata, thumbnail.',
  usage: 'lightbox cad import FILE|FOLDER [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print the library entry (or the error) as JSON'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one CAD file');
    const file = path.resolve(positionals[0] as string);
    return withBackend(values, 'cad import', io, async (backend, json) => {
      const imported = await backend.production.cad.importFile(file);
      const cadFile = await imported.done;
      if (json) printJson(io, { cadFile, created: imported.created });
      else if (cadFile.status === 'ready') {
        io.stdout(`${imported.created ? 'Imported' : 'Already in the library'}: ${cadFile.name} as ${cadFile.id}\n`);
        io.stdout(`  ${cadFile.metadata?.parts.length ?? 0} parts, ${String(cadFile.metadata?.triangleCount ?? '?')} triangles, units ${cadFile.metadata?.sourceUnits ?? '?'}${cadFile.hasThumbnail ? ', thumbnail' : ''}\n`);
      } else io.stderr(`lightbox cad import: ${cadFile.name}: ingest failed: ${cadFile.error ?? 'unknown error'}\n`);
      return cadFile.status === 'ready' ? EXIT_OK : EXIT_FAILED;
    });
  },
};
