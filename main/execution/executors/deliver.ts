import type { z } from 'zod';
import type { PublishSettings } from '../../../shared/nodes/settings-parts';
import type { Artifact, MediaAssetArtifact } from './artifacts';
import { NodeError, type Executor, type PublishRequest } from './context';

const KIND_BY_ARTIFACT = { image: 'render_still', image_sequence: 'render_turntable', video: 'render_turntable', blend_file: 'scene_blend' } as const;

/** What output_save publishes for each deliverable type: the main file and what goes with it. */
function publishable(artifact: Artifact, keepFrames: boolean): Omit<PublishRequest, 'nodeId' | 'kind' | 'folder'> {
  switch (artifact.type) {
    case 'image':
      return {
        main: { file: artifact.file, sha256: artifact.sha256, format: artifact.format, width: artifact.width, height: artifact.height },
        attachments: artifact.thumbnail ? [{ role: 'thumbnail', file: artifact.thumbnail.file, sha256: artifact.thumbnail.sha256 }] : [],
      };
    case 'video':
      return {
        main: { file: artifact.file, sha256: artifact.sha256, format: artifact.format, width: artifact.width, height: artifact.height, durationSeconds: artifact.durationSeconds, frames: artifact.frames },
        attachments: keepFrames ? artifact.sourceFrames.map((f) => ({ ...f, role: 'frame' as const })) : [],
      };
    case 'image_sequence': {
      const [first, ...rest] = artifact.frames;
      if (!first) throw new NodeError('output_save got an empty frame sequence');
      return { main: { ...first, format: artifact.format, width: artifact.width, height: artifact.height, frames: artifact.frames.length }, attachments: rest.map((f) => ({ ...f, role: 'frame' as const })) };
    }
    case 'blend_file':
      return { main: { file: artifact.file, sha256: artifact.sha256, format: 'blend', width: artifact.width, height: artifact.height }, attachments: [] };
    default:
      throw new NodeError(`output_save cannot publish a ${artifact.type}`);
  }
}

/** output_save: publishes the deliverable once (in a shadow run: records what it would publish). */
export const outputSave: Executor = async (execution) => {
  const artifact = execution.inputs.artifact;
  if (!artifact) throw new NodeError('input "artifact" has nothing: no earlier step produced a deliverable');
  const settings = execution.settings as z.output<typeof PublishSettings>;
  const kind = settings.kind ?? (KIND_BY_ARTIFACT as Record<string, string>)[artifact.type];
  if (!kind) throw new NodeError(`output_save cannot publish a ${artifact.type}`);
  const asset: MediaAssetArtifact = await execution.run.publish({ nodeId: execution.nodeId, kind, folder: settings.folder, ...publishable(artifact, settings.keep_frames) });
  execution.log(`${asset.published ? 'published' : 'would publish'} ${asset.file} (${asset.kind})`);
  return { asset };
};

/**
 * notify: the hand-off after a render, per on_success / on_failure and channels. Only records
 * the notifications; the outbox delivers them (a failing endpoint never holds up the run).
 */
export const notifyNode: Executor = async (execution) => {
  const settings = execution.settings as { on_success: boolean; on_failure: boolean; channels: ('desktop' | 'webhook')[]; webhook_url?: string };
  const failed = execution.failure;
  if (failed ? !settings.on_failure : !settings.on_success) {
    execution.log(`no notification: ${failed ? 'on_failure' : 'on_success'} is off`);
    return { notification: { type: 'notification', notificationIds: [], sent: false } };
  }
  const input = execution.inputs.asset;
  if (!failed && input?.type !== 'media_asset') throw new NodeError('input "asset" has nothing: no earlier step published a media asset');
  const notification = execution.run.notify({
    nodeId: execution.nodeId,
    event: failed ? 'render.failed' : 'render.succeeded',
    channels: settings.channels,
    webhookUrl: settings.webhook_url,
    asset: input?.type === 'media_asset' ? input : null,
    ...(failed ? { error: failed } : {}),
  });
  execution.log(`${notification.sent ? 'queued' : 'would send'} ${settings.channels.join(' + ')} notification(s)`);
  return { notification };
};
