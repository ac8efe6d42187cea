/** A file and the sha256 of its bytes. */
export interface FileFacts {
  file: string;
  sha256: string;
}

/** What publishing needs: one main file, its facts, and files that go with it. */
export interface PublishRequest {
  nodeId: string;
  kind: string;
  folder: string;
  main: FileFacts & { format: string; width?: number; height?: number; durationSeconds?: number; frames?: number };
  attachments: (FileFacts & { role: 'frame' | 'thumbnail' })[];
}

/** A file as published, or as a shadow run would have published it: one side of a comparison. */
export interface SideAttachment {
  role: 'frame' | 'thumbnail';
  /** Absolute. */
  file: string;
  sha256: string;
}

export interface SideAsset {
  kind: string;
  format: string;
  /** Absolute. */
  file: string;
  sha256: string;
  width: number | null;
  height: number | null;
  frames: number | null;
  attachments: SideAttachment[];
}
