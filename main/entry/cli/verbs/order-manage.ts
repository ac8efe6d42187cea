import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

const common = { optionHelp: [['--json', 'print the result (or the error) as JSON'], dataDirHelp] as [string, string][], options: { ...dataDirOption, json: { type: 'boolean' as const } } };

function oneId(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`name exactly one ${what}`);
  return positionals[0];
}

export const orderCancelVerb: Verb = {
  name: 'order cancel',
  summary: 'Cancel an order line waiting for dispatch: it becomes cancelled for good and is never dispatched.',
  usage: 'lightbox order cancel LINE_ID [--json] [--data-dir DIR]',
  ...common,
  async run(values, positionals, io) {
    const id = oneId(positionals, 'order line id');
    return withBackend(values, 'order cancel', io, async (backend, json) => {
      // A line rendering in the app is stopped there (its dispatch belongs to that process).
      const line = backend.production.orders.withdraw(id);
      if (json) printJson(io, line);
      else io.stdout(`Cancelled ${line.id} (line ${line.lineNo}, ${line.cadName} × ${line.outputTypeKey}) at ${line.cancelledAt ?? '?'}\n`);
      return EXIT_OK;
    });
  },
};

function archiveVerb(archive: boolean): Verb {
  const name = archive ? 'order archive' : 'order unarchive';
  return {
    name,
    summary: archive ? 'Archive an order: hidden from the order list by default, its lines are not dispatched.' : 'Bring an archived order back: listed again, its lines can be dispatched.',
    usage: `lightbox ${name} ORDER_ID [--json] [--data-dir DIR]`,
    ...common,
    async run(values, positionals, io) {
      const id = oneId(positionals, 'order id');
      return withBackend(values, name, io, async (backend, json) => {
        const { orders } = backend.production;
        const order = archive ? orders.archive(id) : orders.unarchive(id);
        if (json) printJson(io, order);
        else io.stdout(archive ? `Archived ${order.name} (${order.id}) at ${order.archivedAt ?? '?'}\n` : `${order.name} (${order.id}) is no longer archived\n`);
        return EXIT_OK;
      });
    },
  };
}

export const orderArchiveVerb = archiveVerb(true);
export const orderUnarchiveVerb = archiveVerb(false);
