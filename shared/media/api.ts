import { z } from 'zod';
import { PageFields } from '../paging/page';

/** A file published with an asset beside its main file: kept frames, a thumbnail. */
export const AttachmentSchema = z.object({ role: z.enum(['frame', 'thumbnail']), file: z.string(), sha256: z.string() });

/** A published deliverable; `file` is relative to the media library. */
export const MediaAssetSchema = z.object({
  id: z.string(),
  kind: z.string(),
  folder: z.string(),
  file: z.string(),
  format: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSeconds: z.number().nullable(),
  frames: z.number().int().nullable(),
  attachments: z.array(AttachmentSchema),
  runId: z.string(),
  orderLineId: z.string().nullable(),
  nodeId: z.string(),
  createdAt: z.string(),
});
export type MediaAsset = z.infer<typeof MediaAssetSchema>;

/** Published assets newest first; search matches the file and the format. */
export const AssetsListInput = z
  .object({ orderLineId: z.string().max(100).optional(), runId: z.string().max(100).optional(), kind: z.string().max(64).optional(), ...PageFields })
  .strict();
export const AssetPreviewInput = z.object({ id: z.string().min(1).max(100) }).strict();
/** A data: URL the UI can show (images, small videos); null with a reason when too big or not viewable. */
export const AssetPreviewOutput = z.object({ dataUrl: z.string().nullable(), mime: z.string(), reason: z.string().optional() });
