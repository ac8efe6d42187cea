export { createNotificationOutbox } from './outbox';
export type { DeliveryCounts, EnqueueInput, NotificationFilter, NotificationOutbox, NotificationOutboxOptions } from './outbox';
