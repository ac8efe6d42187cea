import fs from 'node:fs';
import path from 'node:path';
import { Logger, NodeIO, type Document } from '@gltf-transform/core';
import { CadIngestError } from './errors';

export function quietIO(): NodeIO {
  // gltf-transform logs warnings to the console; ingest problems are reported as errors instead.
  return new NodeIO().setLogger(new Logger(Logger.Verbosity.ERROR));
}

export async function parseGlb(data: Buffer, file: string): Promise<Document> {
  if (data.length < 12) throw new CadIngestError('TRUNCATED', file, `GLB is truncated: ${data.length} bytes, shorter than the 12-byte header`);
  const version = data.readUInt32LE(4);
  const declared = data.readUInt32LE(8);
  if (version !== 2) throw new CadIngestError('CORRUPT', file, `GLB version ${version} is not supported (only glTF 2.0)`);
  if (declared > data.length) throw new CadIngestError('TRUNCATED', file, `GLB is truncated: its header declares ${declared} bytes but the file has ${data.length}`);
  try {
    return await quietIO().readBinary(new Uint8Array(data.buffer, data.byteOffset, declared));
  } catch (error) {
    throw new CadIngestError('CORRUPT', file, `GLB could not be read: ${(error as Error).message}`);
  }
}

interface GltfJson {
  buffers?: { uri?: string }[];
  images?: { uri?: string }[];
}

/**
 * A .gltf may reference .bin buffers and images by URI. Only files inside the .gltf's own
 * folder are read (no absolute paths, no "..", no symlink out, no network): an untrusted
 * glTF must not make the app read arbitrary files.
 */
async function externalResources(json: GltfJson, file: string): Promise<Record<string, Uint8Array<ArrayBuffer>>> {
  const folder = await fs.promises.realpath(path.dirname(path.resolve(file)));
  const resources: Record<string, Uint8Array<ArrayBuffer>> = {};
  const uris = [...(json.buffers ?? []), ...(json.images ?? [])].map((def) => def.uri).filter((uri): uri is string => typeof uri === 'string');
  for (const uri of uris) {
    if (uri.startsWith('data:') || uri in resources) continue;
    const refuse = (why: string): never => {
      throw new CadIngestError('EXTERNAL_RESOURCE', file, `glTF references "${uri.slice(0, 120)}", ${why}; only files in the .gltf's own folder are read`);
    };
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) refuse('a URL');
    let relative: string;
    try {
      relative = decodeURIComponent(uri);
    } catch {
      return refuse('which is not a valid URI');
    }
    if (path.isAbsolute(relative)) refuse('an absolute path');
    const target = path.resolve(folder, relative);
    let real: string;
    try {
      real = await fs.promises.realpath(target);
    } catch {
      throw new CadIngestError('CORRUPT', file, `glTF references "${uri}", which does not exist next to it`);
    }
    if (!real.startsWith(folder + path.sep)) refuse('which is outside its folder');
    resources[uri] = new Uint8Array(await fs.promises.readFile(real));
  }
  return resources;
}

export async function parseGltf(data: Buffer, file: string): Promise<Document> {
  let json: GltfJson;
  try {
    json = JSON.parse(data.toString('utf8')) as GltfJson;
  } catch (error) {
    const message = (error as Error).message;
    if (/end of (JSON )?input|Unterminated/i.test(message)) throw new CadIngestError('TRUNCATED', file, `glTF JSON is truncated: ${message}`);
    throw new CadIngestError('CORRUPT', file, `glTF JSON does not parse: ${message}`);
  }
  const resources = await externalResources(json, file);
  try {
    return await quietIO().readJSON({ json: json as never, resources });
  } catch (error) {
    throw new CadIngestError('CORRUPT', file, `glTF could not be read: ${(error as Error).message}`);
  }
}

/** GLB holds one binary buffer: point every accessor at the first and drop the rest. */
export function mergeBuffers(doc: Document): void {
  const [first, ...rest] = doc.getRoot().listBuffers();
  if (!first) return;
  for (const buffer of rest) {
    for (const parent of buffer.listParents()) {
      if ('setBuffer' in parent && typeof parent.setBuffer === 'function') (parent as { setBuffer(b: typeof first): void }).setBuffer(first);
    }
    buffer.dispose();
  }
  first.setURI('');
}
