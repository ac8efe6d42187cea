import path from 'node:path';
import fs from 'node:fs';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_FAILED, EXIT_OK, UsageError, type Verb } from '../verb';
import { positiveInt, printJson, withBackend } from './production-common';

export const orderCreateVerb: Verb = {
  name: 'order create',
  summary: 'Create an order of a CAD file (a path, imported first, or a library id) in one output type.',
  usage: 'lightbox order create --cad FILE|ID --output-type KEY [--lines N] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--cad FILE|ID', 'a CAD file to import (or find) in the library, or the id of one already there'],
    ['--output-type KEY', 'the output type (an imported render preset) to render'],
    ['--lines N', 'how many order lines (default 1)'],
    ['--json', 'print the order with its lines (or the error) as JSON'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, json: { type: 'boolean' }, cad: { type: 'string' }, 'output-type': { type: 'string' }, lines: { type: 'string' } },
  async run(values, _positionals, io) {
    const cad = values.cad;
    const outputType = values['output-type'];
    if (typeof cad !== 'string' || cad === '') throw new UsageError('--cad is required');
    if (typeof outputType !== 'string' || outputType === '') throw new UsageError('--output-type is required');
    const copies = positiveInt(values.lines, '--lines') ?? 1;
    return withBackend(values, 'order create', io, async (backend, json) => {
      const { production } = backend;
      let cadFileId = cad;
      if (fs.existsSync(cad)) {
        const imported = await production.cad.importFile(path.resolve(cad));
        const file = await imported.done;
        if (file.status !== 'ready') {
          io.stderr(`lightbox order create: ${file.name}: ingest failed: ${file.error ?? 'unknown error'}\n`);
          return EXIT_FAILED;
        }
        cadFileId = file.id;
      }
      const order = production.orders.create({ cadFileIds: [cadFileId], outputTypeKeys: [outputType], copies });
      if (json) printJson(io, order);
      else {
        io.stdout(`Order ${order.id}: ${order.lines.length} line(s)\n`);
        for (const l of order.lines) io.stdout(`  ${l.id}  ${l.cadName} × ${l.outputTypeKey}  ${l.status}\n`);
      }
      return EXIT_OK;
    });
  },
};
