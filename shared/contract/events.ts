import { z } from 'zod';
import { defineEvent } from './define';
import { SettingsSchema } from '../settings/schema';
import { PreflightCheckSchema } from '../preflight/report';
import { FarmLogEvent, FarmStatusSchema } from '../farm/status';
import { CadFileSchema } from '../cad/api';
import { OrderProgressSchema } from '../orders/api';
import { NotificationSchema } from '../notifications/api';
import { RunLogEventSchema, RunNodeEventSchema } from '../runs/api';

/** Every event the backend pushes to connected UIs. */
export const events = {
  'settings.changed': defineEvent({
    summary: 'The effective settings after any change, from any window or transport.',
    payload: SettingsSchema,
  }),
  'preflight.progress': defineEvent({
    summary: 'One preflight check finished while a preflight run is in progress.',
    payload: z.object({ runId: z.string(), check: PreflightCheckSchema }),
  }),
  'farm.changed': defineEvent({
    summary: 'The render farm status after a change (throttled to at most 5 per second).',
    payload: FarmStatusSchema,
  }),
  'farm.log': defineEvent({
    summary: 'One output line of a farm task attempt (Blender output, worker messages).',
    payload: FarmLogEvent,
  }),
  'cad.changed': defineEvent({
    summary: 'A CAD file was added or its ingest moved on (ingesting, ready, failed).',
    payload: CadFileSchema,
  }),
  'orders.progress': defineEvent({
    summary: 'An order line moved on: status, the step running, render progress.',
    payload: OrderProgressSchema,
  }),
  'runs.node': defineEvent({
    summary: 'A node of a run started, finished, failed, was skipped or reused a stored output; render progress.',
    payload: RunNodeEventSchema,
  }),
  'runs.log': defineEvent({
    summary: 'One log line of a node of a run.',
    payload: RunLogEventSchema,
  }),
  'notifications.desktop': defineEvent({
    summary: 'A desktop notification for the app to show.',
    payload: NotificationSchema,
  }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
