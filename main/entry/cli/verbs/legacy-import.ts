import { createNodeBackend } from '../node-backend';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, type Verb } from '../verb';
import { readLegacyFiles, reportFailure } from './legacy-common';

export const legacyImportVerb: Verb = {
  name: 'legacy import',
  summary: 'Import legacy render presets and preset workflows, all or nothing; they stay dispatchable as they are.',
  usage: 'lightbox legacy import FILE... [--json] [--data-dir DIR]',
  optionHelp: [['--json', 'print the result as JSON (the legacy.import output, or the error)'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const docs = readLegacyFiles(positionals, 'legacy import', io);
    if (typeof docs === 'number') return docs;
    const json = values.json === true;
    const backend = createNodeBackend(values['data-dir'] as string | undefined, io.env);
    try {
      const result = backend.legacy.import(docs);
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.stdout(`Imported ${result.imported.length} legacy document${result.imported.length === 1 ? '' : 's'}:\n`);
        const width = Math.max(...result.imported.map((r) => r.key.length));
        for (const r of result.imported) io.stdout(`  ${r.status.padEnd(9)}  ${r.kind.padEnd(15)}  ${r.key.padEnd(width)}  ${r.fileName}\n`);
      }
      return EXIT_OK;
    } catch (error) {
      return reportFailure(error, 'legacy import', json, io);
    } finally {
      backend.close();
    }
  },
};
