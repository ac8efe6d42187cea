import fs from 'node:fs';
import type { MediaAssetArtifact, NotificationArtifact } from '../executors/artifacts';
import type { NotifyRequest, PublishRequest } from '../executors/context';
import type { MediaLibrary, PlacedAsset } from '../../production/media/media-library';
import type { EnqueueInput, NotificationOutbox } from '../../production/notifications';

export interface EffectOwner {
  runId: string;
  orderLineId: string | null;
  attempt: number;
  /** Facts every notification payload carries (order, line, output type, CAD file). */
  facts: Record<string, unknown>;
}

/**
 * What a run publishes and sends, held until the run ends. Files are put in place as soon as a
 * step publishes (so a finished render is never lost), but the asset rows and notifications are
 * written in the run's final transaction: a run killed half-way has published nothing.
 * Keys are per order-line attempt, so writing them twice cannot duplicate anything.
 */
export function createRunEffects(media: MediaLibrary, outbox: NotificationOutbox, owner: EffectOwner) {
  const assets: PlacedAsset[] = [];
  const notifications: EnqueueInput[] = [];
  const scope = `${owner.orderLineId ?? owner.runId}:attempt-${owner.attempt}`;

  return {
    async publish(request: PublishRequest): Promise<MediaAssetArtifact> {
      const placed = await media.place(request, { publishKey: `${scope}:${request.nodeId}`, runId: owner.runId, orderLineId: owner.orderLineId });
      assets.push(placed);
      return { type: 'media_asset', assetId: placed.id, kind: placed.kind, file: placed.file, sha256: placed.sha256, published: true };
    },
    notify(request: NotifyRequest): NotificationArtifact {
      const keys: string[] = [];
      for (const channel of request.channels) {
        const key = `${scope}:${request.event}:${channel}`;
        keys.push(key);
        if (notifications.some((n) => n.idempotencyKey === key)) continue;
        notifications.push({
          idempotencyKey: key,
          channel,
          event: request.event,
          target: channel === 'webhook' ? (request.webhookUrl ?? null) : null,
          payload: {
            event: request.event,
            ...owner.facts,
            runId: owner.runId,
            attempt: owner.attempt,
            asset: request.asset ? { id: request.asset.assetId, kind: request.asset.kind, file: request.asset.file, sha256: request.asset.sha256 } : null,
            ...(request.error ? { error: request.error } : {}),
          },
          orderLineId: owner.orderLineId,
          runId: owner.runId,
        });
      }
      return { type: 'notification', notificationIds: keys, sent: true };
    },
    /** Writes the rows; call inside the transaction that ends the run. */
    commit(): { assetIds: string[]; notificationIds: string[] } {
      const assetIds = assets.map((a) => media.insert(a).id);
      const notificationIds = notifications.map((n) => outbox.enqueue(n).notification.id);
      return { assetIds, notificationIds };
    },
    /**
     * What a run will not publish (a graph run falling back, or failing with no legacy form): its
     * placed files go, no row was written. Its notifications go too, unless they are to be sent
     * (a failed workflow-only run still tells of its failure).
     */
    async discard(options: { keepNotifications?: boolean } = {}): Promise<void> {
      for (const a of assets.splice(0)) {
        for (const file of [a.file, ...a.attachments.map((x) => x.file)]) await fs.promises.rm(media.absolute({ file }), { force: true });
      }
      if (!options.keepNotifications) notifications.splice(0);
    },
    get pending() {
      return { assets: assets.length, notifications: notifications.length };
    },
  };
}
