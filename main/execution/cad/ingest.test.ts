import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NodeIO, type Node } from '@gltf-transform/core';
import { build } from 'esbuild';
import occtimportjs from 'occt-import-js';
import { createCadWorkerPool, ingestCad, type IngestCadResult } from './ingest';
import { pngSize } from '../../platform/files/png-size';
import { binaryStl, boxTriangles, expectCadError } from '../../../workers/cad/test-files';
import { makeTempDir } from '../../testing/temp-dir';
import { searchPath } from '../../platform/tools/find-executable';

const require = createRequire(import.meta.url);
const caxIf = path.join(path.dirname(require.resolve('occt-import-js/package.json')), 'test', 'testfiles', 'cax-if');
const caxIfFiles = fs.readdirSync(caxIf).filter((f) => f.endsWith('.stp')).sort();
const SMALL_STEP = path.join(caxIf, 'sg1-c5-214.stp');
const TEST_STEP = path.join(caxIf, 'as1-oc-214.stp');

/** `mib` MiB of printable garbage behind a valid STEP header and trailer: detected as STEP, parsed for long. */
function garbageStep(file: string, mib: number): string {
  const header = "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('garbage','2024-01-01T00:00:00',(''),(''),'','','');\nFILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\nDATA;\n";
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header);
    for (let i = 0; i < mib; i++) fs.writeSync(fd, crypto.randomBytes(786_432).toString('base64').replace(/(.{76})/g, '$1\n').slice(0, 1024 * 1024));
    fs.writeSync(fd, '\nENDSEC;\nEND-ISO-10303-21;\n');
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir('lightbox-cad-ingest-')));
afterEach(() => cleanup());

const failure = expectCadError;

describe('ingestCad: the CAx-IF STEP models shipped with occt-import-js', () => {
  it('finds the top-level .stp files', () => {
    expect(caxIfFiles.length).toBeGreaterThanOrEqual(9);
  });

  it.each(caxIfFiles)('%s: one part per OpenCascade mesh; the GLB re-reads with the same meshes and names', async (name) => {
    const file = path.join(caxIf, name);
    const occt = await occtimportjs({ print: () => {}, printErr: () => {} });
    const reference = occt.ReadStepFile(fs.readFileSync(file), { linearUnit: 'millimeter', linearDeflectionType: 'absolute_value', linearDeflection: 0.1, angularDeflection: (15 * Math.PI) / 180 });
    expect(reference.success).toBe(true);

    const result = await ingestCad({ file, outDir: dir, thumbnail: false });
    expect(result.metadata.format).toBe('step');
    // The AP203/AP214 files from Pro/Engineer and I-DEAS are modelled in inches.
    expect(result.metadata.sourceUnits).toBe(['as1_pe_203.stp', 'dm1-id-214.stp', 'dm1-pe-214.stp'].includes(name) ? 'in' : 'mm');
    expect(result.metadata.partCount).toBe(reference.meshes.length);
    expect(result.metadata.triangleCount).toBe(reference.meshes.reduce((sum, m) => sum + m.index.array.length / 3, 0));
    expect(fs.readdirSync(dir)).toEqual([path.basename(name, '.stp') + '.glb']);

    const bytes = fs.readFileSync(result.glbPath);
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(result.glbSha256);
    const doc = await new NodeIO().readBinary(new Uint8Array(bytes));
    const meshes = doc.getRoot().listMeshes();
    expect(meshes).toHaveLength(reference.meshes.length);
    expect(meshes.map((m) => m.getName())).toEqual(reference.meshes.map((m, i) => m.name || `part_${i + 1}`));
  });

  it('as1-oc-214.stp keeps the assembly tree, part names and colors', async () => {
    const result = await ingestCad({ file: path.join(caxIf, 'as1-oc-214.stp'), outDir: dir, thumbnail: false });
    const doc = await new NodeIO().readBinary(new Uint8Array(fs.readFileSync(result.glbPath)));
    const scene = doc.getRoot().listScenes()[0];
    const top = scene?.listChildren() ?? [];
    expect(top.map((n) => n.getName())).toEqual(['as1']);
    const childNames = (node: Node | undefined) => (node?.listChildren() ?? []).map((n) => n.getName());
    expect(childNames(top[0])).toEqual(expect.arrayContaining(['rod-assembly', 'l-bracket-assembly', 'plate']));

    const colorOf = (partName: string) => {
      const mesh = doc.getRoot().listMeshes().find((m) => m.getName() === partName);
      return mesh?.listPrimitives().map((p) => p.getMaterial()?.getBaseColorFactor());
    };
    expect(colorOf('nut')).toEqual([[1, 0, 0, 1]]);
    expect(colorOf('bolt')).toEqual([[0, 0, 1, 1]]);
    expect(colorOf('l-bracket')).toEqual([[0, 1, 0, 1]]);
    expect(new Set(result.metadata.parts.map((p) => p.name))).toEqual(new Set(['nut', 'rod', 'bolt', 'l-bracket', 'plate']));
    // The assembly is 200 × 150 × 84 mm in the file's own millimetres.
    expect(result.metadata.bboxMm.size.map(Math.round)).toEqual([200, 150, 84]);
  });
});

describe('STEP source units', () => {
  it.each([
    ['cube-mm.step', 'mm'],
    ['cube-in.step', 'in'],
    ['cube-m.step', 'm'],
  ])('%s declares %s; the bbox stays in millimetres', async (name, unit) => {
    const file = path.join(caxIf, '..', 'cube-units', name);
    const result = await ingestCad({ file, outDir: dir, thumbnail: false });
    expect(result.metadata.sourceUnits).toBe(unit);
    const size = result.metadata.bboxMm.size;
    expect(size.every((v) => v > 0)).toBe(true);
  });
});

describe('ingestCad: corrupt inputs fail clearly and leave nothing behind', () => {
  const cases: { name: string; content: () => Buffer; code: string; reason: RegExp }[] = [
    { name: 'empty.step', content: () => Buffer.alloc(0), code: 'EMPTY', reason: /empty/ },
    { name: 'half.stp', content: () => fs.readFileSync(SMALL_STEP).subarray(0, Math.floor(fs.statSync(SMALL_STEP).size / 2)), code: 'TRUNCATED', reason: /STEP file is truncated/ },
    { name: 'cut.stl', content: () => binaryStl(boxTriangles([1, 1, 1])).subarray(0, 300), code: 'TRUNCATED', reason: /declares 12 triangles \(684 bytes\) but the file has 300 bytes/ },
    { name: 'noise.stp', content: () => crypto.randomBytes(4096), code: 'UNKNOWN_FORMAT', reason: /not a supported CAD format/ },
    { name: 'mesh.step', content: () => binaryStl(boxTriangles([1, 1, 1])), code: 'MISLABELLED', reason: /named \.step but its content is binary STL/ },
  ];
  it.each(cases)('$name → $code', async ({ name, content, code, reason }) => {
    const input = path.join(dir, 'in', name);
    fs.mkdirSync(path.dirname(input));
    fs.writeFileSync(input, content());
    const outDir = path.join(dir, 'out');
    const error = await failure(ingestCad({ file: input, outDir, thumbnail: false }));
    expect(error.code).toBe(code);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(input);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('a STEP that OpenCascade rejects (valid header, broken body) is CORRUPT with its parser message', async () => {
    const input = path.join(dir, 'broken.stp');
    fs.writeFileSync(input, 'ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((\'\'),\'2;1\');\nENDSEC;\nDATA;\n#1 = GARBAGE(;\nENDSEC;\nEND-ISO-10303-21;\n');
    const outDir = path.join(dir, 'out');
    const error = await failure(ingestCad({ file: input, outDir, thumbnail: false }));
    expect(['CORRUPT', 'ZERO_TRIANGLES']).toContain(error.code);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });
});

describe('ingestCad through the piscina worker (the built app path)', () => {
  // vitest runs TypeScript that a worker thread cannot load; bundle the worker like
  // scripts/build.mjs does, inside the repo so its external packages resolve.
  let bundleDir: string;
  beforeAll(async () => {
    bundleDir = fs.mkdtempSync(path.join(process.cwd(), 'node_modules', '.cache-lightbox-cad-'));
    await build({ entryPoints: ['workers/cad/tessellate.worker.ts'], bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', outfile: path.join(bundleDir, 'tessellate.worker.mjs'), logLevel: 'warning' });
  });
  afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

  it('gives the same GLB as the in-process conversion, and errors as CadIngestError', async () => {
    const pool = createCadWorkerPool({ filename: path.join(bundleDir, 'tessellate.worker.mjs'), maxThreads: 1 });
    try {
      const viaWorker = await ingestCad({ file: SMALL_STEP, outDir: path.join(dir, 'a'), thumbnail: false, runner: pool.run });
      const inline = await ingestCad({ file: SMALL_STEP, outDir: path.join(dir, 'b'), thumbnail: false });
      expect(viaWorker.glbSha256).toBe(inline.glbSha256);
      expect(viaWorker.metadata).toEqual(inline.metadata);
      const empty = path.join(dir, 'empty.stl');
      fs.writeFileSync(empty, '');
      expect((await failure(ingestCad({ file: empty, outDir: path.join(dir, 'c'), thumbnail: false, runner: pool.run }))).code).toBe('EMPTY');
    } finally {
      await pool.close();
    }
  });

  // Issue 13 item 9: a 220 MB garbage file behind a STEP header took 99 s and 2.4 GB before failing.
  it('a file over the size cap is refused before parsing, with its size and the cap in the message', async () => {
    const pool = createCadWorkerPool({ filename: path.join(bundleDir, 'tessellate.worker.mjs'), maxThreads: 1 });
    try {
      const big = garbageStep(path.join(dir, 'huge.step'), 8);
      const outDir = path.join(dir, 'capped');
      const started = Date.now();
      const error = await failure(ingestCad({ file: big, outDir, thumbnail: false, runner: pool.run, options: { max_size_bytes: 4 * 1024 * 1024 } }));
      expect(error.code).toBe('TOO_LARGE');
      expect(error.reason).toMatch(/file is 8\.0 MiB, over the 4\.0 MiB limit/);
      expect(Date.now() - started, 'refused before parsing (a parse of it takes seconds)').toBeLessThan(3000);
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('the worker time limit ends a long STEP parse with an error that says so, and leaves nothing behind', async () => {
    const pool = createCadWorkerPool({ filename: path.join(bundleDir, 'tessellate.worker.mjs'), maxThreads: 1, timeoutMs: 5000 });
    try {
      // The worker loads on a small STL first, so the limit falls on the parse: Node 20 aborts the
      // whole process when a worker is terminated while its module is still being instantiated,
      // which a loaded CI machine once reached within a 1.5 s limit.
      const box = path.join(dir, 'box.stl');
      fs.writeFileSync(box, binaryStl(boxTriangles([1, 1, 1])));
      await ingestCad({ file: box, outDir: path.join(dir, 'warm'), thumbnail: false, runner: pool.run });
      // 16 MiB of text behind a STEP header takes OpenCascade ~20 s to reject.
      const garbage = garbageStep(path.join(dir, 'garbage.step'), 16);
      const outDir = path.join(dir, 'timed-out');
      const started = Date.now();
      const error = await failure(ingestCad({ file: garbage, outDir, thumbnail: false, runner: pool.run }));
      expect(error.code).toBe('WORKER_FAILED');
      expect(error.reason).toMatch(/the CAD worker timed out: no result within 5 s/);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('the worker heap limit ends it with ERR_WORKER_OUT_OF_MEMORY, named as such, and leaves nothing behind', async () => {
    const HEAP_MB = 10;
    const pool = createCadWorkerPool({ filename: path.join(bundleDir, 'tessellate.worker.mjs'), maxThreads: 1, maxHeapMb: HEAP_MB });
    try {
      // Loaded first on a small STL, so the limit is met by the parse. At 8 MiB the worker sometimes
      // ran out while its module was still being instantiated, and Node 20 then aborts the whole
      // process (v8::Module::IsGraphAsync), not just the worker (2 of 4 runs under load); 10 MiB
      // loads it (12 of 12 runs) and the CAx-IF assembly still runs out (it fits in 12 MiB).
      const box = path.join(dir, 'box.stl');
      fs.writeFileSync(box, binaryStl(boxTriangles([1, 1, 1])));
      await ingestCad({ file: box, outDir: path.join(dir, 'warm'), thumbnail: false, runner: pool.run });
      const outDir = path.join(dir, 'out-of-memory');
      const error = await failure(ingestCad({ file: TEST_STEP, outDir, thumbnail: false, runner: pool.run }));
      expect(error.code).toBe('WORKER_FAILED');
      expect(error.reason).toMatch(new RegExp(`the CAD worker ran out of memory \\(ERR_WORKER_OUT_OF_MEMORY: over its ${HEAP_MB} MiB heap limit\\)`));
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});

describe('ingestCad thumbnail (real Blender)', () => {
  let blender: string | null = null;
  beforeAll(async () => {
    blender = process.env.BLENDER_PATH || (await searchPath('blender', process.env));
  });

  it('renders a PNG of the requested size next to the GLB', async (ctx) => {
    if (!blender) ctx.skip();
    const result: IngestCadResult = await ingestCad({ file: SMALL_STEP, outDir: dir, blenderPath: blender ?? undefined, options: { size_px: 96 } });
    expect(result.thumbnailError).toBeUndefined();
    expect(result.thumbnailPath).toBe(path.join(dir, 'sg1-c5-214.png'));
    expect(pngSize(fs.readFileSync(result.thumbnailPath ?? ''))).toEqual({ width: 96, height: 96 });
    expect(fs.readdirSync(dir).sort()).toEqual(['sg1-c5-214.glb', 'sg1-c5-214.png']);
  });

  it('a failing Blender does not fail the ingest: the error is reported', async () => {
    const result = await ingestCad({ file: SMALL_STEP, outDir: dir, blenderPath: '/bin/false' });
    expect(result.thumbnailPath).toBeNull();
    expect(result.thumbnailError).toMatch(/thumbnail render failed/);
    expect(fs.readdirSync(dir)).toEqual(['sg1-c5-214.glb']);
  });
});
