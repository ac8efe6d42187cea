import { describe, expect, it } from 'vitest';
import { parseLegacyDocument } from './parse';
import { migratePipeline } from './migrate-pipeline';
import { fillPresetDefaults, type RenderPreset } from './preset-schema';
import type { PresetWorkflow } from './pipeline-schema';

const base = { format: 'lightbox.legacy/render-preset@1', key: 'web', name: 'Web', artifact: 'still', resolution: { width: 64, height: 64 } };
const pipe = (family: string, steps: unknown[]) => ({ format: 'lightbox.legacy/preset-workflow@1', key: 'p', name: 'P', family, steps });
const errorsOf = (doc: unknown, file = 'preset.web.json') => {
  const r = parseLegacyDocument(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('parseLegacyDocument', () => {
  it('names an unknown field, the file and the preset', () => {
    const [e, ...rest] = errorsOf({ ...base, renderer: { smaples: 8 } });
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ fileName: 'preset.web.json', path: 'renderer.smaples' });
    expect(e?.message).toBe('preset.web.json (preset "web"): renderer.smaples: unknown field "renderer.smaples"');
    expect(errorsOf({ ...base, colour: 'red' })[0]?.path).toBe('colour');
  });

  it('keeps anything inside extra', () => {
    const r = parseLegacyDocument('x.json', JSON.stringify({ ...base, extra: { anything: { nested: [1, null] } } }));
    expect(r.ok).toBe(true);
  });

  it('names out-of-range values', () => {
    const [e] = errorsOf({ ...base, renderer: { samples: 0 } });
    expect(e?.path).toBe('renderer.samples');
    expect(e?.message).toBe('preset.web.json (preset "web"): renderer.samples: Too small: expected number to be >=1, got 0');
    expect(errorsOf({ ...base, resolution: { width: 8, height: 64 } })[0]?.path).toBe('resolution.width');
  });

  it('names the value it refused as well as its path: enum, type, range and format errors alike', () => {
    const errors = errorsOf({
      ...base,
      resolution: { width: 'wide', height: 9000 },
      renderer: { engine: 'octane' },
      background: { color: 'red' },
      notify: { channels: ['webhook'], webhook_url: 'ftp://hooks' },
      created_at: 'yesterday',
    });
    const at = (path: string) => errors.find((e) => e.path === path)?.message.replace('preset.web.json (preset "web"): ', '');
    expect(at('renderer.engine')).toBe('renderer.engine: Invalid option: expected one of "cycles"|"eevee"|"workbench", got "octane"');
    expect(at('resolution.width')).toBe('resolution.width: Invalid input: expected number, received string "wide"');
    expect(at('resolution.height')).toBe('resolution.height: Too big: expected number to be <=8192, got 9000');
    expect(at('background.color')).toBe('background.color: must be a color as #rrggbb, got "red"');
    expect(at('notify.webhook_url')).toBe('notify.webhook_url: must be an http(s) URL, got "ftp://hooks"');
    expect(at('created_at')).toBe('created_at: must be an ISO 8601 date or date-time such as 2025-01-31T12:00:00Z, got "yesterday"');
    expect(errors).toHaveLength(6);
  });

  it('refuses a file name template with a control character, naming output.filename', () => {
    for (const filename of ['{order}\n{line}', 'a\u0000', '\u007f{preset}']) {
      const [e, ...rest] = errorsOf({ ...base, output: { filename } });
      expect(rest).toEqual([]);
      expect(e).toMatchObject({ fileName: 'preset.web.json', path: 'output.filename' });
      expect(e?.message).toContain('output.filename: must not contain control characters (U+0000–U+001F, U+007F)');
    }
  });

  it('says which service a step names when it is not a legacy service', () => {
    const errors = errorsOf(pipe('order_line', [{ service: 'resolve_cad' }, { service: 'render_magic' }, { on_error: 'fail' }]), 'pipeline.p.json');
    expect(errors.map((e) => e.message)).toEqual([
      'pipeline.p.json (preset workflow "p"): steps[1].service: "render_magic" is not a legacy service; expected one of ingest_cad, extract_metadata, make_thumbnail, resolve_cad, prepare_scene, apply_materials, render_still, render_turntable, export_blend, encode_video, postprocess, save_output, notify',
      'pipeline.p.json (preset workflow "p"): steps[2].service: is required; expected one of ingest_cad, extract_metadata, make_thumbnail, resolve_cad, prepare_scene, apply_materials, render_still, render_turntable, export_blend, encode_video, postprocess, save_output, notify',
    ]);
  });

  it('names an unknown material with the preset', () => {
    const [e] = errorsOf({ ...base, materials: { default: 'gold' } });
    expect(e?.path).toBe('materials.default');
    expect(e?.message).toMatch(/preset\.web\.json \(preset "web"\): materials\.default: unknown material "gold"/);
    expect(errorsOf({ ...base, materials: { by_part: { 'bolt*': 'unobtainium' } } })[0]?.path).toBe('materials.by_part.bolt*');
  });

  it('applies the conditional requirements, and reports them beside structural errors', () => {
    expect(errorsOf({ ...base, artifact: 'turntable' }).map((e) => e.path)).toEqual(['turntable.frames']);
    expect(errorsOf({ ...base, notify: { channels: ['webhook'] } }).map((e) => e.path)).toEqual(['notify.webhook_url']);
    expect(errorsOf({ ...base, artifact: 'turntable', lighting: 'disco' }).map((e) => e.path)).toEqual(['lighting', 'turntable.frames']);
  });

  it('never lets publish.folder escape the library', () => {
    for (const folder of ['../up', '/abs', 'a/../../b', 'a\\b']) expect(errorsOf({ ...base, publish: { folder } })[0]?.path).toBe('publish.folder');
  });

  it('says a file is not JSON and where', () => {
    const [e] = errorsOf('{\n  "format": "x",\n  oops\n}', 'broken.json');
    expect(e?.message).toMatch(/^broken\.json: not valid JSON at line 3 column 3/);
  });

  it('names a missing or unknown format', () => {
    expect(errorsOf({ key: 'x' })[0]).toMatchObject({ path: 'format' });
    expect(errorsOf({ key: 'x' })[0]?.message).toMatch(/format: missing/);
    expect(errorsOf({ format: 'lightbox.legacy/render-preset@9' })[0]?.message).toMatch(/unknown format "lightbox.legacy\/render-preset@9"/);
  });

  it('refuses a cad_file service in an order_line pipeline, naming the step', () => {
    const errors = errorsOf(pipe('order_line', [{ service: 'resolve_cad' }, { service: 'ingest_cad' }]), 'pipeline.p.json');
    expect(errors[0]?.path).toBe('steps[1].service');
    expect(errors[0]?.message).toMatch(/pipeline\.p\.json \(preset workflow "p"\): steps\[1\]\.service: step 2: service "ingest_cad" belongs to the cad_file family/);
  });

  it('validates step options against the node settings, naming step and option', () => {
    const errors = errorsOf(
      pipe('order_line', [{ service: 'resolve_cad' }, { service: 'postprocess', options: { trim: 'yes', trimm: true } }]),
    );
    expect(errors.map((e) => e.path)).toEqual(['steps[1].options.trim', 'steps[1].options.trimm']);
    expect(errors[0]?.message).toBe('preset.web.json (preset workflow "p"): steps[1].options.trim: step 2 (postprocess): Invalid input: expected boolean, received string "yes"');
    expect(errorsOf(pipe('order_line', [])).map((e) => e.path)).toEqual(['steps']);
    expect(errorsOf(pipe('order_line', [{ service: 'resolve_cad', on_error: 'retry' }]))[0]).toMatchObject({
      path: 'steps[0].on_error',
      message: 'preset.web.json (preset workflow "p"): steps[0].on_error: Invalid option: expected one of "fail"|"continue", got "retry"',
    });
  });
});

describe('migratePipeline', () => {
  const doc = (steps: PresetWorkflow['steps']): PresetWorkflow => ({ format: 'lightbox.legacy/preset-workflow@1', key: 'k', name: 'K', family: 'order_line', steps });

  it('chains the steps, feeding notify from the render when nothing saves', () => {
    const wf = migratePipeline(doc([{ service: 'resolve_cad' }, { service: 'prepare_scene' }, { service: 'render_still' }, { service: 'notify', on_error: 'continue' }]));
    expect(wf.id).toBe('legacy.k');
    expect(wf.edges.map((e) => `${e.source}.${e.sourcePort}>${e.target}.${e.targetPort}`)).toEqual([
      'input.line>step1_resolve_cad.line',
      'step1_resolve_cad.mesh>step2_prepare_scene.mesh',
      'step2_prepare_scene.scene>step3_render_still.scene',
      'step3_render_still.asset>step4_notify.asset',
    ]);
    expect(wf.nodes.find((n) => n.id === 'step4_notify')?.onError).toBe('continue');
    const xs = wf.nodes.map((n) => n.position.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(new Set(xs).size).toBe(xs.length);
    expect(wf.metadata).toEqual({ legacy: { format: 'lightbox.legacy/preset-workflow@1', key: 'k', name: 'K', steps: 4 } });
    // A field nothing in this pipeline consumes still gets a parameter.
    expect(wf.parameters?.find((p) => p.name === 'turntable.codec')?.targets).toEqual([]);
    expect(wf.parameters?.find((p) => p.name === 'publish.kind')?.targets).toEqual([{ nodeId: 'step3_render_still', setting: 'publish.kind' }]);
  });

  it('targets every consumer of a field', () => {
    const wf = migratePipeline(
      doc([{ service: 'resolve_cad' }, { service: 'prepare_scene' }, { service: 'render_turntable' }, { service: 'encode_video' }, { service: 'save_output' }]),
    );
    const targets = (name: string) => wf.parameters?.find((p) => p.name === name)?.targets;
    expect(targets('turntable.fps')).toEqual([
      { nodeId: 'step3_render_turntable', setting: 'turntable.fps' },
      { nodeId: 'step4_encode_video', setting: 'fps' },
    ]);
    expect(targets('turntable.keep_frames')).toEqual([
      { nodeId: 'step5_save_output', setting: 'keep_frames' },
      { nodeId: 'step3_render_turntable', setting: 'publish.keep_frames' },
    ]);
    expect(wf.edges.find((e) => e.target === 'step5_save_output')).toMatchObject({ source: 'step4_encode_video', sourcePort: 'video' });
  });

  it('fails naming the step and service that cannot be connected', () => {
    expect(() => migratePipeline(doc([{ service: 'resolve_cad' }, { service: 'notify' }]))).toThrow(/step 2 \(notify\)/);
  });
});

describe('fillPresetDefaults', () => {
  it('fills every default, pipeline and publish.kind by artifact', () => {
    const filled = fillPresetDefaults({ ...base, artifact: 'blend' } as RenderPreset);
    expect(filled).toMatchObject({ pipeline: 'blend_export_default', publish: { kind: 'scene_blend', folder: 'renders' }, renderer: { samples: 64 }, active: true, extra: {} });
    expect(filled.camera?.azimuth_deg).toBeUndefined();
  });
});
