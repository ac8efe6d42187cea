import type { FileFacts } from '../../production/media/publish-request';
import type { CadMetadata } from '../cad/ingest';
import type { ImageFormat } from '../render/filename';
import type { JobScene, PreparedScene } from '../render/scene';
import type { OrderLineOverrides } from '../../../shared/orders/api';

/**
 * What flows along an edge at run time, one shape per port type (shared/nodes/ports.ts). Plain
 * JSON: node outputs are persisted with the node run and reused from there.
 */
export interface OrderLineArtifact {
  type: 'order_line';
  orderLineId: string;
  orderId: string;
  lineNo: number;
  cadFileId: string;
  outputTypeKey: string;
  overrides: OrderLineOverrides;
}

export interface CadSourceArtifact {
  type: 'cad_source';
  cadFileId: string | null;
  file: string;
  name: string;
}

export interface MeshArtifact {
  type: 'mesh_asset';
  cadFileId: string | null;
  /** Base name of the CAD file without extension: the `{cad}` file name placeholder. */
  name: string;
  glb: string;
  glbSha256: string;
  metadata: CadMetadata | null;
}

export interface MetadataArtifact {
  type: 'metadata';
  metadata: CadMetadata;
}

/** A scene is a description sent to Blender with each render job, not a Blender state. */
export interface SceneArtifact {
  type: 'scene';
  mesh: MeshArtifact;
  scene: PreparedScene | JobScene;
}

export type { FileFacts };

export interface ImageArtifact extends FileFacts {
  type: 'image';
  format: ImageFormat;
  width: number;
  height: number;
  /** Lossy formats: the quality it was encoded with (postprocess re-encodes with it). */
  quality?: number;
  /** Made by postprocess; published beside the image. */
  thumbnail?: FileFacts & { width: number; height: number };
}

export interface SequenceArtifact {
  type: 'image_sequence';
  frames: FileFacts[];
  format: ImageFormat;
  width: number;
  height: number;
  fps?: number;
  /** The render's output.filename template: an encoded video is named from it (frame dropped). */
  nameTemplate: string;
}

export interface VideoArtifact extends FileFacts {
  type: 'video';
  format: 'mp4' | 'webm';
  width: number;
  height: number;
  frames: number;
  durationSeconds: number;
  /** The frames it was encoded from: published with it when frames are kept. */
  sourceFrames: FileFacts[];
}

export interface BlendArtifact extends FileFacts {
  type: 'blend_file';
  width: number;
  height: number;
  objects: string[];
}

export interface MediaAssetArtifact {
  type: 'media_asset';
  assetId: string;
  kind: string;
  /** Relative to the media library (or the shadow area). */
  file: string;
  sha256: string;
  /** false in a shadow run: recorded as what would have been published. */
  published: boolean;
}

export interface NotificationArtifact {
  type: 'notification';
  notificationIds: string[];
  /** false in a shadow run: recorded as what would have been sent. */
  sent: boolean;
}

export interface ParametersArtifact {
  type: 'parameters';
  values: Record<string, unknown>;
}

export type Artifact =
  | OrderLineArtifact
  | CadSourceArtifact
  | MeshArtifact
  | MetadataArtifact
  | SceneArtifact
  | ImageArtifact
  | SequenceArtifact
  | VideoArtifact
  | BlendArtifact
  | MediaAssetArtifact
  | NotificationArtifact
  | ParametersArtifact;

export type ArtifactOf<T extends Artifact['type']> = Extract<Artifact, { type: T }>;

export type NodeOutputs = Record<string, Artifact>;
