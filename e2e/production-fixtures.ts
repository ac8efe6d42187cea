import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Locator } from '@playwright/test';
import { REPO_ROOT, type RunningHost } from './host';

/** A real CAx-IF assembly: 18 part instances (nut, rod, bolt, l-bracket, plate), 200 × 150 × 84 mm. */
export const STEP_FILE = path.join(REPO_ROOT, 'node_modules', 'occt-import-js', 'test', 'testfiles', 'cax-if', 'as1-oc-214.stp');
export const STEP_NAME = path.basename(STEP_FILE);

/** The legacy example documents, shipped in the repository (as main/catalog/legacy/legacy-testing.ts finds them). */
export const LEGACY_EXAMPLES_DIR = path.join(REPO_ROOT, 'resources', 'legacy', 'examples');

/** One contract method over plain HTTP, as the README shows with curl; throws with the backend's answer. */
export async function callApi<T = unknown>(request: APIRequestContext, host: RunningHost, method: string, input: unknown): Promise<T> {
  const response = await request.post(`${host.origin}/api/${method}`, { headers: { Authorization: `Bearer ${host.token}` }, data: input });
  const body = await response.text();
  if (!response.ok()) throw new Error(`${method} answered ${response.status()}: ${body}`);
  return JSON.parse(body) as T;
}

/** Imports legacy example documents (by file name) through the contract, as `lightbox legacy import` would. */
export async function importLegacyExamples(request: APIRequestContext, host: RunningHost, fileNames: string[]) {
  const documents = fileNames.map((fileName) => ({ fileName, text: fs.readFileSync(path.join(LEGACY_EXAMPLES_DIR, fileName), 'utf8') }));
  return callApi<{ imported: { fileName: string; key: string; status: string }[] }>(request, host, 'legacy.import', { documents });
}

export interface DroppedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Drags files onto an element as the OS would: dragenter, dragover, drop with a DataTransfer of Files. */
export async function dropFiles(target: Locator, files: DroppedFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));
  const dataTransfer = await target.page().evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const binary = atob(f.base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], f.name, { type: f.mimeType }));
    }
    return transfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
}

/**
 * An ASCII STL of `count` triangles in a strip (a valid mesh, bigger than one 512 KiB upload chunk
 * when count is a few thousand), so an upload has to travel in several chunks.
 */
export function asciiStl(count: number): Buffer {
  const lines = ['solid strip'];
  for (let i = 0; i < count; i += 1) {
    const x = Math.floor(i / 2);
    const up = i % 2 === 0;
    const v = up
      ? [
          [x, 0, 0],
          [x + 1, 0, 0],
          [x, 1, 0.5],
        ]
      : [
          [x + 1, 0, 0],
          [x + 1, 1, 0.5],
          [x, 1, 0.5],
        ];
    lines.push('  facet normal 0.000000e+00 -4.472136e-01 8.944272e-01', '    outer loop');
    for (const [a, b, c] of v) lines.push(`      vertex ${a!.toExponential(6)} ${b!.toExponential(6)} ${c!.toExponential(6)}`);
    lines.push('    endloop', '  endfacet');
  }
  lines.push('endsolid strip', '');
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** The first half of the real STEP file: recognised as STEP, cut off before END-ISO-10303-21. */
export function truncatedStep(): Buffer {
  const bytes = fs.readFileSync(STEP_FILE);
  return bytes.subarray(0, Math.floor(bytes.length / 2));
}

interface CadFileAnswer {
  id: string;
  name: string;
  status: 'ingesting' | 'ready' | 'failed';
  error: string | null;
}

/** Uploads bytes through the contract (chunked, as the page does) and waits until the ingest ends, ready or failed. */
export async function uploadCadThroughApi(request: APIRequestContext, host: RunningHost, fileName: string, bytes: Buffer, timeoutMs = 120_000): Promise<CadFileAnswer> {
  const { uploadId, chunkBytes } = await callApi<{ uploadId: string; chunkBytes: number }>(request, host, 'cad.uploadBegin', { fileName, bytes: bytes.length });
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    await callApi(request, host, 'cad.uploadChunk', { uploadId, offset, base64: bytes.subarray(offset, offset + chunkBytes).toString('base64') });
  }
  let { cadFile } = await callApi<{ cadFile: CadFileAnswer }>(request, host, 'cad.uploadFinish', { uploadId });
  const deadline = Date.now() + timeoutMs;
  while (cadFile.status === 'ingesting') {
    if (Date.now() > deadline) throw new Error(`${cadFile.name} is still ingesting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    cadFile = await callApi<CadFileAnswer>(request, host, 'cad.get', { id: cadFile.id });
  }
  return cadFile;
}

/** Uploads a file through the contract and waits until it is ready; throws with the ingest's error otherwise. */
export async function importCadThroughApi(request: APIRequestContext, host: RunningHost, file: string, timeoutMs = 120_000): Promise<CadFileAnswer> {
  const cadFile = await uploadCadThroughApi(request, host, path.basename(file), fs.readFileSync(file), timeoutMs);
  if (cadFile.status !== 'ready') throw new Error(`${cadFile.name} failed to ingest: ${cadFile.error}`);
  return cadFile;
}

/** A contract call that must be refused: answers the backend's error ({ code, message, path }). */
export async function refusedApi(request: APIRequestContext, host: RunningHost, method: string, input: unknown): Promise<{ code: string; message: string; path: string }> {
  const response = await request.post(`${host.origin}/api/${method}`, { headers: { Authorization: `Bearer ${host.token}` }, data: input });
  const body = (await response.json()) as { error?: { code: string; message: string; path: string } } & { code?: string; message?: string; path?: string };
  if (response.ok()) throw new Error(`${method} was expected to be refused but answered ${JSON.stringify(body)}`);
  return body.error ?? (body as { code: string; message: string; path: string });
}
