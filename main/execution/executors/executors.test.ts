import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_SPECS } from '../../nodes/specs';
import type { BlenderJobInput } from '../../../workers/blender/job-spec';
import { createNodeRegistry } from '../../catalog/nodes/registry';
import { sha256File } from '../../platform/files/sha256-file';
import { TEST_BLENDER } from '../../testing/processes';
import { startRenderFixture, TEST_STEP, type RenderFixture } from '../../testing/warm-farm';
import type { Artifact, ArtifactOf, CadSourceArtifact, ImageArtifact, MeshArtifact, NodeOutputs, OrderLineArtifact, SceneArtifact, SequenceArtifact, VideoArtifact } from './artifacts';
import { NodeError } from './context';
import { createTestRun, runNode, type NodeResult, type TestRun, type TestRunOptions } from './testing';
import { NODE_RUNTIMES } from '../../nodes/executors';

const T = 60_000;
const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';
const CAD = 'as1-oc-214';

let fixture: RenderFixture;
/** TEST_STEP ingested once by the fixture, as resolve_cad would hand it on. */
let mesh: MeshArtifact;
let runs = 0;

beforeAll(async () => {
  fixture = await startRenderFixture('lightbox-executors-');
  mesh = { type: 'mesh_asset', cadFileId: 'cad-1', name: CAD, glb: fixture.glb, glbSha256: await sha256File(fixture.glb), metadata: null };
}, T);

afterAll(() => fixture?.stop());

function testRun(options: Partial<TestRunOptions> = {}): TestRun {
  runs += 1;
  return createTestRun({
    farm: fixture.farm,
    workRoot: path.join(fixture.tmp, `run-${runs}`),
    blenderPath: TEST_BLENDER,
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    ...options,
    overrides: { names: { order: 'ord1', line: '2', cad: CAD, preset: 'test_preset' }, ...options.overrides },
  });
}

/** The artifact on `port`, checked to be of `type`. */
function out<K extends Artifact['type']>(outputs: NodeOutputs, port: string, type: K): ArtifactOf<K> {
  const value = outputs[port];
  expect(value, `output ${port}`).toBeDefined();
  expect(value?.type).toBe(type);
  return value as ArtifactOf<K>;
}

/** The rejection of a promise that must fail. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the node to fail, and it succeeded');
}

async function size(file: string): Promise<{ width: number | undefined; height: number | undefined; format: string | undefined }> {
  // A buffer, not the path: libvips caches decoded files by name.
  const meta = await sharp(fs.readFileSync(file)).metadata();
  return { width: meta.width, height: meta.height, format: meta.format };
}

const orderLine: OrderLineArtifact = { type: 'order_line', orderLineId: 'line-1', orderId: 'ord1', lineNo: 2, cadFileId: 'cad-1', outputTypeKey: 'test_preset', overrides: {} };
const metadataArtifact: Artifact = { type: 'metadata', metadata: { file: 'x.stp', format: 'step', formatLabel: 'STEP', sourceUnits: 'mm', unitsAssumed: false, parts: [], partCount: 0, triangleCount: 0, bboxMm: { min: [0, 0, 0], max: [1, 1, 1], size: [1, 1, 1] }, notes: [] } } as unknown as Artifact;

/** prepare_scene then apply_materials through their executors: the scene the render nodes get. */
async function sceneOf(test: TestRun, of: MeshArtifact = mesh, background: Record<string, unknown> = { mode: 'color', color: '#ffffff' }, fitMargin = 0.1): Promise<SceneArtifact> {
  const prepared = await runNode(test, 'prepare_scene', { settings: { camera: { angle: 'three_quarter', fit_margin: fitMargin }, lighting: 'studio_soft', background }, inputs: { mesh: of } });
  const dressed = await runNode(test, 'apply_materials', { settings: { default: 'neutral_grey', by_part: { 'bolt*': 'black_oxide', rod: 'chrome' } }, inputs: { scene: out(prepared.outputs, 'scene', 'scene') } });
  return out(dressed.outputs, 'scene', 'scene');
}

const missingMesh = (test: TestRun): MeshArtifact => ({ ...mesh, name: 'ghost', glb: path.join(test.workRoot, 'nowhere', 'ghost.glb') });

const cheap = { renderer: { engine: 'cycles', samples: 4 } };

/** One 64×64 still on white with room around the part, rendered once and shared (postprocess, output_save use it). */
let stillOnce: Promise<{ test: TestRun; result: NodeResult; image: ImageArtifact }> | null = null;
function still() {
  stillOnce ??= (async () => {
    const test = testRun();
    const scene = await sceneOf(test, mesh, { mode: 'color', color: '#ffffff' }, 0.5);
    const result = await runNode(test, 'render_still', { settings: { ...cheap, resolution: { width: 64, height: 64 }, output: { filename: '{order}_{line}_{cad}' } }, inputs: { scene } });
    return { test, result, image: out(result.outputs, 'image', 'image') };
  })();
  return stillOnce;
}

/** One 4-frame turntable, self-published, shared with encode_video and output_save. */
let turntableOnce: Promise<{ test: TestRun; result: NodeResult; frames: SequenceArtifact; jobsBefore: number }> | null = null;
function turntable() {
  turntableOnce ??= (async () => {
    const test = testRun({ selfPublish: true });
    const scene = await sceneOf(test);
    const jobsBefore = fixture.farm.jobs.length;
    const result = await runNode(test, 'render_turntable', { settings: { ...cheap, resolution: { width: 48, height: 48 }, turntable: { frames: 4, fps: 12 }, output: { filename: '{cad}_{frame}' } }, inputs: { scene } });
    return { test, result, frames: out(result.outputs, 'frames', 'image_sequence'), jobsBefore };
  })();
  return turntableOnce;
}

let videoOnce: Promise<{ result: NodeResult; video: VideoArtifact }> | null = null;
function video() {
  videoOnce ??= (async () => {
    const { frames } = await turntable();
    const result = await runNode(testRun(), 'encode_video', { settings: { codec: 'h264', fps: 12, crf: 30 }, inputs: { frames } });
    return { result, video: out(result.outputs, 'video', 'video') };
  })();
  return videoOnce;
}

describe('node registry', () => {
  it('has an executor for every node type (its folder’s execute.ts), and lists every one as executable', async () => {
    expect(Object.keys(NODE_RUNTIMES).sort()).toEqual(NODE_SPECS.map((s) => s.type).sort());
    const registry = createNodeRegistry(NODE_SPECS, NODE_RUNTIMES);
    const definitions = registry.definitions();
    expect(definitions.map((d) => d.type).sort()).toEqual(Object.keys(NODE_RUNTIMES).sort());
    for (const definition of definitions) {
      expect({ type: definition.type, executable: definition.executable, disabledReason: definition.disabledReason }).toEqual({ type: definition.type, executable: true, disabledReason: undefined });
      expect(registry.status(definition.type, definition.version)).toEqual({ executable: true });
      const runtime = registry.runtime(definition.type, definition.version);
      expect(runtime).toBe(NODE_RUNTIMES[definition.type]);
      // The folder's execute.ts exports the executor the runtime loads.
      const mod = (await import(`../../nodes/${definition.type}/execute.ts`)) as { execute?: unknown };
      expect(typeof mod.execute).toBe('function');
    }
  });
});

describe('inputs the executors cannot work without', () => {
  const fed = NODE_SPECS.filter((s) => s.inputs.length > 0);

  it.each(fed.map((s) => [s.type, s.inputs[0]?.name ?? '']))('%s without its "%s" input fails with a NodeError naming the port', async (type, port) => {
    const test = testRun({ selfPublish: true });
    const jobs = fixture.farm.jobs.length;
    const error = await failureOf(runNode(test, type, {}));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toContain(`input "${port}" has nothing`);
    // Nothing rendered, published, sent or logged for a node that could not start.
    expect(fixture.farm.jobs.length).toBe(jobs);
    expect([test.published, test.notified, test.renders]).toEqual([[], [], []]);
  });

  it.each(fed.filter((s) => s.type !== 'notify').map((s) => [s.type, s.inputs[0]?.name ?? '']))('%s given a metadata artifact on "%s" refuses it by type', async (type, port) => {
    const error = await failureOf(runNode(testRun(), type, { inputs: { [port]: metadataArtifact } }));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(type === 'output_save' ? /output_save cannot publish a metadata/ : new RegExp(`input "${port}" got a metadata, expected a \\w+`));
  });
});

describe('input nodes', () => {
  it('input_order_line hands on the run\'s order line; without one it fails saying so', async () => {
    const { outputs } = await runNode(testRun({ overrides: { orderLine } }), 'input_order_line');
    expect(outputs).toEqual({ line: orderLine });
    const error = await failureOf(runNode(testRun(), 'input_order_line'));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(/this run has no order line/);
  });

  it('input_cad_file hands on the run\'s CAD file; without one it fails saying so', async () => {
    const cad: CadSourceArtifact = { type: 'cad_source', cadFileId: 'cad-9', file: TEST_STEP, name: `${CAD}.stp` };
    const { outputs } = await runNode(testRun({ overrides: { cadSource: cad } }), 'input_cad_file');
    expect(outputs).toEqual({ cad });
    const error = await failureOf(runNode(testRun(), 'input_cad_file'));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(/this run has no CAD file/);
  });

  it('input_parameters hands on a copy of the values (none: an empty map); unknown settings are refused by name', async () => {
    const parameters = { background: '#ff0000', samples: 8, nested: { angle: 'front' } };
    const test = testRun({ overrides: { parameters } });
    const { outputs } = await runNode(test, 'input_parameters');
    const values = out(outputs, 'values', 'parameters');
    expect(values.values).toEqual(parameters);
    (values.values.nested as { angle: string }).angle = 'top';
    expect(parameters.nested.angle).toBe('front');
    expect(out((await runNode(testRun(), 'input_parameters')).outputs, 'values', 'parameters').values).toEqual({});
    const error = await failureOf(runNode(test, 'input_parameters', { settings: { extra: 1 } }));
    expect(error.message).toMatch(/^invalid settings: .*extra/);
  });
});

describe('CAD nodes', () => {
  it('ingest_cad tessellates a CAx-IF STEP to a GLB in its folder, with its settings', async () => {
    const test = testRun();
    const reference = out((await runNode(test, 'extract_metadata', { inputs: { mesh } })).outputs, 'metadata', 'metadata').metadata;
    const cad: CadSourceArtifact = { type: 'cad_source', cadFileId: 'cad-7', file: TEST_STEP, name: `${CAD}.stp` };
    const { outputs, workDir, logs } = await runNode(test, 'ingest_cad', { settings: { linear_deflection_mm: 2, angular_deflection_deg: 45 }, inputs: { cad } });
    const ingested = out(outputs, 'mesh', 'mesh_asset');
    expect(ingested).toMatchObject({ cadFileId: 'cad-7', name: CAD });
    expect(path.dirname(ingested.glb)).toBe(workDir);
    expect(ingested.glbSha256).toBe(await sha256File(ingested.glb));
    expect(fs.readFileSync(ingested.glb).subarray(0, 4).toString('latin1')).toBe('glTF');
    expect(ingested.metadata).toMatchObject({ format: 'step', partCount: reference.partCount });
    expect(ingested.metadata?.tessellation).toMatchObject({ linear_deflection_mm: 2, angular_deflection_deg: 45 });
    // Coarser deflections than the default ingest: fewer triangles, same parts.
    expect(ingested.metadata?.triangleCount).toBeLessThan(reference.triangleCount);
    expect(logs.join('\n')).toMatch(/ingesting as1-oc-214\.stp[\s\S]*GLB \d+ bytes, 18 parts/);
  });

  it('ingest_cad on a truncated or garbage .stp fails naming the file, and leaves no GLB', async () => {
    const test = testRun();
    fs.mkdirSync(test.workRoot, { recursive: true });
    const truncated = path.join(test.workRoot, 'truncated.stp');
    fs.writeFileSync(truncated, fs.readFileSync(TEST_STEP).subarray(0, 3000));
    const garbage = path.join(test.workRoot, 'garbage.stp');
    fs.writeFileSync(garbage, 'this is not a STEP file at all\n'.repeat(20));
    for (const file of [truncated, garbage]) {
      const nodeId = `ingest_${path.basename(file, '.stp')}`;
      const workDir = path.join(test.workRoot, nodeId);
      const error = await failureOf(runNode(test, 'ingest_cad', { nodeId, inputs: { cad: { type: 'cad_source', cadFileId: null, file, name: path.basename(file) } } }));
      expect(error.message).toContain(file);
      expect(fs.existsSync(workDir) ? fs.readdirSync(workDir).filter((f) => f.endsWith('.glb')) : []).toEqual([]);
    }
  });

  it('extract_metadata reads parts, triangles and the bounding box from the GLB, source facts from the ingest', async () => {
    const { outputs } = await runNode(testRun(), 'extract_metadata', { inputs: { mesh } });
    const { metadata } = out(outputs, 'metadata', 'metadata');
    expect(metadata.partCount).toBe(18);
    expect(metadata.parts).toHaveLength(18);
    expect(metadata.triangleCount).toBe(metadata.parts.reduce((n, p) => n + p.triangles, 0));
    expect(metadata.triangleCount).toBeGreaterThan(1000);
    expect(metadata.bboxMm.size.map((v) => Math.round(v))).toEqual([200, 150, 84]);
    expect(metadata.parts.map((p) => p.name)).toEqual(expect.arrayContaining(['nut', 'bolt', 'rod', 'plate', 'l-bracket']));
    // No ingest facts: the GLB's own; with them, the source's format and units are kept.
    expect(metadata).toMatchObject({ format: 'gltf', file: path.basename(fixture.glb) });
    const withSource = { ...mesh, metadata: { ...metadata, file: `${CAD}.stp`, format: 'step', formatLabel: 'STEP', sourceUnits: 'mm', partCount: 1, parts: [] } } as MeshArtifact;
    const again = out((await runNode(testRun(), 'extract_metadata', { inputs: { mesh: withSource } })).outputs, 'metadata', 'metadata').metadata;
    expect(again).toMatchObject({ file: `${CAD}.stp`, format: 'step', sourceUnits: 'mm', partCount: 18 });
  });

  it('extract_metadata on a file that is not a GLB, or a GLB without geometry, fails naming the file', async () => {
    const test = testRun();
    fs.mkdirSync(test.workRoot, { recursive: true });
    const text = path.join(test.workRoot, 'notes.glb');
    fs.writeFileSync(text, 'just some text, no glTF here');
    const error = await failureOf(runNode(test, 'extract_metadata', { inputs: { mesh: { ...mesh, glb: text } } }));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(/^cannot read the mesh notes\.glb: /);

    const empty = path.join(test.workRoot, 'empty.glb');
    const doc = new Document();
    doc.createBuffer();
    doc.createScene('empty');
    await new NodeIO().write(empty, doc);
    const none = await failureOf(runNode(test, 'extract_metadata', { inputs: { mesh: { ...mesh, glb: empty } } }));
    expect(none).toBeInstanceOf(NodeError);
    expect(none.message).toBe('the mesh empty.glb has no geometry');
  });

  it('make_thumbnail renders a square PNG of size_px in its folder', async () => {
    const { outputs, workDir } = await runNode(testRun(), 'make_thumbnail', { settings: { size_px: 48 }, inputs: { mesh } });
    const image = out(outputs, 'image', 'image');
    expect(image).toMatchObject({ format: 'png', width: 48, height: 48, file: path.join(workDir, `${CAD}_thumb.png`) });
    expect(await size(image.file)).toEqual({ width: 48, height: 48, format: 'png' });
    expect(image.sha256).toBe(await sha256File(image.file));
  });

  it('make_thumbnail of a broken GLB fails with Blender\'s reason', async () => {
    const test = testRun();
    fs.mkdirSync(test.workRoot, { recursive: true });
    const broken = path.join(test.workRoot, 'broken.glb');
    fs.writeFileSync(broken, Buffer.concat([fs.readFileSync(fixture.glb).subarray(0, 200), Buffer.from('garbage')]));
    const error = await failureOf(runNode(test, 'make_thumbnail', { settings: { size_px: 32 }, inputs: { mesh: { ...mesh, name: 'broken', glb: broken } } }));
    expect(error).toBeInstanceOf(NodeError);
    // The thumbnail renders on the farm: the job's failure carries Blender's own reason.
    expect(error.message).toMatch(/^no thumbnail for broken: cad_thumbnail \S+ failed in Blender: .*Bad GLB/);
  });

  it('resolve_cad hands on the order line\'s ingested mesh', async () => {
    const { outputs, logs } = await runNode(testRun({ mesh }), 'resolve_cad', { inputs: { line: orderLine } });
    expect(outputs).toEqual({ mesh });
    expect(logs).toEqual([`CAD file cad-1: ${path.basename(fixture.glb)}`]);
  });

  it('resolve_cad fails with the run\'s reason, or when the GLB is missing on disk', async () => {
    const unknown = await failureOf(runNode(testRun(), 'resolve_cad', { inputs: { line: orderLine } }));
    expect(unknown.message).toBe('CAD file cad-1 is not in the library');
    const test = testRun({ mesh: missingMesh(testRun()) });
    const gone = await failureOf(runNode(test, 'resolve_cad', { inputs: { line: orderLine } }));
    expect(gone).toBeInstanceOf(NodeError);
    expect(gone.message).toMatch(/^the ingested mesh of CAD file cad-1 is missing on disk \(.*ghost\.glb\); import the file again$/);
  });
});

describe('scene nodes', () => {
  it('prepare_scene turns its settings into the job\'s camera, lighting and background, the mesh passed along', async () => {
    const { outputs } = await runNode(testRun(), 'prepare_scene', { settings: { camera: { angle: 'front', elevation_deg: 12 }, lighting: 'outdoor', background: { mode: 'transparent' } }, inputs: { mesh } });
    const scene = out(outputs, 'scene', 'scene');
    expect(scene.mesh).toEqual(mesh);
    expect(scene.scene).toEqual({ camera: { angle: 'front', elevation_deg: 12, focal_length_mm: 50, fit_margin: 0.1 }, lighting: 'outdoor', background: { mode: 'transparent', color: '#ffffff' } });
    expect('azimuth_deg' in scene.scene.camera).toBe(false);
  });

  it('prepare_scene refuses a bad background colour by its settings path', async () => {
    const error = await failureOf(runNode(testRun(), 'prepare_scene', { settings: { background: { color: 'red' } }, inputs: { mesh } }));
    expect(error.message).toMatch(/background\.color: must be a color as #rrggbb/);
  });

  it('apply_materials sends the used library materials and the part rules in key order', async () => {
    const prepared = out((await runNode(testRun(), 'prepare_scene', { inputs: { mesh } })).outputs, 'scene', 'scene');
    const { outputs } = await runNode(testRun(), 'apply_materials', { settings: { default: 'brushed_steel', by_part: { 'bolt*': 'black_oxide', nut: 'chrome' } }, inputs: { scene: prepared } });
    const scene = out(outputs, 'scene', 'scene');
    expect(scene.mesh).toEqual(mesh);
    expect(scene.scene).toMatchObject(prepared.scene);
    const materials = (scene.scene as { materials?: { default: string; by_part: unknown; library: Record<string, unknown> } }).materials;
    expect(materials?.default).toBe('brushed_steel');
    expect(materials?.by_part).toEqual([{ glob: 'bolt*', material: 'black_oxide' }, { glob: 'nut', material: 'chrome' }]);
    expect(Object.keys(materials?.library ?? {}).sort()).toEqual(['black_oxide', 'brushed_steel', 'chrome']);
    // The input scene is not changed.
    expect('materials' in prepared.scene).toBe(false);
  });

  it('apply_materials with an unknown material key fails naming it (in the settings and in the executor)', async () => {
    const prepared = out((await runNode(testRun(), 'prepare_scene', { inputs: { mesh } })).outputs, 'scene', 'scene');
    const bySchema = await failureOf(runNode(testRun(), 'apply_materials', { settings: { by_part: { 'bolt*': 'gold' } }, inputs: { scene: prepared } }));
    expect(bySchema.message).toMatch(/by_part\.bolt\*: unknown material "gold"/);
    const byExecutor = await failureOf(runNode(testRun(), 'apply_materials', { unparsed: true, settings: { default: 'unobtainium', by_part: {} }, inputs: { scene: prepared } }));
    expect(byExecutor).toBeInstanceOf(NodeError);
    expect(byExecutor.message).toMatch(/^unknown material "unobtainium"; known materials: neutral_grey, /);
  });
});

describe('render_still', () => {
  it('renders the scene at its size to a file named from the template, logs every core field, and does not publish by itself', async () => {
    const { test, result, image } = await still();
    expect(image).toMatchObject({ format: 'png', width: 64, height: 64, quality: 90, file: path.join(result.workDir, `ord1_2_${CAD}.png`) });
    expect(await size(image.file)).toEqual({ width: 64, height: 64, format: 'png' });
    expect(image.sha256).toBe(await sha256File(image.file));
    expect(result.outputs.asset).toBeUndefined();
    expect(test.published).toEqual([]);
    // Progress counts Cycles samples (4 here), ending complete.
    expect(result.progress.at(-1)).toEqual([4, 4]);
    expect(test.renders).toHaveLength(1);
    const log = test.renders[0];
    expect(log).toMatchObject({ engine: 'cycles', samples: 4, width: 64, height: 64, frameStart: 1, frameEnd: 1, outputPath: image.file, outputSha256: image.sha256, status: 'succeeded', exitCode: 0, error: null });
    expect(log?.blenderVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(log?.blenderVersion).toBe(await test.run.blenderVersion());
    expect(log?.durationMs).toBeGreaterThan(0);
    // The materials of the scene went to Blender with the job.
    const job = fixture.farm.jobs.map((j) => j.job).find((j): j is Extract<BlenderJobInput, { kind: 'render_still' }> => j.kind === 'render_still' && j.out === image.file);
    expect(job?.materials?.by_part).toEqual([{ glob: 'bolt*', material: 'black_oxide' }, { glob: 'rod', material: 'chrome' }]);
  });

  it('a draft shrinks the render and changes its samples; with no output_save it publishes itself', async () => {
    const test = testRun({ selfPublish: true, draft: { maxSize: 64, samples: 2 } });
    const scene = await sceneOf(test);
    const { outputs, logs } = await runNode(test, 'render_still', {
      settings: { ...cheap, resolution: { width: 128, height: 96 }, output: { format: 'jpeg', quality: 80 }, publish: { kind: 'hero_shot', folder: 'stills/drafts' } },
      inputs: { scene },
    });
    const image = out(outputs, 'image', 'image');
    expect(image).toMatchObject({ format: 'jpeg', width: 64, height: 48, quality: 80 });
    expect(await size(image.file)).toEqual({ width: 64, height: 48, format: 'jpeg' });
    const job = fixture.farm.jobs.map((j) => j.job).find((j): j is Extract<BlenderJobInput, { kind: 'render_still' }> => j.kind === 'render_still' && j.out === image.file);
    expect(job?.renderer?.samples).toBe(2);
    expect(job?.resolution).toEqual({ width: 64, height: 48, percentage: 100 });
    expect(test.renders).toEqual([expect.objectContaining({ samples: 2, width: 64, height: 48, status: 'succeeded', outputSha256: image.sha256 })]);
    // Published once, as itself.
    expect(test.published).toEqual([
      { nodeId: expect.any(String), kind: 'hero_shot', folder: 'stills/drafts', main: { file: image.file, sha256: image.sha256, format: 'jpeg', width: 64, height: 48 }, attachments: [] },
    ]);
    expect(out(outputs, 'asset', 'media_asset')).toEqual(test.assets[0]);
    expect(logs).toContain(`published ${test.assets[0]?.file}`);
  });

  it('a GLB that does not exist fails the render and records a failed render log with the error', async () => {
    const test = testRun({ selfPublish: true });
    const scene = await sceneOf(test, missingMesh(test));
    const run = runNode(test, 'render_still', { nodeId: 'bad_still', settings: { ...cheap, resolution: { width: 64, height: 64 } }, inputs: { scene } });
    const error = await failureOf(run);
    expect(error.message).toMatch(/render_still failed in Blender: .*ghost\.glb/);
    expect(test.renders).toEqual([
      expect.objectContaining({ nodeId: 'bad_still', engine: 'cycles', samples: 4, frameStart: 1, frameEnd: 1, status: 'failed', outputPath: null, outputSha256: null, exitCode: 1, error: error.message }),
    ]);
    expect(test.renders[0]?.blenderVersion).toMatch(/^\d+\.\d+/);
    expect(test.published).toEqual([]);
    const dir = path.join(test.workRoot, 'bad_still');
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });
});

describe('render_turntable', () => {
  it('renders `frames` files in order as an image_sequence, chunked on the farm, and logs the frame range', async () => {
    const { test, result, frames, jobsBefore } = await turntable();
    expect(frames).toMatchObject({ format: 'png', width: 48, height: 48, fps: 12, nameTemplate: '{cad}_{frame}' });
    expect(frames.frames.map((f) => path.basename(f.file))).toEqual([1, 2, 3, 4].map((i) => `${CAD}_000${i}.png`));
    for (const f of frames.frames) {
      expect(path.dirname(f.file)).toBe(result.workDir);
      expect(await size(f.file)).toEqual({ width: 48, height: 48, format: 'png' });
      expect(f.sha256).toBe(await sha256File(f.file));
    }
    // A revolution: the frames differ.
    expect(new Set(frames.frames.map((f) => f.sha256)).size).toBe(4);
    const chunks = fixture.farm.jobs.slice(jobsBefore).map((j) => j.job).filter((j): j is Extract<BlenderJobInput, { kind: 'render_frames' }> => j.kind === 'render_frames');
    expect(chunks.map((j) => j.frame_range)).toEqual([[1, 2], [3, 4]]);
    // Progress counts Cycles samples over every frame: 4 frames × 4 samples, ending complete.
    expect(result.progress.at(-1)).toEqual([16, 16]);
    expect(test.renders).toHaveLength(1);
    expect(test.renders[0]).toMatchObject({ engine: 'cycles', samples: 4, width: 48, height: 48, frameStart: 1, frameEnd: 4, outputPath: result.workDir, status: 'succeeded', exitCode: 0, error: null });
    expect(test.renders[0]?.blenderVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the render log of a turntable carries one sha256 for its sequence: over the frames\' hashes in order', async () => {
    const { test, frames } = await turntable();
    expect(test.renders[0]?.outputSha256).toMatch(/^[0-9a-f]{64}$/);
    const expected = crypto.createHash('sha256').update(frames.frames.map((f) => f.sha256).join('\n')).digest('hex');
    expect(test.renders[0]?.outputSha256).toBe(expected);
  });

  it('with no output_save it publishes the sequence itself: the first frame, the rest attached', async () => {
    const { test, result, frames } = await turntable();
    const [first, ...rest] = frames.frames;
    expect(test.published).toEqual([
      {
        nodeId: expect.any(String),
        kind: 'render_turntable',
        folder: 'renders',
        main: { ...first, format: 'png', width: 48, height: 48, frames: 4 },
        attachments: rest.map((f) => ({ ...f, role: 'frame' })),
      },
    ]);
    expect(out(result.outputs, 'asset', 'media_asset')).toEqual(test.assets[0]);
  });

  it('a GLB that does not exist fails and records a failed render log', async () => {
    const test = testRun({ selfPublish: true });
    const scene = await sceneOf(test, missingMesh(test));
    const error = await failureOf(runNode(test, 'render_turntable', { settings: { ...cheap, resolution: { width: 32, height: 32 }, turntable: { frames: 2 } }, inputs: { scene } }));
    expect(error.message).toMatch(/ghost\.glb/);
    expect(test.renders).toEqual([expect.objectContaining({ frameStart: 1, frameEnd: 2, status: 'failed', outputPath: null, outputSha256: null, error: error.message })]);
    expect(test.renders[0]?.exitCode).not.toBe(0);
    expect(test.published).toEqual([]);
  });
});

describe('export_blend', () => {
  it('saves a .blend that re-opens with the objects it lists, at the drafted size, and publishes it when alone', async () => {
    const test = testRun({ selfPublish: true, draft: { maxSize: 40 } });
    const scene = await sceneOf(test);
    const { outputs, workDir } = await runNode(test, 'export_blend', { settings: { ...cheap, resolution: { width: 80, height: 60 } }, inputs: { scene } });
    const blend = out(outputs, 'blend', 'blend_file');
    expect(blend.file).toBe(path.join(workDir, 'ord1_2_test_preset.blend'));
    expect(blend.sha256).toBe(await sha256File(blend.file));
    expect([blend.width, blend.height]).toEqual([40, 30]);
    expect(blend.objects).toContain('lightbox_camera');
    for (const part of ['nut', 'bolt', 'rod', 'plate', 'l-bracket']) expect(blend.objects.some((o) => o === part || o.startsWith(`${part}.`))).toBe(true);
    // A fresh Blender (not the farm's) opens the file and sees exactly those objects.
    const printed = execFileSync(TEST_BLENDER, ['-b', blend.file, '--python-expr', 'import bpy, json; print("OBJECTS=" + json.dumps(sorted(o.name for o in bpy.data.objects)))'], { encoding: 'utf8', timeout: 60_000 });
    const line = printed.split('\n').find((l) => l.startsWith('OBJECTS='));
    expect(JSON.parse(line?.slice('OBJECTS='.length) ?? 'null')).toEqual([...blend.objects].sort());
    expect(test.renders).toEqual([expect.objectContaining({ frameStart: null, frameEnd: null, width: 40, height: 30, outputPath: blend.file, outputSha256: blend.sha256, status: 'succeeded', exitCode: 0 })]);
    expect(test.published).toEqual([{ nodeId: expect.any(String), kind: 'scene_blend', folder: 'renders', main: { file: blend.file, sha256: blend.sha256, format: 'blend', width: 40, height: 30 }, attachments: [] }]);
  });

  it('a GLB that does not exist fails and records a failed render log', async () => {
    const test = testRun({ selfPublish: true });
    const scene = await sceneOf(test, missingMesh(test));
    const error = await failureOf(runNode(test, 'export_blend', { inputs: { scene } }));
    expect(error.message).toMatch(/export_blend .* failed in Blender: .*ghost\.glb/);
    expect(test.renders).toEqual([expect.objectContaining({ status: 'failed', exitCode: 1, outputPath: null, error: error.message })]);
    expect(test.published).toEqual([]);
  });
});

describe('encode_video', () => {
  it('encodes exactly the frames to an H.264 video with their count, named from the render\'s template', async () => {
    const { frames } = await turntable();
    const { result, video: encoded } = await video();
    expect(encoded).toMatchObject({ format: 'mp4', width: 48, height: 48, frames: 4, file: path.join(result.workDir, `${CAD}.mp4`) });
    expect(encoded.durationSeconds).toBeCloseTo(4 / 12, 1);
    expect(encoded.sha256).toBe(await sha256File(encoded.file));
    expect(encoded.sourceFrames).toEqual(frames.frames);
    expect(result.outputs.frames).toEqual(frames);
    // ffprobe on the file itself, not the executor's word.
    const probe = JSON.parse(execFileSync(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames,r_frame_rate', '-of', 'json', encoded.file], { encoding: 'utf8' })) as { streams: Record<string, unknown>[] };
    expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 48, height: 48, nb_read_frames: '4', r_frame_rate: '12/1' });
  });

  it('fails clearly without ffmpeg, without frames, or with a frame gone from disk', async () => {
    const { frames } = await turntable();
    const noFfmpeg = await failureOf(runNode(testRun({ ffmpegPath: undefined }), 'encode_video', { inputs: { frames } }));
    expect(noFfmpeg).toBeInstanceOf(NodeError);
    expect(noFfmpeg.message).toMatch(/^encode_video needs ffmpeg/);
    const none = await failureOf(runNode(testRun(), 'encode_video', { inputs: { frames: { ...frames, frames: [] } } }));
    expect(none.message).toBe('encode_video got no frames');
    const gone = path.join(fixture.tmp, 'gone_0002.png');
    const missing = await failureOf(runNode(testRun(), 'encode_video', { inputs: { frames: { ...frames, frames: [frames.frames[0] ?? { file: '', sha256: '' }, { file: gone, sha256: 'x' }] } } }));
    expect(missing.message).toContain(`frame ${gone} does not exist`);
  });
});

describe('postprocess', () => {
  it('trims, pads and makes a thumbnail on a copy: sizes change, the render\'s file stays as rendered', async () => {
    const { image } = await still();
    const before = await sha256File(image.file);
    const { outputs, workDir } = await runNode(testRun(), 'postprocess', { settings: { trim: true, pad_px: 4, thumbnail_px: 32 }, inputs: { image } });
    const done = out(outputs, 'image', 'image');
    expect(path.dirname(done.file)).toBe(workDir);
    expect(path.basename(done.file)).toBe(path.basename(image.file));
    const real = await size(done.file);
    expect(real).toEqual({ width: done.width, height: done.height, format: 'png' });
    // The part sits inside a wide margin: trimming takes more than the 2×4 px padding adds back.
    expect(done.width).toBeLessThan(64);
    expect(done.height).toBeLessThan(64);
    expect(done.sha256).toBe(await sha256File(done.file));
    const thumb = out(outputs, 'thumbnail', 'image');
    expect(Math.max(thumb.width, thumb.height)).toBe(32);
    expect(await size(thumb.file)).toEqual({ width: thumb.width, height: thumb.height, format: 'png' });
    expect(done.thumbnail).toEqual({ file: thumb.file, sha256: thumb.sha256, width: thumb.width, height: thumb.height });
    // The upstream file is untouched.
    expect(await sha256File(image.file)).toBe(before);
    expect(await size(image.file)).toEqual({ width: 64, height: 64, format: 'png' });
  });

  it('pad alone grows the image by twice the padding', async () => {
    const { image } = await still();
    const { outputs } = await runNode(testRun(), 'postprocess', { settings: { pad_px: 5 }, inputs: { image } });
    const done = out(outputs, 'image', 'image');
    expect(await size(done.file)).toEqual({ width: 74, height: 74, format: 'png' });
    expect([done.width, done.height]).toEqual([74, 74]);
    expect(outputs.thumbnail).toBeUndefined();
  });

  it('a corrupt image fails naming the file', async () => {
    const test = testRun();
    fs.mkdirSync(test.workRoot, { recursive: true });
    const corrupt = path.join(test.workRoot, 'corrupt.png');
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a png')]));
    const image: ImageArtifact = { type: 'image', file: corrupt, sha256: await sha256File(corrupt), format: 'png', width: 64, height: 64 };
    const error = await failureOf(runNode(test, 'postprocess', { settings: { trim: true }, inputs: { image } }));
    expect(error.message).toMatch(/^postprocess cannot read .*corrupt\.png: /);
  });
});

describe('output_save', () => {
  it('publishes an image with its thumbnail attached, to the kind and folder set', async () => {
    const { image } = await still();
    const post = await runNode(testRun(), 'postprocess', { settings: { thumbnail_px: 24 }, inputs: { image } });
    const done = out(post.outputs, 'image', 'image');
    const test = testRun();
    const { outputs, logs } = await runNode(test, 'output_save', { nodeId: 'save', settings: { kind: 'catalog_still', folder: 'catalog/2024' }, inputs: { artifact: done } });
    const thumb = done.thumbnail;
    expect(test.published).toEqual([
      {
        nodeId: 'save',
        kind: 'catalog_still',
        folder: 'catalog/2024',
        main: { file: done.file, sha256: done.sha256, format: 'png', width: 64, height: 64 },
        attachments: [{ role: 'thumbnail', file: thumb?.file, sha256: thumb?.sha256 }],
      },
    ]);
    expect(fs.existsSync(thumb?.file ?? '')).toBe(true);
    expect(out(outputs, 'asset', 'media_asset')).toEqual(test.assets[0]);
    expect(logs).toEqual([`published ${test.assets[0]?.file} (catalog_still)`]);
  });

  it('publishes a video with its frames only when keep_frames, and a bare sequence as first frame plus the rest', async () => {
    const { video: encoded } = await video();
    const kept = testRun();
    await runNode(kept, 'output_save', { settings: { keep_frames: true }, inputs: { artifact: encoded } });
    expect(kept.published[0]).toMatchObject({ kind: 'render_turntable', folder: 'renders', main: { file: encoded.file, format: 'mp4', frames: 4, width: 48, height: 48, durationSeconds: encoded.durationSeconds } });
    expect(kept.published[0]?.attachments).toEqual(encoded.sourceFrames.map((f) => ({ ...f, role: 'frame' })));
    for (const a of kept.published[0]?.attachments ?? []) expect(await sha256File(a.file)).toBe(a.sha256);
    const dropped = testRun();
    await runNode(dropped, 'output_save', { inputs: { artifact: encoded } });
    expect(dropped.published[0]?.attachments).toEqual([]);

    const { frames } = await turntable();
    const sequence = testRun();
    await runNode(sequence, 'output_save', { inputs: { artifact: frames } });
    expect(sequence.published[0]).toMatchObject({ kind: 'render_turntable', main: { file: frames.frames[0]?.file, frames: 4 } });
    expect(sequence.published[0]?.attachments.map((a) => a.file)).toEqual(frames.frames.slice(1).map((f) => f.file));
  });

  it('refuses what it cannot publish (a non-deliverable, an empty sequence), publishing nothing', async () => {
    const test = testRun();
    const cannot = await failureOf(runNode(test, 'output_save', { inputs: { artifact: { ...mesh } } }));
    expect(cannot).toBeInstanceOf(NodeError);
    expect(cannot.message).toBe('output_save cannot publish a mesh_asset');
    const evenWithKind = await failureOf(runNode(test, 'output_save', { settings: { kind: 'anything' }, inputs: { artifact: { ...mesh } } }));
    expect(evenWithKind.message).toBe('output_save cannot publish a mesh_asset');
    const empty: SequenceArtifact = { type: 'image_sequence', frames: [], format: 'png', width: 8, height: 8, nameTemplate: '{cad}' };
    const none = await failureOf(runNode(test, 'output_save', { inputs: { artifact: empty } }));
    expect(none.message).toBe('output_save got an empty frame sequence');
    expect(test.published).toEqual([]);
  });
});

describe('notify', () => {
  const asset = { type: 'media_asset', assetId: 'asset-7', kind: 'render_still', file: 'renders/x.png', sha256: 'a'.repeat(64), published: true } as const;

  it('on success sends render.succeeded for the asset on each channel; the webhook gets its URL', async () => {
    const test = testRun();
    const { outputs } = await runNode(test, 'notify', { nodeId: 'hand_off', settings: { channels: ['desktop', 'webhook'], webhook_url: 'https://hooks.example.test/lightbox' }, inputs: { asset } });
    expect(test.notified).toEqual([{ nodeId: 'hand_off', event: 'render.succeeded', channels: ['desktop', 'webhook'], webhookUrl: 'https://hooks.example.test/lightbox', asset }]);
    expect(out(outputs, 'notification', 'notification')).toEqual({ type: 'notification', notificationIds: [`${test.run.runId}:render.succeeded:desktop`, `${test.run.runId}:render.succeeded:webhook`], sent: true });
  });

  it('with on_success false sends nothing', async () => {
    const test = testRun();
    const { outputs, logs } = await runNode(test, 'notify', { settings: { on_success: false }, inputs: { asset } });
    expect(test.notified).toEqual([]);
    expect(outputs).toEqual({ notification: { type: 'notification', notificationIds: [], sent: false } });
    expect(logs).toEqual(['no notification: on_success is off']);
  });

  it('in failure mode sends render.failed with the failing step when on_failure, nothing when not', async () => {
    const failure = { step: 'step3_render_still', message: 'render_still failed in Blender: boom' };
    const test = testRun();
    await runNode(test, 'notify', { settings: { on_success: false }, failure });
    expect(test.notified).toEqual([{ nodeId: expect.any(String), event: 'render.failed', channels: ['desktop'], asset: null, error: failure }]);
    const quiet = testRun();
    const { outputs } = await runNode(quiet, 'notify', { settings: { on_failure: false }, failure, inputs: { asset } });
    expect(quiet.notified).toEqual([]);
    expect(out(outputs, 'notification', 'notification').sent).toBe(false);
  });

  it('a webhook channel without a URL is refused by its settings', async () => {
    const error = await failureOf(runNode(testRun(), 'notify', { settings: { channels: ['webhook'] }, inputs: { asset } }));
    expect(error.message).toMatch(/webhook_url: is required when channels includes "webhook"/);
  });
});

// Last: a timeout kills the fixture's warm Blender, so nothing may render after this.
describe('a render killed by its timeout', () => {
  it('fails the node and logs a failed render without an exit code (the process was killed, it did not exit)', async () => {
    const test = testRun({ overrides: { timeoutMs: 50 } });
    await test.run.blenderVersion();
    const scene = await sceneOf(test);
    const error = await failureOf(runNode(test, 'render_still', { settings: { renderer: { engine: 'cycles', samples: 4096 }, resolution: { width: 512, height: 512 } }, inputs: { scene } }));
    expect(error.message).toMatch(/exceeded its timeout of 50 ms/);
    expect(test.renders).toEqual([expect.objectContaining({ status: 'failed', exitCode: null, outputPath: null, outputSha256: null, samples: 4096, error: error.message })]);
  });
});
