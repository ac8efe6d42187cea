import { NotificationStateSchema, type Notification } from '../../../../shared/notifications/api';
import type { MediaAsset } from '../../../../shared/media/api';
import { OrderLineStatusSchema, type OrderLine, type OrderSummary } from '../../../../shared/orders/api';
import { RunStatusSchema, type RunListItem } from '../../../../shared/runs/api';
import { CadStatusSchema, type CadFile } from '../../../../shared/cad/api';
import type { z } from 'zod';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { UsageError, type Verb } from '../verb';
import { withBackend } from './production-common';
import { pageHelp, pageOptions, pageUsage, printList } from './list-paging';

/** A flag's value checked against an enum, the message naming the flag and the value. */
function oneOf<T extends string>(value: string | boolean | undefined, flag: string, schema: z.ZodEnum<Record<T, T>>): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag} must be ${schema.options.join(', ')}, not "${String(value)}"`);
  return parsed.data as T;
}
const text = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);
const defined = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
const searchHelp: [string, string] = ['--search TEXT', 'only those whose searched fields contain TEXT'];

export const assetsListVerb: Verb = {
  name: 'assets list',
  summary: 'List the published media assets, newest first, a page at a time.',
  usage: `lightbox assets list [--order-line ID] [--search TEXT] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--order-line ID', 'only the assets of this order line'], ['--search TEXT', 'only files or formats containing TEXT'], ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, 'order-line': { type: 'string' }, search: { type: 'string' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'assets list', io, (backend) =>
      printList<MediaAsset>(backend, io, values, {
        method: 'assets.list',
        input: defined({ orderLineId: text(values['order-line']), q: text(values.search) }),
        key: 'assets',
        empty: 'No media assets.',
        line: (a) => `${a.id}  ${a.kind.padEnd(16)} ${a.file}  ${a.width ?? '?'}×${a.height ?? '?'}  ${a.orderLineId ?? '-'}`,
      }),
    );
  },
};

export const notificationsListVerb: Verb = {
  name: 'notifications list',
  summary: 'List the notification outbox with each delivery state, newest first, a page at a time.',
  usage: `lightbox notifications list [--order-line ID] [--state pending|delivered|failed] [--search TEXT] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--order-line ID', 'only those of this order line'], ['--state STATE', 'only pending, delivered or failed ones'], ['--search TEXT', 'only events or targets containing TEXT'], ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, 'order-line': { type: 'string' }, state: { type: 'string' }, search: { type: 'string' } },
  async run(values, _positionals, io) {
    const state = oneOf(values.state, '--state', NotificationStateSchema);
    return withBackend(values, 'notifications list', io, (backend) =>
      printList<Notification>(backend, io, values, {
        method: 'notifications.list',
        input: defined({ orderLineId: text(values['order-line']), state, q: text(values.search) }),
        key: 'notifications',
        empty: 'No notifications.',
        line: (n) => `${n.id}  ${n.channel.padEnd(8)} ${n.event.padEnd(17)} ${n.state.padEnd(9)} attempts ${n.attempts}${n.lastError ? `  ${n.lastError}` : ''}`,
      }),
    );
  },
};

export const orderListVerb: Verb = {
  name: 'order list',
  summary: 'List the orders, newest first, a page at a time, with their lines counted per status.',
  usage: `lightbox order list [--archived] [--search TEXT] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--archived', 'archived orders too'], ['--search TEXT', 'only orders whose name or id contains TEXT'], ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, archived: { type: 'boolean' }, search: { type: 'string' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'order list', io, (backend) =>
      printList<OrderSummary>(backend, io, values, {
        method: 'orders.list',
        input: defined({ includeArchived: values.archived === true, q: text(values.search) }),
        key: 'orders',
        empty: 'No orders.',
        line: (o) =>
          `${o.id}  ${o.name}  ${o.lineCount} ${o.lineCount === 1 ? 'line' : 'lines'}: ${Object.entries(o.lineCounts)
            .filter(([, n]) => n > 0)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ')}${o.archivedAt ? '  (archived)' : ''}`,
      }),
    );
  },
};

export const orderLinesVerb: Verb = {
  name: 'order lines',
  summary: 'List order lines a page at a time: of one order in line order, or of every order newest first.',
  usage: `lightbox order lines [--order ID] [--status STATUS] [--search TEXT] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--order ID', 'the lines of this order'], ['--status STATUS', 'only queued, rendering, succeeded, failed or cancelled lines'], searchHelp, ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, order: { type: 'string' }, status: { type: 'string' }, search: { type: 'string' } },
  async run(values, _positionals, io) {
    const status = oneOf(values.status, '--status', OrderLineStatusSchema);
    return withBackend(values, 'order lines', io, (backend) =>
      printList<OrderLine>(backend, io, values, {
        method: 'orders.lines',
        input: defined({ orderId: text(values.order), status, q: text(values.search) }),
        key: 'lines',
        empty: 'No order lines.',
        line: (l) => `${l.id}  ${String(l.lineNo).padStart(5)}  ${l.status.padEnd(10)} ${l.cadName}  ${l.outputTypeKey}`,
      }),
    );
  },
};

export const runsListVerb: Verb = {
  name: 'runs list',
  summary: 'List runs, newest first, a page at a time.',
  usage: `lightbox runs list [--workflow ID] [--status STATUS] [--search TEXT] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--workflow ID', 'only runs of this workflow'], ['--status STATUS', 'only running, succeeded, failed, cancelled or interrupted runs'], searchHelp, ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, workflow: { type: 'string' }, status: { type: 'string' }, search: { type: 'string' } },
  async run(values, _positionals, io) {
    const status = oneOf(values.status, '--status', RunStatusSchema);
    return withBackend(values, 'runs list', io, (backend) =>
      printList<RunListItem>(backend, io, values, {
        method: 'runs.list',
        input: defined({ workflowId: text(values.workflow), status, q: text(values.search) }),
        key: 'runs',
        empty: 'No runs.',
        line: (r) => `${r.id}  ${r.status.padEnd(11)} ${r.mode.padEnd(6)} ${r.role.padEnd(13)} ${r.startedAt}  ${r.workflowId ?? r.pipelineKey ?? '-'}  ${r.cadFileName ?? '-'}`,
      }),
    );
  },
};

export const cadListVerb: Verb = {
  name: 'cad list',
  summary: 'List the CAD library, newest first, a page at a time.',
  usage: `lightbox cad list [--status ingesting|ready|failed] [--search TEXT] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--status STATUS', 'only ingesting, ready or failed files'], ['--search TEXT', 'only files whose name or id contains TEXT'], ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, status: { type: 'string' }, search: { type: 'string' } },
  async run(values, _positionals, io) {
    const status = oneOf(values.status, '--status', CadStatusSchema);
    return withBackend(values, 'cad list', io, (backend) =>
      printList<CadFile>(backend, io, values, {
        method: 'cad.list',
        input: defined({ status, q: text(values.search) }),
        key: 'cadFiles',
        empty: 'No CAD files.',
        line: (f) => `${f.id}  ${f.status.padEnd(9)} ${f.name}`,
      }),
    );
  },
};
