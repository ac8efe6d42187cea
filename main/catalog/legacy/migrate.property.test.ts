import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MATERIAL_KEYS } from '../../../shared/materials/library';
import { nodeSettingsArb } from '../../../shared/workflow/testing/arbitrary';
import { validateWorkflow } from '../../../shared/workflow/validate';
import { createNodeRegistry } from '../nodes/registry';
import { DEFAULT_PIPELINE_BY_ARTIFACT } from './field-map';
import { migratePipeline } from './migrate-pipeline';
import { migratePreset } from './migrate-preset';
import { parseLegacyDocument } from './parse';
import type { PresetWorkflow } from './pipeline-schema';
import type { RenderPreset } from './preset-schema';
import { verifyPipeline, verifyPreset } from './project';
import { NODE_RUNTIMES } from '../../nodes/executors';
import { NODE_SPECS } from '../../nodes/specs';

const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
const int = (min: number, max: number) => fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
const sparse = (model: Record<string, fc.Arbitrary<unknown>>) => fc.record(model, { requiredKeys: [], noNullPrototype: true });
const material = fc.constantFrom(...MATERIAL_KEYS);
const json = fc.jsonValue({ maxDepth: 3, noUnicodeString: false }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const timestamp = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());

type Artifact = 'still' | 'turntable' | 'blend';
const step = (service: string) =>
  fc.record(
    { service: fc.constant(service), options: nodeSettingsArb(serviceNode(service)), on_error: fc.constantFrom('fail', 'continue') },
    { requiredKeys: ['service'], noNullPrototype: true },
  );
const serviceNode = (service: string) => (service === 'save_output' ? 'output_save' : service);
const maybe = (service: string) => fc.option(step(service), { nil: undefined });

/** Valid order_line step sequences: the legacy order, optional steps dropped at random. */
const orderLineSteps = (artifact: Artifact) =>
  fc
    .tuple(
      step('resolve_cad'),
      step('prepare_scene'),
      maybe('apply_materials'),
      step(artifact === 'still' ? 'render_still' : artifact === 'turntable' ? 'render_turntable' : 'export_blend'),
      artifact === 'turntable' ? maybe('encode_video') : fc.constant(undefined),
      artifact === 'still' ? maybe('postprocess') : fc.constant(undefined),
      maybe('save_output'),
      maybe('notify'),
    )
    .map((steps) => steps.filter((s) => s !== undefined));

const cadFileSteps = fc
  .tuple(step('ingest_cad'), fc.shuffledSubarray(['extract_metadata', 'make_thumbnail'], { minLength: 1 }))
  .chain(([first, rest]) => fc.tuple(fc.constant(first), ...rest.map(step)).map((s) => [...s]));

const pipelineArb = (key: string, family: 'order_line' | 'cad_file', artifact: Artifact) =>
  fc.record({
    format: fc.constant('lightbox.legacy/preset-workflow@1'),
    key: fc.constant(key),
    name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
    family: fc.constant(family),
    steps: family === 'order_line' ? orderLineSteps(artifact) : cadFileSteps,
  });

const presetArb = (artifact: Artifact, pipeline: string | undefined) =>
  fc
    .record(
      {
        renderer: sparse({ engine: fc.constantFrom('cycles', 'eevee', 'workbench'), samples: int(1, 4096), seed: int(0, 1e6), denoise: fc.boolean(), threads: int(0, 64) }),
        resolution: fc.record({ width: int(16, 8192), height: int(16, 8192), percentage: int(1, 100) }, { requiredKeys: ['width', 'height'], noNullPrototype: true }),
        camera: sparse({
          angle: fc.constantFrom('front', 'side', 'top', 'three_quarter', 'iso'),
          azimuth_deg: fc.double({ min: -720, max: 720, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
          elevation_deg: int(-90, 90),
          focal_length_mm: fc.double({ min: 8, max: 300, noNaN: true }),
          fit_margin: fc.double({ min: 0, max: 1, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
        }),
        lighting: fc.constantFrom('studio_soft', 'studio_hard', 'outdoor', 'none'),
        background: sparse({ mode: fc.constantFrom('color', 'transparent'), color: fc.constantFrom('#ffffff', '#F2f2f2', '#000000') }),
        materials: sparse({ default: material, by_part: fc.dictionary(fc.constantFrom('bolt*', '*housing*', 'rod', 'Part_?'), material, { maxKeys: 4, noNullPrototype: true }) }),
        output: sparse({ format: fc.constantFrom('png', 'jpeg', 'webp', 'exr'), quality: int(1, 100), color_depth: fc.constantFrom(8, 16), filename: fc.constantFrom('{order}_{line}', '{cad}_top', 'x{frame}') }),
        turntable: fc.record(
          { frames: int(2, 720), fps: int(1, 120), degrees: fc.integer({ min: -720, max: 720 }), codec: fc.constantFrom('h264', 'vp9'), crf: int(0, 51), keep_frames: fc.boolean() },
          { requiredKeys: artifact === 'turntable' ? ['frames'] : [], noNullPrototype: true },
        ),
        blend: sparse({ pack_resources: fc.boolean(), compress: fc.boolean() }),
        post: sparse({ thumbnail_px: int(0, 4096), trim: fc.boolean(), pad_px: int(0, 512) }),
        publish: sparse({ kind: fc.constantFrom('web_still', 'render_still', 'x'), folder: fc.constantFrom('renders', 'web/stills', 'a_b') }),
        notify: sparse({ on_success: fc.boolean(), on_failure: fc.boolean(), channels: fc.constantFrom(['desktop'], ['desktop', 'webhook'], ['webhook']) }),
        active: fc.boolean(),
        extra: fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), json, { maxKeys: 5, noNullPrototype: true }),
        created_at: timestamp,
        updated_at: timestamp,
      },
      { requiredKeys: ['resolution', ...(artifact === 'turntable' ? ['turntable' as const] : [])], noNullPrototype: true },
    )
    .map((fields) => {
      const notify = fields.notify as { channels?: string[] } | undefined;
      if (notify?.channels?.includes('webhook')) (notify as Record<string, unknown>).webhook_url = 'https://example.com/hooks/x';
      return {
        format: 'lightbox.legacy/render-preset@1',
        key: 'generated',
        name: 'Generated preset',
        artifact,
        ...(pipeline === undefined ? {} : { pipeline }),
        ...fields,
      };
    });

/** Through the text, as an import reads it. */
function parsed<T>(doc: unknown): T {
  const r = parseLegacyDocument('generated.json', JSON.stringify(doc));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.document as T;
}

describe('migration properties', () => {
  it('any valid preset workflow migrates to a valid workflow that projects back with no differences', () => {
    const arb = fc.oneof(
      fc.constantFrom<Artifact>('still', 'turntable', 'blend').chain((a) => pipelineArb('gen_pipeline', 'order_line', a)),
      pipelineArb('gen_cad', 'cad_file', 'still'),
    );
    fc.assert(
      fc.property(arb, (raw) => {
        const pipeline = parsed<PresetWorkflow>(raw);
        const wf = migratePipeline(pipeline);
        const { problems } = validateWorkflow(wf, registry, { mode: 'save' });
        expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(verifyPipeline(pipeline, { ...wf, revision: 1 })).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('any valid preset migrates to a profile that projects back with no differences', () => {
    const arb = fc.constantFrom<Artifact>('still', 'turntable', 'blend').chain((artifact) =>
      fc.boolean().chain((named) => {
        const key = named ? 'custom_pipeline' : DEFAULT_PIPELINE_BY_ARTIFACT[artifact];
        return fc.tuple(presetArb(artifact, named ? key : undefined), pipelineArb(key, 'order_line', artifact));
      }),
    );
    fc.assert(
      fc.property(arb, ([rawPreset, rawPipeline]) => {
        const preset = parsed<RenderPreset>(rawPreset);
        const workflow = { ...migratePipeline(parsed<PresetWorkflow>(rawPipeline)), revision: 1 };
        const outputType = migratePreset(preset, workflow);
        expect(verifyPreset(preset, outputType, workflow)).toEqual([]);
        expect(JSON.stringify(outputType.extra)).toBe(JSON.stringify(preset.extra ?? {}));
      }),
      { numRuns: 200 },
    );
  });

  it('verification sees a lost or changed value', () => {
    const preset = parsed<RenderPreset>({ format: 'lightbox.legacy/render-preset@1', key: 'k', name: 'K', artifact: 'still', resolution: { width: 64, height: 64 }, extra: { a: 1, b: 2 } });
    const workflow = { ...migratePipeline(parsed<PresetWorkflow>({ format: 'lightbox.legacy/preset-workflow@1', key: 'still_default', name: 'S', family: 'order_line', steps: [{ service: 'resolve_cad' }, { service: 'prepare_scene' }, { service: 'render_still' }] })), revision: 1 };
    const ot = migratePreset(preset, workflow);
    ot.profile.parameterValues['renderer.samples'] = 65;
    ot.extra = { b: 2, a: 1 };
    const diffs = verifyPreset(preset, ot, { ...workflow, parameters: workflow.parameters?.filter((p) => p.name !== 'lighting') ?? [] });
    expect(diffs.map((d) => d.path).sort()).toEqual(['extra', 'lighting', 'renderer.samples']);
    expect(diffs.find((d) => d.path === 'renderer.samples')).toMatchObject({ kind: 'render_preset', key: 'k', legacy: 64, projected: 65 });
  });
});
