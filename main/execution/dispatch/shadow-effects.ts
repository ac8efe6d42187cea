import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaAssetArtifact, NotificationArtifact } from '../executors/artifacts';
import type { NotifyRequest, PublishRequest } from '../executors/context';
import { libraryFolder } from '../../production/media/media-library';
import type { SideAsset } from '../../production/media/publish-request';

/** What a shadow run would have published (files in the shadow area): a comparison side's asset. */
export interface WouldPublish extends SideAsset {
  nodeId: string;
}

/**
 * A shadow observer's effects: output_save copies into `<shadowRoot>/<runId>/` (never the media
 * library) and notify records what it would have sent. Nothing reaches a customer.
 */
export function createShadowEffects(shadowRoot: string, runId: string) {
  const root = path.join(shadowRoot, runId);
  const published: WouldPublish[] = [];
  const notifications: { nodeId: string; channel: string; event: string }[] = [];
  const copy = async (file: string, folder: string): Promise<string> => {
    const dest = path.join(libraryFolder(root, folder), path.basename(file));
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    await fs.promises.copyFile(file, dest);
    return dest;
  };
  return {
    root,
    published,
    notifications,
    async publish(request: PublishRequest): Promise<MediaAssetArtifact> {
      const main = await copy(request.main.file, request.folder);
      const attachments = [];
      for (const a of request.attachments) attachments.push({ role: a.role, file: await copy(a.file, request.folder), sha256: a.sha256 });
      published.push({
        nodeId: request.nodeId,
        kind: request.kind,
        format: request.main.format,
        file: main,
        sha256: request.main.sha256,
        width: request.main.width ?? null,
        height: request.main.height ?? null,
        frames: request.main.frames ?? null,
        attachments,
      });
      return { type: 'media_asset', assetId: `shadow-${crypto.randomUUID()}`, kind: request.kind, file: path.relative(shadowRoot, main), sha256: request.main.sha256, published: false };
    },
    notify(request: NotifyRequest): NotificationArtifact {
      for (const channel of request.channels) notifications.push({ nodeId: request.nodeId, channel, event: request.event });
      return { type: 'notification', notificationIds: request.channels.map((c) => `shadow:${runId}:${request.event}:${c}`), sent: false };
    },
  };
}

export type ShadowEffects = ReturnType<typeof createShadowEffects>;
