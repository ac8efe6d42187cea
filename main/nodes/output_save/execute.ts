import type { z } from 'zod';
import type { PublishSettings } from '../../../shared/nodes/settings-parts';
import type { Artifact, MediaAssetArtifact } from '../../execution/executors/artifacts';
import { NodeError, type Executor, type PublishRequest } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

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
export const execute: Executor<Settings> = async (execution) => {
  const artifact = execution.inputs.artifact;
  if (!artifact) throw new NodeError('input "artifact" has nothing: no earlier step produced a deliverable');
  const settings = execution.settings as z.output<typeof PublishSettings>;
  const kind = settings.kind ?? (KIND_BY_ARTIFACT as Record<string, string>)[artifact.type];
  if (!kind) throw new NodeError(`output_save cannot publish a ${artifact.type}`);
  const asset: MediaAssetArtifact = await execution.run.publish({ nodeId: execution.nodeId, kind, folder: settings.folder, ...publishable(artifact, settings.keep_frames) });
  execution.log(`${asset.published ? 'published' : 'would publish'} ${asset.file} (${asset.kind})`);
  return { asset };
};
