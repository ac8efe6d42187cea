import path from 'node:path';
import type Database from 'better-sqlite3';
import type { CadMetadata } from '../cad/ingest';
import type { MeshArtifact } from '../executors/artifacts';
import { NodeError } from '../executors/context';

type CadRow = { id: string; name: string; status: string; error: string | null; glb_path: string | null; glb_sha256: string | null; metadata_json: string | null };

/** A library CAD file's ingested mesh, or a NodeError that says why there is none. */
export function resolveCadMesh(db: Database.Database, cadFileId: string): MeshArtifact {
  const row = db.prepare<[string], CadRow>('SELECT id, name, status, error, glb_path, glb_sha256, metadata_json FROM cad_files WHERE id = ?').get(cadFileId);
  if (!row) throw new NodeError(`CAD file ${cadFileId} is not in the library`);
  if (row.status !== 'ready' || !row.glb_path || !row.glb_sha256) {
    throw new NodeError(`CAD file ${row.name} is not ingested (${row.status}${row.error ? `: ${row.error}` : ''})`);
  }
  const name = path.basename(row.name, path.extname(row.name)) || 'part';
  return { type: 'mesh_asset', cadFileId: row.id, name, glb: row.glb_path, glbSha256: row.glb_sha256, metadata: row.metadata_json ? (JSON.parse(row.metadata_json) as CadMetadata) : null };
}
