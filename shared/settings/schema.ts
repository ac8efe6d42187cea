import { z } from 'zod';
import { FarmModeSchema } from '../farm/status';
import { SlurmSettingsSchema } from '../farm/slurm';

/**
 * User settings, stored per data directory. Fields are optional: an absent value means
 * "use the backend's default", which the backend computes for this machine.
 */
export const FarmSettingsSchema = z
  .object({
    /** Blender processes running at once on this machine; 0: the farm only hands work to render agents. */
    concurrency: z.number().int().min(0).max(64),
    /** Render threads per Blender process; 0 lets Blender use every core. */
    threadsPerBlender: z.number().int().min(0).max(256),
    /** Warm keeps Blender resident between jobs; cold starts one per job. */
    mode: FarmModeSchema,
  })
  .strict();

const executablePath = z
  .string()
  .trim()
  .min(1, 'must not be empty; use null to detect automatically')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL bytes');

/**
 * Extra environment variables for Blender, on top of the minimal one Lightbox gives it
 * (workers/blender/blender-env.ts): names are plain identifiers, values without NUL.
 */
const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/i;

export const BlenderEnvSchema = z
  .record(
    z.string().max(200),
    z.string().max(32_768).refine((v) => !v.includes('\0'), 'must not contain NUL bytes'),
  )
  // Names are checked here rather than by the record's key schema, whose refusal ("Invalid key in
  // record") would lose the rule: the answer says which name is wrong and why (path blenderEnv.NAME).
  .superRefine((env, ctx) => {
    for (const name of Object.keys(env)) {
      if (!VARIABLE_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'must be a variable name: letters, digits and _, not starting with a digit' });
    }
  })
  .refine((env) => Object.keys(env).length <= 100, 'at most 100 variables');

/** The CAD import's size cap in MiB: sized for real assemblies by default (512), at most 64 GiB. */
export const CadMaxFileMiBSchema = z.number().int().min(1).max(65_536);

export const SettingsSchema = z
  .object({
    /** Blender executable; null detects it from BLENDER_PATH, then PATH. */
    blenderPath: executablePath.nullable(),
    /** ffmpeg executable; null detects it from FFMPEG_PATH, then PATH. */
    ffmpegPath: executablePath.nullable(),
    farm: FarmSettingsSchema,
    /**
     * The cad_file workflow every CAD import runs; null runs the default: the migrated
     * `legacy.cad_ingest_default` when it exists, else the shipped cad_ingest_default pipeline.
     */
    cadIngestWorkflowId: z.string().trim().min(1).max(200).nullable(),
    /** Extra variables for Blender's environment (a studio's OCIO, a licence server…). */
    blenderEnv: BlenderEnvSchema,
    /** CAD files larger than this (MiB) are refused before parsing. */
    cadMaxFileMiB: CadMaxFileMiBSchema,
    /** A Slurm cluster whose pilot jobs serve as render agents (lightbox serve / the hub); null: none. */
    slurm: SlurmSettingsSchema.nullable(),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

/** What a caller may change: any subset, nested objects merged field by field. */
export const SettingsPatchSchema = z
  .object({
    blenderPath: executablePath.nullable().optional(),
    ffmpegPath: executablePath.nullable().optional(),
    farm: FarmSettingsSchema.partial().strict().optional(),
    cadIngestWorkflowId: z.string().trim().min(1).max(200).nullable().optional(),
    blenderEnv: BlenderEnvSchema.optional(),
    cadMaxFileMiB: CadMaxFileMiBSchema.optional(),
    /** Replaced whole; an auth token of "(hidden)" keeps the stored one (settings.get hides it). */
    slurm: SlurmSettingsSchema.nullable().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DataDirSourceSchema = z.enum(['flag', 'env', 'setting', 'default']);
export type DataDirSource = z.infer<typeof DataDirSourceSchema>;
