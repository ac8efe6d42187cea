import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAD_UPLOAD_CHUNK_BYTES } from '../../../../shared/cad/api';
import type { Backend } from '../backend';
import { exampleDocuments } from '../../../catalog/legacy/legacy-testing';
import { testBackend } from '../../../testing/node-backend';
import { waitFor } from '../../../testing/processes';
import { makeTempDir } from '../../../testing/temp-dir';
import { TEST_STEP } from '../../../testing/warm-farm';

/** The production methods through the contract dispatch both transports use (input checked by zod). */
const T = 120_000;
let tmp: ReturnType<typeof makeTempDir>;
let backend: Backend;
const events: { event: string; payload: unknown }[] = [];

async function call(method: string, input: unknown) {
  return backend.dispatch(method as never, input, { transport: 'http' } as never);
}
async function ok<T>(method: string, input: unknown): Promise<T> {
  const result = await call(method, input);
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.result as T;
}

async function upload(file: string, name = path.basename(file)): Promise<{ cadFile: { id: string; status: string } }> {
  const bytes = fs.readFileSync(file);
  const { uploadId } = await ok<{ uploadId: string }>('cad.uploadBegin', { fileName: name, bytes: bytes.length });
  // Smaller chunks than the cap, so this file takes several.
  const size = CAD_UPLOAD_CHUNK_BYTES / 4;
  for (let offset = 0; offset < bytes.length; offset += size) {
    await ok('cad.uploadChunk', { uploadId, offset, base64: bytes.subarray(offset, offset + size).toString('base64') });
  }
  return ok('cad.uploadFinish', { uploadId });
}

beforeAll(() => {
  tmp = makeTempDir('lightbox-production-api-');
  backend = testBackend(path.join(tmp.dir, 'data'));
  backend.events.subscribe((event, payload) => events.push({ event, payload }));
  backend.legacy.import(exampleDocuments());
});
afterAll(async () => {
  await backend.close();
  tmp.cleanup();
});

describe('production contract methods', () => {
  it('uploads a CAD file in chunks, ingests it in the background with cad.changed events, and serves its thumbnail', async () => {
    expect(fs.statSync(TEST_STEP).size).toBeGreaterThan(CAD_UPLOAD_CHUNK_BYTES / 2);
    const { cadFile } = await upload(TEST_STEP);
    expect(cadFile.status).toBe('ingesting');
    expect(await waitFor(() => events.some((e) => e.event === 'cad.changed' && (e.payload as { status: string }).status === 'ready'), 60_000)).toBe(true);
    const listed = await ok<{ items: { id: string; status: string }[] }>('cad.list', {});
    expect(listed.items).toEqual([expect.objectContaining({ id: cadFile.id, status: 'ready' })]);
    const thumb = await ok<{ dataUrl: string }>('cad.thumbnail', { id: cadFile.id });
    expect(thumb.dataUrl.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
    // Uploads leave nothing behind in the staging folder.
    expect(fs.readdirSync(path.join(backend.dataDir, 'uploads'))).toEqual([]);
  }, T);

  it('refuses chunks out of order, too many bytes, an unfinished upload and a path as a file name', async () => {
    const { uploadId } = await ok<{ uploadId: string }>('cad.uploadBegin', { fileName: 'a.stl', bytes: 4 });
    const skipped = await call('cad.uploadChunk', { uploadId, offset: 2, base64: 'AAAA' });
    expect(skipped).toMatchObject({ ok: false, error: { code: 'bad_chunk', path: 'offset' } });
    const tooMany = await call('cad.uploadChunk', { uploadId, offset: 0, base64: Buffer.alloc(8).toString('base64') });
    expect(tooMany).toMatchObject({ ok: false, error: { message: expect.stringContaining('more bytes than the 4 announced') } });
    expect(await call('cad.uploadFinish', { uploadId })).toMatchObject({ ok: false, error: { code: 'incomplete_upload' } });
    expect(await call('cad.uploadBegin', { fileName: '../../etc/passwd', bytes: 4 })).toMatchObject({ ok: false, error: { path: 'fileName' } });
  });

  it('lists output types, creates an order (ids checked first), dispatches in the background and shows the line', async () => {
    const types = await ok<{ outputTypes: { key: string; form: string; active: boolean }[] }>('outputTypes.list', {});
    expect(types.outputTypes.map((t) => t.key)).toContain('still_quick_preview');
    expect(types.outputTypes.every((t) => t.form === 'legacy_preset' && t.active)).toBe(true);
    const bad = await call('orders.create', { cadFileIds: ['cad_missing'], outputTypeKeys: ['still_quick_preview'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'not_found', path: 'cadFileIds.0' } });
    expect((await ok<{ items: unknown[] }>('orders.list', {})).items).toEqual([]);

    const [cad] = (await ok<{ items: { id: string }[] }>('cad.list', {})).items;
    const order = await ok<{ lines: { id: string }[] }>('orders.create', { cadFileIds: [cad?.id], outputTypeKeys: ['still_quick_preview'], copies: 2 });
    expect(order.lines).toHaveLength(2);
    const lineId = order.lines[0]?.id as string;
    const started = await ok<{ runId: string; alreadyDone: boolean }>('orders.dispatch', { orderLineId: lineId, draft: { maxSize: 48, samples: 2 } });
    expect(started.alreadyDone).toBe(false);
    expect(await waitFor(() => events.some((e) => e.event === 'orders.progress' && (e.payload as { status: string; orderLineId: string }).orderLineId === lineId && (e.payload as { status: string }).status === 'succeeded'), 60_000)).toBe(true);
    // Node status and log lines were streamed while it ran.
    const nodeEvents = events.filter((e) => e.event === 'runs.node' && (e.payload as { runId: string }).runId === started.runId).map((e) => e.payload as { nodeType: string; status: string });
    expect(nodeEvents).toContainEqual(expect.objectContaining({ nodeType: 'render_still', status: 'succeeded' }));
    expect(events.some((e) => e.event === 'runs.log' && (e.payload as { runId: string }).runId === started.runId)).toBe(true);
    const detail = await ok<{ line: { status: string; assetIds: string[] }; runs: unknown[]; assets: { id: string }[]; notifications: unknown[]; renderLogs: unknown[] }>('orders.line', { id: lineId });
    expect(detail.line.status).toBe('succeeded');
    expect(detail.line.assetIds).toEqual([detail.assets[0]?.id]);
    expect(detail.runs).toHaveLength(1);
    expect(detail.renderLogs).toHaveLength(1);
    expect(detail.notifications).toHaveLength(1);
    const preview = await ok<{ dataUrl: string; mime: string }>('assets.preview', { id: detail.assets[0]?.id });
    expect(preview.mime).toBe('image/jpeg');
    expect(preview.dataUrl.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
    expect((await ok<{ items: unknown[] }>('assets.list', { orderLineId: lineId })).items).toHaveLength(1);
    expect((await ok<{ items: unknown[] }>('notifications.list', { orderLineId: lineId })).items).toHaveLength(1);
    // An app window listens (this test's subscriber): the outbox shows the desktop notification and marks it delivered.
    await backend.production.outbox.deliverDue();
    expect(events.filter((e) => e.event === 'notifications.desktop').map((e) => (e.payload as { orderLineId: string }).orderLineId)).toEqual([lineId]);
    expect((await ok<{ items: { state: string }[] }>('notifications.list', { orderLineId: lineId })).items[0]?.state).toBe('delivered');
  }, T);

  it('answers a hostile or malformed input with a validation error naming the field', async () => {
    expect(await call('orders.dispatch', { orderLineId: 'x', mode: 'turbo' })).toMatchObject({ ok: false, error: { path: 'mode' } });
    expect(await call('orders.create', { cadFileIds: [], outputTypeKeys: ['a'] })).toMatchObject({ ok: false, error: { path: 'cadFileIds' } });
    expect(await call('orders.create', { cadFileIds: ['a'], outputTypeKeys: ['b'], overrides: { materialVariant: 'gold' } })).toMatchObject({ ok: false, error: { path: 'overrides.materialVariant' } });
    expect(await call('assets.preview', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
