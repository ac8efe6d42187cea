import { z } from 'zod';
import { isMaterialKey, unknownMaterialMessage } from '../../../shared/materials/library';
import { BackgroundModeSchema, CameraSettings, CONTROL_CHARACTERS, ImageFormatSchema, LibraryFolder, LightingSetting, NO_CONTROL_CHARACTERS, RendererSettings, VideoCodecSchema } from '../../../shared/nodes/settings-parts';
import { NotificationChannelSchema } from '../../../shared/notifications/api';
import { OutputArtifactKindSchema } from '../../../shared/output-types/profile';
import { DEFAULT_PIPELINE_BY_ARTIFACT, PRESET_FIELDS, fieldDefault, getPath, setPath, type Artifact } from './field-map';

export const PRESET_FORMAT = 'lightbox.legacy/render-preset@1';

const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();
const int = (min: number, max?: number) => (max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max));

/** Keys become workflow ids (`legacy.<key>`, at most 128 characters), hence the length bound. */
export const LegacySlug = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[a-z0-9_]+$/, 'must be a slug of a-z, 0-9 and _');

export const LegacyName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** ISO 8601 date or date-time; the text itself is kept verbatim, this only refuses garbage. */
export const IsoTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    'must be an ISO 8601 date or date-time such as 2025-01-31T12:00:00Z',
  );

const MaterialRef = z.string().refine(isMaterialKey, { error: (issue) => unknownMaterialMessage(String(issue.input)) });

const PLACEHOLDERS = ['order', 'line', 'cad', 'preset', 'frame'];
/** Same rule as the render nodes' output.filename (so the value can feed them), plus known placeholders. */
const FilenameTemplate = z
  .string()
  .min(1)
  .max(200)
  .refine((t) => !/[\\/]|\.\./.test(t), 'must be a file name template without / \\ or ..')
  .refine((t) => !CONTROL_CHARACTERS.test(t), NO_CONTROL_CHARACTERS)
  .refine(
    (t) => [...t.matchAll(/\{([^}]*)\}/g)].every((m) => PLACEHOLDERS.includes(m[1] ?? '')),
    `may use only the placeholders ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
  );

// The preset format's values are the node settings' values: the same enums, optional here.
export const ArtifactSchema = OutputArtifactKindSchema;

/** Structure only: every field of FORMAT.md, nothing else. Cross-field rules are in presetRules. */
export const RenderPresetStructure = strict({
  format: z.literal(PRESET_FORMAT),
  key: LegacySlug,
  name: LegacyName,
  artifact: ArtifactSchema,
  pipeline: LegacySlug.optional(),
  renderer: strict({
    engine: RendererSettings.shape.engine.unwrap().optional(),
    samples: int(1, 4096).optional(),
    seed: int(0).optional(),
    denoise: z.boolean().optional(),
    threads: int(0).optional(),
  }).optional(),
  resolution: strict({
    width: int(16, 8192),
    height: int(16, 8192),
    percentage: int(1, 100).optional(),
  }),
  camera: strict({
    angle: CameraSettings.shape.angle.unwrap().optional(),
    azimuth_deg: z.number().finite().optional(),
    elevation_deg: z.number().finite().optional(),
    focal_length_mm: z.number().min(8).max(300).optional(),
    fit_margin: z.number().min(0).max(1).optional(),
  }).optional(),
  lighting: LightingSetting.unwrap().optional(),
  background: strict({
    mode: BackgroundModeSchema.optional(),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a color as #rrggbb').optional(),
  }).optional(),
  materials: strict({
    default: MaterialRef.optional(),
    by_part: z.record(z.string().min(1).max(200), MaterialRef).optional(),
  }).optional(),
  output: strict({
    format: ImageFormatSchema.optional(),
    quality: int(1, 100).optional(),
    color_depth: z.union([z.literal(8), z.literal(16)]).optional(),
    filename: FilenameTemplate.optional(),
  }).optional(),
  turntable: strict({
    frames: int(2, 720).optional(),
    fps: int(1, 120).optional(),
    degrees: z.number().finite().optional(),
    codec: VideoCodecSchema.optional(),
    crf: int(0, 51).optional(),
    keep_frames: z.boolean().optional(),
  }).optional(),
  blend: strict({ pack_resources: z.boolean().optional(), compress: z.boolean().optional() }).optional(),
  post: strict({
    thumbnail_px: int(0).optional(),
    trim: z.boolean().optional(),
    pad_px: int(0).optional(),
  }).optional(),
  publish: strict({
    // Bounded like the nodes' publish.kind, which receives this value.
    kind: z.string().min(1).max(64).optional(),
    folder: LibraryFolder.optional(),
  }).optional(),
  notify: strict({
    on_success: z.boolean().optional(),
    on_failure: z.boolean().optional(),
    channels: z.array(NotificationChannelSchema).min(1, 'must name at least one channel').optional(),
    webhook_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  }).optional(),
  active: z.boolean().optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
  created_at: IsoTimestamp.optional(),
  updated_at: IsoTimestamp.optional(),
});

export type RenderPreset = z.infer<typeof RenderPresetStructure>;

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Conditional requirements. Written against unknown input so they can also run when the
 * structure failed (zod skips refinements then), and every error is reported at once.
 */
export function presetRules(raw: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (raw === null || typeof raw !== 'object') return issues;
  if (getPath(raw, 'artifact') === 'turntable' && getPath(raw, 'turntable.frames') === undefined) {
    issues.push({ path: ['turntable', 'frames'], message: 'is required when artifact is "turntable"' });
  }
  const channels = getPath(raw, 'notify.channels');
  if (Array.isArray(channels) && channels.includes('webhook') && getPath(raw, 'notify.webhook_url') === undefined) {
    issues.push({ path: ['notify', 'webhook_url'], message: 'is required when notify.channels includes "webhook"' });
  }
  return issues;
}

export const RenderPresetSchema = RenderPresetStructure.superRefine((value, ctx) => {
  for (const issue of presetRules(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

/** The preset with every FORMAT.md default filled (pipeline and publish.kind by artifact); extra and timestamps untouched. */
export function fillPresetDefaults(preset: RenderPreset): RenderPreset {
  const out = structuredClone(preset) as Record<string, unknown>;
  const artifact = preset.artifact as Artifact;
  if (out.pipeline === undefined) out.pipeline = DEFAULT_PIPELINE_BY_ARTIFACT[artifact];
  for (const field of PRESET_FIELDS) {
    if (getPath(out, field.path) !== undefined) continue;
    const value = fieldDefault(field, artifact);
    if (value !== undefined) setPath(out, field.path, value);
  }
  if (out.active === undefined) out.active = true;
  if (out.extra === undefined) out.extra = {};
  return out as RenderPreset;
}
