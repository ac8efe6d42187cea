import type { MediaAsset } from '../../../shared/media/api';
import type { MediaAssetArtifact, NotificationArtifact } from '../executors/artifacts';
import type { NotifyRequest, PublishRequest } from '../executors/context';
import { publishPause } from '../runtime/faults';
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
 * What a run publishes and sends, held until the run ends. Files are staged as soon as a step
 * publishes (so a finished render is never lost), the asset rows and notifications are written in
 * the run's final transaction, and the staged files are moved into place right after it commits
 * (`settle`): a run killed half-way has published nothing, not even a file.
 * Keys are per order-line attempt, so writing them twice cannot duplicate anything.
 */
export function createRunEffects(media: MediaLibrary, outbox: NotificationOutbox, owner: EffectOwner) {
  const assets: PlacedAsset[] = [];
  let committed: MediaAsset[] | null = null;
  const notifications: EnqueueInput[] = [];
  const scope = `${owner.orderLineId ?? owner.runId}:attempt-${owner.attempt}`;

  return {
    async publish(request: PublishRequest): Promise<MediaAssetArtifact> {
      const placed = await media.place(request, { publishKey: `${scope}:${request.nodeId}`, runId: owner.runId, orderLineId: owner.orderLineId });
      assets.push(placed);
      publishPause('staged');
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
      committed = assets.map((a) => media.insert(a));
      const assetIds = committed.map((a) => a.id);
      const notificationIds = notifications.map((n) => outbox.enqueue(n).notification.id);
      return { assetIds, notificationIds };
    },
    /**
     * What a run will not publish (a graph run falling back, or failing with no legacy form): its
     * placed files go, no row was written. Its notifications go too, unless they are to be sent
     * (a failed workflow-only run still tells of its failure).
     */
    discard(options: { keepNotifications?: boolean } = {}): Promise<void> {
      media.discard(assets.splice(0));
      if (!options.keepNotifications) notifications.splice(0);
      return Promise.resolve();
    },
    /** Right after the transaction that called `commit` has committed: the staged files go into place. */
    settle(): void {
      if (!committed) throw new Error('settle() before commit()');
      publishPause('committed');
      media.moveIntoPlace(assets, committed);
    },
    get pending() {
      return { assets: assets.length, notifications: notifications.length };
    },
  };
}
