import { z } from 'zod';

/** Part of the metadata an ingest reports (workers/cad/convert.ts CadMetadata), as the UI shows it. */
export const CadMetadataSchema = z.looseObject({
  file: z.string(),
  format: z.string(),
  sourceUnits: z.string(),
  parts: z.array(z.looseObject({ name: z.string(), triangles: z.number() })),
  triangles: z.number().optional(),
  boundingBoxMm: z.unknown().optional(),
});

export const CadStatusSchema = z.enum(['ingesting', 'ready', 'failed']);

/** A CAD file in the library, deduplicated by the sha256 of its bytes. */
export const CadFileSchema = z.object({
  id: z.string(),
  sha256: z.string(),
  name: z.string(),
  format: z.string().nullable(),
  bytes: z.number().int(),
  status: CadStatusSchema,
  error: z.string().nullable(),
  glbSha256: z.string().nullable(),
  metadata: CadMetadataSchema.nullable(),
  hasThumbnail: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CadFile = z.infer<typeof CadFileSchema>;

/** Uploads travel in chunks of 1 MiB, well inside one message of the transports (MAX_MESSAGE_BYTES). */
export const CAD_UPLOAD_CHUNK_BYTES = 512 * 1024;
export const CAD_UPLOAD_MAX_BYTES = 2 * 1024 * 1024 * 1024;

const FileName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .refine((n) => !/[\\/\0]/.test(n) && n !== '.' && n !== '..', 'must be a file name without a folder');

export const CadUploadBeginInput = z.object({ fileName: FileName, bytes: z.number().int().min(1).max(CAD_UPLOAD_MAX_BYTES) }).strict();
export const CadUploadChunkInput = z
  .object({
    uploadId: z.string().regex(/^[a-f0-9]{32}$/, 'is not an upload id'),
    offset: z.number().int().min(0),
    base64: z.string().max(Math.ceil((CAD_UPLOAD_CHUNK_BYTES * 4) / 3) + 4),
  })
  .strict();
export const CadUploadFinishInput = z.object({ uploadId: z.string().regex(/^[a-f0-9]{32}$/, 'is not an upload id') }).strict();

export const CadImportOutput = z.object({ cadFile: CadFileSchema, created: z.boolean() });
export const CadIdInput = z.object({ id: z.string().min(1).max(100) }).strict();

/** cad.delete: what was removed (the library entry and its stored files). */
export const CadDeleteOutput = z.object({ deleted: z.boolean(), id: z.string(), name: z.string() });
