import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Artifact, NodeOutputs } from '../executors/artifacts';
import { sha256FileSync } from '../../platform/files/sha256-file';

/** Bumped when an executor's output for the same inputs changes; part of every cache key. */
export const EXECUTOR_VERSIONS: Readonly<Record<string, number>> = {};
export const executorVersion = (type: string): number => EXECUTOR_VERSIONS[type] ?? 1;

/** Node types whose outputs are a pure function of their key (no effects, no run context). */
export const CACHEABLE = new Set(['ingest_cad', 'extract_metadata', 'make_thumbnail', 'prepare_scene', 'apply_materials', 'render_still', 'render_turntable', 'export_blend', 'encode_video', 'postprocess']);

const PATH_KEYS = new Set(['file', 'glb']);

/** JSON with object keys sorted, so equal values hash equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/**
 * What an artifact is, independent of where its files sit: paths are dropped, the content
 * hashes they come with stay. Two runs that made the same bytes give the same hash.
 */
export function artifactHash(artifact: Artifact): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => !isPath(k, x))
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  return crypto.createHash('sha256').update(stableJson(strip(artifact))).digest('hex');
}

export function cacheKey(parts: { type: string; version: number; settings: unknown; inputs: Record<string, string>; extra?: unknown }): string {
  return crypto
    .createHash('sha256')
    .update(stableJson({ ...parts, executor: executorVersion(parts.type) }))
    .digest('hex');
}

/** A file location (absolute path under `file`/`glb`); `metadata.file` is a name, not a location. */
const isPath = (key: string, value: unknown): value is string => PATH_KEYS.has(key) && typeof value === 'string' && path.isAbsolute(value);

/** The hash an artifact states for the file under `key` (its sibling `sha256`, or `glbSha256`). */
const statedHash = (owner: Record<string, unknown>, key: string): string | undefined => {
  const v = owner[key === 'glb' ? 'glbSha256' : 'sha256'];
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : undefined;
};

/** Every file path inside some outputs (keys `file` and `glb`), for copying and checking. */
function mapPaths(value: unknown, fn: (file: string, sha?: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapPaths(v, fn));
  if (value === null || typeof value !== 'object') return value;
  const owner = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(owner).map(([k, v]) => [k, isPath(k, v) ? fn(v, statedHash(owner, k)) : mapPaths(v, fn)]));
}

/**
 * Node outputs kept by cache key, their files in a content-addressed store
 * (`<dataDir>/cas/<sha256>/<file name>`: the name is kept, as downstream nodes publish by it).
 * Stored files are never changed in place: executors copy before they modify.
 */
export function createNodeCache(db: Database.Database, dataDir: string) {
  const root = path.join(dataDir, 'cas');
  const q = {
    get: db.prepare<[string], { outputs_json: string }>('SELECT outputs_json FROM node_cache WHERE cache_key = ?'),
    hit: db.prepare('UPDATE node_cache SET hits = hits + 1 WHERE cache_key = ?'),
    put: db.prepare('INSERT OR REPLACE INTO node_cache (cache_key, node_type, outputs_json, created_at) VALUES (?, ?, ?, ?)'),
    drop: db.prepare('DELETE FROM node_cache WHERE cache_key = ?'),
  };

  /** The stored copy of a file (its hash is trusted when the artifact states it: executors hash what they write). */
  function store(file: string, stated?: string): string {
    if (file.startsWith(root + path.sep)) return file;
    const sha = stated ?? sha256FileSync(file);
    const dir = path.join(root, sha);
    const dest = path.join(dir, path.basename(file));
    if (!fs.existsSync(dest)) {
      fs.mkdirSync(dir, { recursive: true });
      const temp = `${dest}.${crypto.randomBytes(4).toString('hex')}.part`;
      fs.copyFileSync(file, temp);
      fs.renameSync(temp, dest);
    }
    return dest;
  }

  return {
    root,
    /** The stored outputs for a key, or null (also when a stored file has gone missing). */
    lookup(key: string, count = true): NodeOutputs | null {
      const row = q.get.get(key);
      if (!row) return null;
      const outputs = JSON.parse(row.outputs_json) as NodeOutputs;
      let intact = true;
      mapPaths(outputs, (file) => {
        if (!fs.existsSync(file)) intact = false;
        return file;
      });
      if (!intact) {
        q.drop.run(key);
        return null;
      }
      if (count) q.hit.run(key);
      return outputs;
    },
    /** Copies the outputs' files into the store and records them; answers the stored outputs. */
    save(key: string, type: string, outputs: NodeOutputs): NodeOutputs {
      const stored = mapPaths(outputs, store) as NodeOutputs;
      q.put.run(key, type, JSON.stringify(stored), new Date().toISOString());
      return stored;
    },
  };
}

export type NodeCache = ReturnType<typeof createNodeCache>;
