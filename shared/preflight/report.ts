import { z } from 'zod';

export const CheckStatusSchema = z.enum(['ok', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

/** One preflight finding; a problem always says what to do about it. */
export const PreflightCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: CheckStatusSchema,
  detail: z.string(),
  fix: z.string().optional(),
});
export type PreflightCheck = z.infer<typeof PreflightCheckSchema>;

export const BlenderEngineSchema = z.enum(['CYCLES', 'BLENDER_EEVEE', 'BLENDER_WORKBENCH']);
export type BlenderEngine = z.infer<typeof BlenderEngineSchema>;

export const EngineProbeSchema = z.object({
  engine: BlenderEngineSchema,
  renders: z.boolean(),
  detail: z.string(),
  durationMs: z.number(),
});
export type EngineProbe = z.infer<typeof EngineProbeSchema>;

export const ExecutableSourceSchema = z.enum(['setting', 'env', 'path']);
export type ExecutableSource = z.infer<typeof ExecutableSourceSchema>;

export const BlenderPythonSchema = z.object({
  version: z.string(),
  executable: z.string(),
  prefix: z.string(),
  /** numpy's version as imported inside Blender; null when it does not import. */
  numpy: z.string().nullable(),
});
export type BlenderPython = z.infer<typeof BlenderPythonSchema>;

export const PreflightReportSchema = z.object({
  ok: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  blender: z.object({
    path: z.string().nullable(),
    source: ExecutableSourceSchema.nullable(),
    version: z.string().nullable(),
    engines: z.array(EngineProbeSchema),
    /** The Python Blender actually runs (preflight's probe_python.py); null when it did not report. */
    python: BlenderPythonSchema.nullable().optional(),
  }),
  ffmpeg: z.object({
    path: z.string().nullable(),
    source: ExecutableSourceSchema.nullable(),
    version: z.string().nullable(),
    encoders: z.object({ h264: z.boolean(), vp9: z.boolean() }),
  }),
  disk: z.object({ path: z.string(), freeBytes: z.number().nullable(), totalBytes: z.number().nullable() }),
  dataDir: z.object({ path: z.string(), writable: z.boolean() }),
  checks: z.array(PreflightCheckSchema),
});
export type PreflightReport = z.infer<typeof PreflightReportSchema>;
