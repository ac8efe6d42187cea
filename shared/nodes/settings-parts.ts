import { z } from 'zod';
import { MATERIAL_KEYS, unknownMaterialMessage } from '../materials/library';
import { NotificationChannelSchema } from '../notifications/api';

/**
 * Building blocks of node settings. Every field has a default, so `{}` parses to the node's
 * defaults and a node stores only what was set on it. Unknown keys are refused by name.
 * Names and defaults follow the legacy render-preset format (resources/legacy/FORMAT.md). A field
 * whose key reads poorly as words has a JSON Schema title (`.meta({ title })`), which the editor's
 * settings form shows instead of the key.
 */
const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

export const RendererSettings = obj({
  engine: z.enum(['cycles', 'eevee', 'workbench']).default('cycles'),
  samples: z.number().int().min(1).max(4096).default(64),
  seed: z.number().int().min(0).default(0).meta({ title: 'Noise seed' }),
  denoise: z.boolean().default(false),
  threads: z.number().int().min(0).default(0).meta({ title: 'Threads (0: every core)' }),
});

export const ResolutionSettings = obj({
  width: z.number().int().min(16).max(8192).default(1920),
  height: z.number().int().min(16).max(8192).default(1080),
  percentage: z.number().int().min(1).max(100).default(100).meta({ title: 'Scale (%)' }),
});

export const CameraSettings = obj({
  angle: z.enum(['front', 'side', 'top', 'three_quarter', 'iso']).default('three_quarter'),
  azimuth_deg: z.number().finite().optional(),
  elevation_deg: z.number().finite().optional(),
  focal_length_mm: z.number().min(8).max(300).default(50),
  fit_margin: z.number().min(0).max(1).default(0.1).meta({ title: 'Framing margin (share of the frame)' }),
});

export const LightingSetting = z.enum(['studio_soft', 'studio_hard', 'outdoor', 'none']).default('studio_soft');

export const BackgroundModeSchema = z.enum(['color', 'transparent']);
export type BackgroundMode = z.infer<typeof BackgroundModeSchema>;

export const BackgroundSettings = obj({
  mode: BackgroundModeSchema.default('color'),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a color as #rrggbb')
    .default('#ffffff'),
});

export const VideoCodecSchema = z.enum(['h264', 'vp9']);
export type VideoCodec = z.infer<typeof VideoCodecSchema>;

export const ImageFormatSchema = z.enum(['png', 'jpeg', 'webp', 'exr']);
export type ImageFormat = z.infer<typeof ImageFormatSchema>;

/** Control characters (U+0000–U+001F, U+007F): never in a file name (they split lists such as ffmpeg's concat file). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
export const NO_CONTROL_CHARACTERS = 'must not contain control characters (U+0000–U+001F, U+007F)';

export const OutputSettings = obj({
  format: ImageFormatSchema.default('png'),
  quality: z.number().int().min(1).max(100).default(90).meta({ title: 'Quality (JPEG, WebP)' }),
  color_depth: z.union([z.literal(8), z.literal(16)]).default(8).meta({ title: 'Colour depth (bits)' }),
  filename: z
    .string()
    .min(1)
    .max(200)
    .refine((t) => !/[\\/]|\.\./.test(t), 'must be a file name template without / \\ or ..')
    .refine((t) => !CONTROL_CHARACTERS.test(t), NO_CONTROL_CHARACTERS)
    .default('{order}_{line}_{preset}')
    .meta({ title: 'File name' }),
});

export const TurntableSettings = obj({
  frames: z.number().int().min(2).max(720).default(36),
  fps: z.number().int().min(1).max(120).default(24),
  degrees: z.number().finite().default(360).meta({ title: 'Rotation (°)' }),
});

/** A library sub-folder: relative, no `..`, never escaping the media library. */
export const LibraryFolder = z
  .string()
  .min(1)
  .max(200)
  .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..') && !f.includes('\\') && !f.includes('\0'), 'must be a relative folder inside the library (no leading /, no ..)');

export const PublishSettings = obj({
  /** Media asset kind; absent means the artifact's own kind (render_still, render_turntable, scene_blend). */
  kind: z.string().min(1).max(64).optional().meta({ title: 'Asset kind' }),
  folder: LibraryFolder.default('renders').meta({ title: 'Library folder' }),
  /** Turntables: also publish the frame sequence. */
  keep_frames: z.boolean().default(false).meta({ title: 'Keep the frames' }),
});

/** An enum, so the settings JSON Schema lists the choices (the editor offers them). */
export const MaterialKey = z.enum(MATERIAL_KEYS, { error: (issue) => unknownMaterialMessage(String(issue.input)) });

/** The notification channels a notify node may use: the outbox's. */
export const NotifyChannel = NotificationChannelSchema;
