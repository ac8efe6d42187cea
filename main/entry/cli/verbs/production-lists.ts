import { NotificationStateSchema } from '../../../../shared/notifications/api';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

export const assetsListVerb: Verb = {
  name: 'assets list',
  summary: 'List the published media assets, newest first.',
  usage: 'lightbox assets list [--order-line ID] [--json] [--data-dir DIR]',
  optionHelp: [['--order-line ID', 'only the assets of this order line'], ['--json', 'print them as JSON'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' }, 'order-line': { type: 'string' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'assets list', io, async (backend, json) => {
      const assets = backend.production.media.list(values['order-line'] as string | undefined);
      if (json) printJson(io, { assets });
      else if (assets.length === 0) io.stdout('No media assets.\n');
      else for (const a of assets) io.stdout(`${a.id}  ${a.kind.padEnd(16)} ${a.file}  ${a.width ?? '?'}×${a.height ?? '?'}  ${a.orderLineId ?? '-'}\n`);
      return EXIT_OK;
    });
  },
};

export const notificationsListVerb: Verb = {
  name: 'notifications list',
  summary: 'List the notification outbox with each delivery state, newest first.',
  usage: 'lightbox notifications list [--order-line ID] [--state pending|delivered|failed] [--json] [--data-dir DIR]',
  optionHelp: [['--order-line ID', 'only those of this order line'], ['--state STATE', 'only pending, delivered or failed ones'], ['--json', 'print them as JSON'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' }, 'order-line': { type: 'string' }, state: { type: 'string' } },
  async run(values, _positionals, io) {
    const state = values.state === undefined ? undefined : NotificationStateSchema.safeParse(values.state);
    if (state && !state.success) throw new UsageError(`--state must be pending, delivered or failed, not "${String(values.state)}"`);
    return withBackend(values, 'notifications list', io, async (backend, json) => {
      const notifications = backend.production.outbox.list({
        ...(typeof values['order-line'] === 'string' ? { orderLineId: values['order-line'] } : {}),
        ...(state?.data ? { state: state.data } : {}),
      });
      if (json) printJson(io, { notifications });
      else if (notifications.length === 0) io.stdout('No notifications.\n');
      else for (const n of notifications) io.stdout(`${n.id}  ${n.channel.padEnd(8)} ${n.event.padEnd(17)} ${n.state.padEnd(9)} attempts ${n.attempts}${n.lastError ? `  ${n.lastError}` : ''}\n`);
      return EXIT_OK;
    });
  },
};
