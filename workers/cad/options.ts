import { z } from 'zod';

/** Length units a mesh file may be declared in; STL and OBJ carry none of their own. */
export const MESH_UNITS = ['mm', 'cm', 'm', 'in', 'ft'] as const;
export type MeshUnit = (typeof MESH_UNITS)[number];

/** Metres per unit. */
export const METRES_PER_UNIT: Record<MeshUnit, number> = { mm: 0.001, cm: 0.01, m: 1, in: 0.0254, ft: 0.3048 };

/**
 * Settings of the CAD ingest (snake_case like node settings, so a workflow node can pass its
 * settings through unchanged). Every field has a default: `{}` is a valid value.
 */
export const cadIngestOptionsSchema = z.object({
  /** Chordal tolerance of the STEP tessellation, absolute, in millimetres. */
  linear_deflection_mm: z.number().positive().max(1000).default(0.1),
  /** Angular tolerance of the STEP tessellation, degrees. */
  angular_deflection_deg: z.number().positive().max(180).default(15),
  /** Files larger than this are refused before being read (Settings → cadMaxFileMiB in the app). */
  max_size_bytes: z.number().int().positive().default(512 * 1024 * 1024),
  /** The CAD worker's JS heap cap, MiB: past it the worker is ended (ERR_WORKER_OUT_OF_MEMORY). */
  worker_heap_mb: z.number().int().min(8).max(65_536).default(4096),
  /** The CAD worker's time limit for one file: past it the worker is ended. */
  worker_timeout_ms: z.number().int().positive().default(10 * 60_000),
  /** Units assumed for STL and OBJ, which have none. */
  mesh_units: z.enum(MESH_UNITS).default('mm'),
  /**
   * A file whose extension names another CAD format than its content (an STL named .step) is
   * refused by default: usually an export or upload mistake the user should see. When true it is
   * ingested as what its content is, and the metadata says so.
   */
  allow_mislabelled: z.boolean().default(false),
  /** Thumbnail edge length in pixels. */
  size_px: z.number().int().min(16).max(4096).default(256),
  /** Limit for the thumbnail's Blender run. */
  thumbnail_timeout_ms: z.number().int().positive().default(120_000),
});

export type CadIngestOptionsInput = z.input<typeof cadIngestOptionsSchema>;
export type CadIngestOptions = z.output<typeof cadIngestOptionsSchema>;
