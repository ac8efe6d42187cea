import { z } from 'zod';
import { PageFields } from '../paging/page';

export const NotificationChannelSchema = z.enum(['desktop', 'webhook']);
export const NotificationStateSchema = z.enum(['pending', 'delivered', 'failed']);

/** One outbox record: kept whatever happens to its delivery. */
export const NotificationSchema = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  channel: NotificationChannelSchema,
  event: z.string(),
  target: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  orderLineId: z.string().nullable(),
  runId: z.string().nullable(),
  state: NotificationStateSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationsListInput = z
  .object({ orderLineId: z.string().max(100).optional(), state: NotificationStateSchema.optional(), channel: NotificationChannelSchema.optional(), ...PageFields })
  .strict();
