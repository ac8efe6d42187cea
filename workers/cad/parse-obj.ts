import { CadIngestError } from './errors';
import { GlbBuilder } from './glb-builder';
import { FloatList, forEachLine } from './text-lines';

interface ObjPart {
  name: string;
  positions: FloatList;
  normals: FloatList;
  indices: number[];
  /** "position/normal" → vertex index in this part: shares vertices the file shares. */
  corners: Map<string, number>;
  missingNormal: boolean;
}

function newPart(name: string): ObjPart {
  return { name, positions: new FloatList(), normals: new FloatList(), indices: [], corners: new Map(), missingNormal: false };
}

/**
 * A small OBJ reader for geometry: v, vn and f (polygons fan-triangulated, which is exact for
 * the convex faces exporters write), `o`/`g` as part names. Texture coordinates, materials
 * (usemtl/mtllib), curves and smoothing groups are ignored: the normalized scene keeps names,
 * not OBJ materials. A name seen again continues the same part.
 */
export function parseObj(data: Buffer, file: string, defaultName: string, metresPerUnit: number): GlbBuilder {
  const positions = new FloatList();
  const normals = new FloatList();
  const parts = new Map<string, ObjPart>();
  let current: ObjPart | null = null;
  let objectName = defaultName;
  let problem: string | null = null;

  const select = (name: string): ObjPart => {
    let part = parts.get(name);
    if (!part) parts.set(name, (part = newPart(name)));
    current = part;
    return part;
  };
  const resolve = (token: string | undefined, count: number): number | null => {
    if (token === undefined || token === '') return null;
    const i = Number.parseInt(token, 10);
    // Negative indices count back from the latest element.
    const index = i > 0 ? i - 1 : count + i;
    return Number.isInteger(i) && i !== 0 && index >= 0 && index < count ? index : -1;
  };

  forEachLine(data, (raw, lineNumber) => {
    if (problem !== null) return;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = line.split(/\s+/);
    const keyword = tokens[0];
    if (keyword === 'v' || keyword === 'vn') {
      const [x, y, z] = [Number(tokens[1]), Number(tokens[2]), Number(tokens[3])];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
        problem = `OBJ has a bad ${keyword} on line ${lineNumber}: "${line.slice(0, 80)}"`;
        return;
      }
      if (keyword === 'v') positions.push3(x * metresPerUnit, y * metresPerUnit, z * metresPerUnit);
      else normals.push3(x, y, z);
    } else if (keyword === 'o') {
      objectName = tokens.slice(1).join(' ') || defaultName;
      select(objectName);
    } else if (keyword === 'g') {
      // A nameless "g" returns to the object's own part.
      select(tokens.slice(1).join(' ') || objectName);
    } else if (keyword === 'f') {
      const part = current ?? select(objectName);
      const corners: number[] = [];
      for (const token of tokens.slice(1)) {
        const [v, , vn] = token.split('/');
        const p = resolve(v, positions.length / 3);
        const n = resolve(vn, normals.length / 3);
        if (p === null || p < 0 || n === -1) {
          problem = `OBJ face on line ${lineNumber} refers to a vertex that does not exist ("${token}")`;
          return;
        }
        const key = `${p}/${n ?? ''}`;
        let corner = part.corners.get(key);
        if (corner === undefined) {
          corner = part.positions.length / 3;
          part.corners.set(key, corner);
          part.positions.push3(positions.get(p * 3), positions.get(p * 3 + 1), positions.get(p * 3 + 2));
          if (n === null) {
            part.missingNormal = true;
            part.normals.push3(0, 0, 0);
          } else {
            part.normals.push3(normals.get(n * 3), normals.get(n * 3 + 1), normals.get(n * 3 + 2));
          }
        }
        corners.push(corner);
      }
      if (corners.length < 3) {
        problem = `OBJ face on line ${lineNumber} has fewer than 3 vertices`;
        return;
      }
      const first = corners[0] ?? 0;
      for (let k = 1; k + 1 < corners.length; k++) part.indices.push(first, corners[k] ?? 0, corners[k + 1] ?? 0);
    }
  });
  if (problem !== null) throw new CadIngestError('CORRUPT', file, problem);

  const builder = new GlbBuilder();
  for (const part of parts.values()) {
    if (part.indices.length === 0) continue; // a group with only a name, or lines/points
    const mesh = builder.mesh({
      name: part.name,
      positions: part.positions.toArray(),
      // Half-specified normals would be wrong: without any, readers compute flat ones.
      normals: part.missingNormal ? undefined : part.normals.toArray(),
      groups: [{ color: null, indices: Uint32Array.from(part.indices) }],
    });
    builder.node(part.name, null, mesh);
  }
  if (builder.doc.getRoot().listMeshes().length === 0) throw new CadIngestError('ZERO_TRIANGLES', file, 'OBJ has no faces: there is no surface geometry');
  return builder;
}
