import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../entry/app/backend';
import { testBackend } from '../../testing/node-backend';
import { makeTempDir } from '../../testing/temp-dir';
import { TEST_STEP } from '../../testing/warm-farm';
import { migratePipeline } from '../../catalog/legacy/migrate-pipeline';
import { shippedPipelines } from '../../catalog/legacy/shipped';
import { readPngSize } from '../../platform/files/png-size';
import { cliOn } from '../../testing/cli-capture';
import { fixture } from '../../../workers/cad/fixtures';

/** The CAD library: real STEP ingest through the cad_file pipeline, real SQLite, real Blender thumbnails. */
const T = 120_000;
const CUBE = path.resolve('node_modules/occt-import-js/test/testfiles/simple-basic-cube/cube.stp');
const STL_TRIANGLE = 'solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n';
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;

beforeAll(() => {
  tmp = makeTempDir('lightbox-cad-library-');
  backend = testBackend(path.join(tmp.dir, 'data'));
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('CAD library', () => {
  it('ingests a STEP file through the cad_file pipeline: GLB, metadata, thumbnail, a recorded run', async () => {
    const { cad, runs } = backend.production;
    const imported = await cad.importFile(TEST_STEP);
    expect(imported.created).toBe(true);
    expect(imported.cadFile.status).toBe('ingesting');
    const file = await imported.done;
    expect(file).toMatchObject({ status: 'ready', name: 'as1-oc-214.stp', format: 'step', hasThumbnail: true, error: null });
    expect(file.metadata?.parts).toHaveLength(18);
    expect(file.metadata?.sourceUnits).toBe('mm');
    const dir = path.join(cad.root, file.sha256);
    expect(fs.readdirSync(dir).sort()).toEqual(['as1-oc-214.stp', 'model.glb', 'thumbnail.png']);
    const [run] = runs.ofCadFile(file.id);
    expect(run).toMatchObject({ family: 'cad_file', status: 'succeeded', pipelineKey: 'cad_ingest_default' });
    expect(run?.nodes.map((n) => [n.nodeType, n.status])).toEqual([
      ['input_cad_file', 'succeeded'],
      ['ingest_cad', 'succeeded'],
      ['extract_metadata', 'succeeded'],
      ['make_thumbnail', 'succeeded'],
    ]);
  }, T);

  it('deduplicates by content: the same bytes under another name are the same entry', async () => {
    const copy = path.join(tmp.dir, 'renamed.step');
    fs.copyFileSync(TEST_STEP, copy);
    const again = await backend.production.cad.importFile(copy);
    expect(again.created).toBe(false);
    expect((await again.done).name).toBe('as1-oc-214.stp');
    expect(backend.production.cad.page({ limit: 50 }).items).toHaveLength(1);
  }, T);

  it('a truncated STEP fails cleanly with the file and the reason; nothing half-written, nothing else touched', async () => {
    const broken = path.join(tmp.dir, 'broken.stp');
    const bytes = fs.readFileSync(TEST_STEP);
    fs.writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const file = await (await backend.production.cad.importFile(broken)).done;
    expect(file.status).toBe('failed');
    expect(file.error).toMatch(/^broken\.stp: /);
    expect(file.error).not.toContain(backend.production.cad.root);
    expect(fs.readdirSync(path.join(backend.production.cad.root, file.sha256))).toEqual(['broken.stp']);
    expect(backend.production.cad.page({ limit: 50 }).items.map((f) => f.status).sort()).toEqual(['failed', 'ready']);
    // The failed ingest's run says which step failed.
    expect(backend.production.runs.ofCadFile(file.id)[0]?.nodes.find((n) => n.nodeType === 'ingest_cad')?.status).toBe('failed');
  }, T);

  it('refuses an empty file, a missing file and an empty folder by name, storing nothing', async () => {
    const empty = path.join(tmp.dir, 'empty.stl');
    fs.writeFileSync(empty, '');
    await expect(backend.production.cad.importFile(empty)).rejects.toThrow(/empty\.stl: the file is empty/);
    await expect(backend.production.cad.importFile(path.join(tmp.dir, 'nope.stp'))).rejects.toThrow(/nope\.stp: file does not exist/);
    const folder = path.join(tmp.dir, 'nothing');
    fs.mkdirSync(folder);
    await expect(backend.production.cad.importFile(folder)).rejects.toThrow(/^nothing: the folder holds no files/);
    expect(backend.production.cad.page({ limit: 500 }).items).toHaveLength(2);
  });

  it('issue 20: an IGES file, and a folder holding a multi-file STEP assembly kept as one zip entry', async () => {
    const { cad } = backend.production;
    const iges = await (await cad.importFile(fixture('cube-10x10mm', 'Cube 10x10.igs'))).done;
    expect(iges).toMatchObject({ status: 'ready', format: 'iges', hasThumbnail: true, metadata: { sourceUnits: 'mm', bboxMm: { size: [10, 10, 10] } } });
    const imported = await cad.importFile(fixture('cax-if', 's1_pe_214'));
    const assembly = await imported.done;
    expect(assembly).toMatchObject({ status: 'ready', name: 's1_pe_214.zip', format: 'step-set', hasThumbnail: true, error: null });
    expect(assembly.metadata?.parts).toHaveLength(11);
    expect(fs.readdirSync(path.join(cad.root, assembly.sha256)).sort()).toEqual(['model.glb', 's1_pe_214.zip', 'thumbnail.png']);
    // The same files again are the same entry: the zip is built byte-for-byte the same.
    expect((await cad.importFile(fixture('cax-if', 's1_pe_214'))).created).toBe(false);
    // A native file fails by name with what to do.
    const native = await (await cad.importFile(fixture('cube-10x10mm', 'Cube 10x10.ipt'))).done;
    expect(native.status).toBe('failed');
    expect(native.error).toContain('Cube 10x10.ipt: this is a native Autodesk Inventor part or assembly (.ipt/.iam), which Lightbox cannot read');
    // PLY goes through Blender's importer as a farm job (mesh_import) inside the cad_file run.
    const plyFile = path.join(tmp.dir, 'block.ply');
    const corners = [0, 1].flatMap((z) => [[0, 0], [10, 0], [10, 20], [0, 20]].map(([x, y]) => `${x} ${y} ${z * 30}`));
    const quads = ['4 0 3 2 1', '4 4 5 6 7', '4 0 1 5 4', '4 1 2 6 5', '4 2 3 7 6', '4 3 0 4 7'];
    fs.writeFileSync(plyFile, ['ply', 'format ascii 1.0', 'element vertex 8', 'property float x', 'property float y', 'property float z', 'element face 6', 'property list uchar int vertex_indices', 'end_header', ...corners, ...quads, ''].join('\n'));
    const ply = await (await cad.importFile(plyFile)).done;
    expect(ply).toMatchObject({ status: 'ready', format: 'ply', hasThumbnail: true, metadata: { sourceUnits: 'mm', bboxMm: { size: [10, 20, 30] } } });
    for (const f of [iges, assembly, native, ply]) await cad.delete(f.id);
  }, T);

  it('refuses a file over the size cap in Settings (cadMaxFileMiB) before copying or parsing it, with its size and the cap', async () => {
    const big = path.join(tmp.dir, 'assembly.stp');
    fs.writeFileSync(big, Buffer.concat([fs.readFileSync(TEST_STEP), Buffer.alloc(2 * 1024 * 1024, 0x20)]));
    const before = backend.production.cad.page({ limit: 500 }).items.length;
    backend.settings.update({ cadMaxFileMiB: 1 });
    try {
      await expect(backend.production.cad.importFile(big)).rejects.toThrow(/^assembly\.stp: the file is 2\.4 MiB, over the 1\.0 MiB limit/);
      expect(backend.production.cad.page({ limit: 500 }).items).toHaveLength(before);
    } finally {
      backend.settings.update({ cadMaxFileMiB: 512 });
    }
  });

  it('an ingest left running by a process that died is failed at the next start, to be imported again', async () => {
    const { db } = backend;
    db.prepare(`INSERT INTO cad_files (id, sha256, name, bytes, source_path, status, created_at, updated_at) VALUES ('cad_stale', 'x', 'stale.stp', 1, '/nowhere', 'ingesting', 'now', 'now')`).run();
    backend.production.cad.recover();
    expect(backend.production.cad.get('cad_stale')).toMatchObject({ status: 'failed', error: expect.stringContaining('interrupted') });
  });

  it('runs the cad_file workflow bound in Settings (cadIngestWorkflowId): its nodes, its settings; a wrong binding fails by name', async () => {
    const { cad, runs } = backend.production;
    // A studio's own ingest workflow: the default one with a smaller thumbnail.
    const base = migratePipeline(shippedPipelines().get('cad_ingest_default')!.document);
    const nodes = base.nodes.map((n) => (n.type === 'make_thumbnail' ? { ...n, settings: { size_px: 64 } } : n));
    const saved = backend.workflows.save({ ...base, id: 'studio_cad_ingest', name: 'Studio CAD ingest', nodes, metadata: {} }, 'small thumbnails');
    backend.settings.update({ cadIngestWorkflowId: saved.document.id });
    try {
      const cube = path.join(tmp.dir, 'cube.stp');
      fs.copyFileSync(CUBE, cube);
      const file = await (await cad.importFile(cube)).done;
      expect(file).toMatchObject({ status: 'ready', hasThumbnail: true, error: null });
      const [run] = runs.ofCadFile(file.id);
      expect(run).toMatchObject({ family: 'cad_file', mode: 'graph', status: 'succeeded', workflowId: 'studio_cad_ingest', workflowRevision: saved.document.revision, pipelineKey: null });
      expect(await readPngSize(path.join(cad.root, file.sha256, 'thumbnail.png'))).toEqual({ width: 64, height: 64 });

      // Bound to an order_line workflow: the import fails and says which setting and which value.
      const line = backend.workflows.save({ ...migratePipeline(shippedPipelines().get('still_default')!.document), id: 'studio_still_for_cad', metadata: {} });
      backend.settings.update({ cadIngestWorkflowId: line.document.id });
      const other = path.join(tmp.dir, 'other.stl');
      fs.writeFileSync(other, STL_TRIANGLE);
      const refused = await (await cad.importFile(other)).done;
      expect(refused.status).toBe('failed');
      expect(refused.error).toBe("cadIngestWorkflowId: 'studio_still_for_cad' is a order_line workflow; expected a cad_file workflow");
    } finally {
      backend.settings.update({ cadIngestWorkflowId: null });
    }
  }, T);
  it('a failed import is retried from the stored original (failing again with its error) and deleted with its stored files; runs stay, unlinked', async () => {
    const { cad, runs } = backend.production;
    const broken = cad.page({ limit: 500 }).items.find((f) => f.name === 'broken.stp')!;
    expect(broken.status).toBe('failed');
    const retried = cad.retry(broken.id);
    expect(retried.cadFile.status).toBe('ingesting');
    const again = await retried.done;
    expect(again).toMatchObject({ id: broken.id, status: 'failed', error: broken.error });
    expect(runs.ofCadFile(broken.id)).toHaveLength(2);
    // Only a failed file is retried; an unknown one is named.
    const ready = cad.page({ limit: 500 }).items.find((f) => f.status === 'ready')!;
    expect(() => cad.retry(ready.id)).toThrow(/is ready; only a failed import is tried again/);
    expect(() => cad.retry('cad_nope')).toThrow('no CAD file "cad_nope" in the library');

    const runIds = runs.ofCadFile(broken.id).map((r) => r.id);
    const dir = path.join(cad.root, broken.sha256);
    expect(await cad.delete(broken.id)).toEqual({ deleted: true, id: broken.id, name: 'broken.stp' });
    expect(fs.existsSync(dir)).toBe(false);
    expect(() => cad.get(broken.id)).toThrow(/no CAD file/);
    expect(runIds.map((id) => runs.get(id)?.id)).toEqual(runIds);
    // The library folder and the other files are untouched.
    expect(fs.existsSync(path.join(cad.root, ready.sha256, 'model.glb'))).toBe(true);
  }, T);

  it('a CAD file used by order lines is not deleted: the refusal names the lines', async () => {
    const { cad, orders } = backend.production;
    backend.legacy.import([{ fileName: 'preset.tiny.json', text: JSON.stringify({ format: 'lightbox.legacy/render-preset@1', key: 'tiny', name: 'Tiny', artifact: 'still', resolution: { width: 64, height: 48 } }) }]);
    const ready = cad.page({ limit: 500 }).items.find((f) => f.name === 'as1-oc-214.stp')!;
    const order = orders.create({ name: 'Uses it', cadFileIds: [ready.id], outputTypeKeys: ['tiny'], copies: 2 });
    const refused = cad.delete(ready.id);
    await expect(refused).rejects.toMatchObject({ code: 'cad_in_use', path: 'id' });
    await expect(refused).rejects.toThrow(`as1-oc-214.stp is used by 2 order lines: ${order.lines[0]!.id} (line 1 of order ${order.id}), ${order.lines[1]!.id} (line 2 of order ${order.id}); it cannot be deleted`);
    expect(cad.get(ready.id).status).toBe('ready');
    expect(fs.existsSync(path.join(cad.root, ready.sha256, 'model.glb'))).toBe(true);
  }, T);

  it('CLI: lightbox cad retry ID and cad delete ID', async () => {
    const dataDir = path.join(tmp.dir, 'data');
    const bad = path.join(tmp.dir, 'bad.stl');
    fs.writeFileSync(bad, 'solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0\n');
    const file = await (await backend.production.cad.importFile(bad)).done;
    expect(file.status).toBe('failed');
    const retry = await cliOn(dataDir, ['cad', 'retry', file.id]);
    expect(retry.code).toBe(1);
    expect(retry.err).toContain('bad.stl: ingest failed:');
    const del = await cliOn(dataDir, ['cad', 'delete', file.id]);
    expect(del).toMatchObject({ code: 0, out: `Deleted bad.stl (${file.id})\n` });
    expect(backend.production.cad.page({ limit: 500 }).items.map((f) => f.id)).not.toContain(file.id);
    const missing = await cliOn(dataDir, ['cad', 'delete', file.id]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`no CAD file "${file.id}"`);
  }, T);
});
